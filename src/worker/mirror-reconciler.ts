// The pueue mirror's reconciler, in the worker process: every tick it reads the truth — the running parents'
// status queries and the dispatcher's pauses — and brings pueue in line (client/mirror-apply.ts). Finished parents
// are read once when they end (and on every full refresh), so a tick costs one visibility list, one query per
// running parent, the dispatcher's query and one `pueue status`, however long CCP_HOME has lived. It also restarts
// a pueued that went away (its state lost or not: the next pass re-adds what is missing) and removes finished tasks
// after the retention. Never on the work's path: failures are logged and the next tick tries again.
// Commands given in pueue (a group paused or started, a task killed or a failed one restarted) are read off the
// difference between what pueue shows and what the last pass left it showing, and carried out through the typed
// client before the pass: ccp's answer is in pueue within the same pass (core/mirror-controls.ts).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PueueAdapter } from '../adapters/pueue.js';
import { CcpClient } from '../client/ccp-client.js';
import { reconcileMirror, type ReconcileResult } from '../client/mirror-apply.js';
import type { Hold, MirrorBaseline } from '../core/mirror-controls.js';
import type { RunSettings } from '../shared/types.js';
import { dispatchPauses, retentionHorizon } from '../client/mirror-sync.js';
import { fetchParentStatusesById } from '../client/statuses.js';
import { parentStatusQuery, type ParentStatus } from '../shared/messages.js';
import type { DispatchState } from '../shared/dispatch.js';

export interface MirrorReconcilerOptions {
  client: Client;
  pueue: PueueAdapter;
  /** The shared task queue (its dispatcher holds the pauses). */
  taskQueue: string;
  /** The repository: the tasks' working directory. */
  cwd: string;
  retentionHours: number;
  /** What a parent started again by a `pueue restart` (its run had ended) runs with. */
  settings?: Partial<RunSettings>;
  tickMs?: number;
  /** Every parent is read again this often (finished ones too), and expired tasks removed. */
  fullRefreshMs?: number;
  log?: (line: string) => void;
}

export interface MirrorReconciler {
  /** One pass now (the ticks wait for it). */
  tick(): Promise<ReconcileResult | undefined>;
  stop(): Promise<void>;
}

const DEFAULT_TICK_MS = 1_000;
const DEFAULT_FULL_REFRESH_MS = 10 * 60_000;

export function startMirrorReconciler(options: MirrorReconcilerOptions): MirrorReconciler {
  const { client, pueue } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
  const fullRefreshMs = options.fullRefreshMs ?? DEFAULT_FULL_REFRESH_MS;
  let parents = new Map<string, ParentStatus>();
  let running = new Set<string>();
  let refreshedAt = 0;
  let paused: DispatchState['paused'] | undefined;
  let lastError = '';
  const ccp = CcpClient.fromTemporal(client, { taskQueue: options.taskQueue, settings: options.settings });
  let baseline: MirrorBaseline | undefined;
  let holds: Hold[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<ReconcileResult | undefined> = Promise.resolve(undefined);

  const readParents = async (): Promise<void> => {
    if (Date.now() - refreshedAt >= fullRefreshMs) {
      parents = await fetchParentStatusesById(client);
      refreshedAt = Date.now();
      await pueue.removeFinishedBefore(retentionHorizon(options.retentionHours));
    }
    const now = await fetchParentStatusesById(client, { running: true });
    // Parents that ended since the last tick: their last word, once.
    for (const workflowId of running) {
      if (now.has(workflowId)) continue;
      try {
        parents.set(workflowId, await client.workflow.getHandle(workflowId).query(parentStatusQuery));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) parents.delete(workflowId);
        else throw err;
      }
    }
    for (const [workflowId, status] of now) parents.set(workflowId, status);
    running = new Set(now.keys());
  };

  const pass = async (): Promise<ReconcileResult> => {
    await readParents();
    paused = (await dispatchPauses(client, options.taskQueue)) ?? paused;
    try {
      await pueue.snapshot();
    } catch {
      baseline = undefined; // what the daemon that went away showed: its tasks are Killed by the loss, not a person
      await pueue.ensureDaemon(); // gone: started again (the pass below re-adds what its state lost)
    }
    const horizon = retentionHorizon(options.retentionHours);
    const result = await reconcileMirror(pueue, { parents: [...parents.values()], paused, now: new Date(), horizon,
      cwd: options.cwd, control: { ccp, baseline, holds, log } });
    if (result.control) {
      ({ baseline, holds } = result.control);
      paused = result.control.paused ?? paused;
    }
    return result;
  };

  const tick = (): Promise<ReconcileResult | undefined> => {
    current = current.then(async () => {
      try {
        const result = await pass();
        const failures = result.failed.map((f) => `${f.label}: ${f.error}`).join('; ');
        if (failures && failures !== lastError) log(`pueue mirror is behind (the work goes on): ${failures}`);
        lastError = failures;
        return result;
      } catch (err) {
        const message = `pueue mirror pass failed (tried again in ${tickMs} ms): ${err instanceof Error ? err.message : String(err)}`;
        if (message !== lastError) log(message);
        lastError = message;
        return undefined;
      }
    });
    return current;
  };

  const loop = (): void => {
    if (stopped) return;
    void tick().then(() => {
      if (!stopped) timer = setTimeout(loop, tickMs).unref();
    });
  };
  loop();

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
