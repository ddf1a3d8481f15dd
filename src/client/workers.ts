// A host's live worker count (`ccp workers add|remove|set`) and who works where (`ccp workers list`), through the
// dispatcher; each host's worker process follows its count with its tmux panes (src/worker/live-workers.ts).
import type { Client } from '@temporalio/client';
import { createTmuxAdapter } from '../adapters/tmux.js';
import type { CcpConfig } from '../config/config.js';
import { countAfter, workersList, type PaneOfHost, type WorkerCountChange, type WorkersList } from '../core/worker-count.js';
import type { DispatchView } from '../shared/dispatch.js';
import { changeDispatch, dispatchView } from './dispatch.js';
import { RefusedError } from './errors.js';

export interface WorkerCountResult {
  host: string;
  /** The count before (undefined: the host had none) and after. */
  before?: number;
  workers: number;
  /** Agents running on the host now: beyond the count they finish first (or, with `now`, go back to the queue). */
  busy: number;
  view: DispatchView;
}

/** Changes the host's count; `now` stops the newest sessions beyond it (their subissues wait in the queue again and
 * continue their conversations later). RefusedError for a count that cannot be. */
export async function changeWorkers(client: Client, taskQueue: string, host: string | undefined, change: WorkerCountChange,
  now = false): Promise<WorkerCountResult> {
  const before = await dispatchView(client, taskQueue);
  const name = host ?? onlyHost(before);
  const current = before.hosts[name]?.workers;
  const after = countAfter(name, current, change);
  if ('refused' in after) throw new RefusedError(after.refused);
  const view = await changeDispatch(client, taskQueue, { kind: 'set-workers', host: name, workers: after.workers,
    ...(now ? { now: true } : {}) });
  return { host: name, ...(current === undefined ? {} : { before: current }), workers: after.workers,
    busy: before.holders.filter((h) => h.host === name).length, view };
}

/** Every host's count, who holds a slot where, and this host's panes (when `local` says which session is ours). */
export async function listWorkers(client: Client, taskQueue: string, local?: LocalPanes): Promise<WorkersList> {
  const view = await dispatchView(client, taskQueue);
  return workersList(view, local?.hostId, local ? await local.panes() : []);
}

export interface LocalPanes {
  hostId: string;
  panes(): Promise<PaneOfHost[]>;
}

/** This host's worker panes per ccp's configuration (none when its tmux session is not up). */
export function localPanes(config: CcpConfig): LocalPanes {
  const tmux = createTmuxAdapter({ socketPath: config.tmux.socket, configFile: config.tmux.configFile });
  const session = config.tmux.session;
  return {
    hostId: config.hostId,
    async panes() {
      if (!(await tmux.hasSession(session).catch(() => false))) return [];
      const names = new Map((await tmux.listWindows(session)).map((w) => [w.id, w.name]));
      return (await tmux.listPanes(session)).filter((p) => p.role === 'worker')
        .map((p) => ({ id: p.id, window: names.get(p.windowId) ?? p.windowId, task: p.task, retiring: p.retiring }));
    },
  };
}

/** The host a change without one is for, when the client has no configuration saying which: the only one there is. */
function onlyHost(view: DispatchView): string {
  const hosts = Object.keys(view.hosts);
  if (hosts.length === 1) return hosts[0];
  throw new RefusedError(hosts.length === 0 ? 'no host has registered workers yet: is a ccp worker up?'
    : `${hosts.length} hosts have workers (${hosts.join(', ')}): say which one`);
}
