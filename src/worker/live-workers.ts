// This host's worker count, live: registered with the dispatcher when the worker starts (`ccp up --workers N`), then
// followed without a restart — `ccp workers add|remove|set` change the count there, and the tmux session's worker
// panes are added (a further window once one is full), marked and removed to match. The dispatcher decides how
// many agents run; the panes are where they run.
import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TmuxAdapter, WorkerPaneInput } from '../adapters/tmux.js';
import { removeFreePane } from '../agents/pane-pool.js';
import { changeDispatch, dispatchView } from '../client/dispatch.js';
import { planWorkerPanes, type PanePlan } from '../core/pane-layout.js';

export interface LiveWorkersInput {
  client: Client;
  /** The shared queue: its dispatcher holds every host's count. */
  taskQueue: string;
  hostId: string;
  /** The count this worker starts with. */
  workers: number;
  tmux: TmuxAdapter;
  panes: WorkerPaneInput;
  /** Creates the tmux session (dashboard and this many worker panes) when it is gone. */
  ensureSession: (workers: number) => Promise<void>;
  /** Ends the loop. */
  signal: AbortSignal;
  /** How often the count is read (default 1 s). */
  intervalMs?: number;
  log?: (line: string) => void;
}

export interface LiveWorkers {
  /** The count the panes follow now. */
  current(): number;
  /** Settles once the loop has ended (after the signal). */
  done: Promise<void>;
}

/** Registers the count and follows it until the signal aborts; errors are logged (once each) and retried. */
export function followWorkerCount(input: LiveWorkersInput): LiveWorkers {
  const { client, taskQueue, hostId, signal } = input;
  const log = input.log ?? (() => undefined);
  let current = input.workers;
  let registered = false;
  let lastError = '';
  /** The host's count at the dispatcher (registering it first when the dispatcher has none). */
  const readCount = async (): Promise<number | undefined> => {
    if (!registered) {
      // A dispatcher started afresh (its history gone) has no count for this host: it gets the one followed now.
      await changeDispatch(client, taskQueue, { kind: 'set-workers', host: hostId, workers: current });
      registered = true;
      log(`host ${hostId}: ${current} workers registered with the dispatcher`);
    }
    const host = (await dispatchView(client, taskQueue)).hosts[hostId];
    if (!host) registered = false;
    return host?.workers;
  };
  const stopped = new Promise<undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined), { once: true }));
  let reading: Promise<number | undefined> = Promise.resolve(undefined);
  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        // Waiting on a server that is going away does not hold the worker's shutdown up; the panes' own step does.
        // The call is cancelled with the signal: left running, a retry of it after the connection closed threw
        // "Channel has been shut down" from a timer (an uncaught exception at shutdown).
        reading = client.withAbortSignal(signal, readCount);
        reading.catch(() => undefined);
        const workers = await Promise.race([reading, stopped]);
        if (workers !== undefined && !signal.aborted) {
          if (workers !== current) log(`host ${hostId}: workers ${current} → ${workers}`);
          current = workers;
          const changed = await reconcileWorkerPanes(input, current);
          if (changed) log(`panes: ${changed}`);
        }
        lastError = '';
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (message !== lastError && !signal.aborted) log(`following the worker count failed (retrying): ${message}`);
        lastError = message;
      }
      await sleep(input.intervalMs ?? 1000, undefined, { signal }).catch(() => undefined);
    }
  };
  // Done once the cancelled call has settled too, so the connection can close under nothing.
  return { current: () => current, done: loop().then(() => reading.then(() => undefined, () => undefined)) };
}

/** One step towards `workers` worker panes; says what it did ("" when nothing). */
export async function reconcileWorkerPanes(input: Pick<LiveWorkersInput, 'tmux' | 'panes' | 'ensureSession'>,
  workers: number): Promise<string> {
  const { tmux, panes: paneInput } = input;
  const session = paneInput.session;
  if (!(await tmux.hasSession(session))) {
    await input.ensureSession(workers);
    return `session ${session} made again with ${workers} worker panes`;
  }
  const windows = new Map((await tmux.listWindows(session)).map((w, order) => [w.id, order]));
  const workerPanes = (await tmux.listPanes(session)).filter((p) => p.role === 'worker');
  const plan: PanePlan = planWorkerPanes(workerPanes.map((p) => ({ id: p.id, window: windows.get(p.windowId) ?? 0,
    index: p.index, busy: p.task !== '', retiring: p.retiring })), workers);
  const done: string[] = [];
  let removedAll = true;
  for (const id of plan.remove) {
    if (await removeFreePane(tmux, session, id)) done.push(`removed ${id}`);
    else removedAll = false;
  }
  for (const id of plan.retire) {
    await tmux.setPaneOption(id, '@ccp_retiring', '1');
    done.push(`${id} goes when its agent ends`);
  }
  // A marked pane is unmarked only once what takes its place is gone for sure.
  for (const id of removedAll ? plan.keep : []) {
    await tmux.setPaneOption(id, '@ccp_retiring', '');
    done.push(`${id} stays`);
  }
  for (let i = 0; i < plan.add; i++) done.push(`added ${await tmux.addWorkerPane(paneInput)}`);
  return done.join(', ');
}
