// `ccp workers`: a host's live worker count changed (add, remove, set) and who works where (list). Pure: the
// dispatcher's view and this host's panes come in, counts and rows go out.
import type { DispatchView, SlotGrant } from '../shared/dispatch.js';

/** The most agent sessions one host runs at once: the dispatcher refuses more (core/dispatch.ts). */
export const MAX_WORKERS = 64;

export type WorkerCountChange =
  | { kind: 'set'; workers: number }
  | { kind: 'add'; workers: number }
  | { kind: 'remove'; workers: number };

/** The host's count after the change, or why it cannot be made (`current` undefined: the host has none yet). */
export function countAfter(host: string, current: number | undefined, change: WorkerCountChange)
  : { workers: number } | { refused: string } {
  if (!Number.isInteger(change.workers) || change.workers < 0) {
    return { refused: `give a whole number of workers, not ${change.workers}` };
  }
  if (change.kind !== 'set' && current === undefined) {
    return { refused: `host ${host} has no worker count: its worker is not up (\`ccp up\` there), or set one with ` +
      `\`ccp workers set N --host ${host}\`` };
  }
  const workers = change.kind === 'set' ? change.workers
    : change.kind === 'add' ? (current ?? 0) + change.workers : (current ?? 0) - change.workers;
  if (workers < 0) {
    return { refused: `host ${host} has ${current} worker${current === 1 ? '' : 's'}: cannot remove ${change.workers}` };
  }
  if (workers > MAX_WORKERS) {
    return { refused: `host ${host} would have ${workers} workers: at most ${MAX_WORKERS} run on one host` };
  }
  return { workers };
}

/** A worker pane of this host as the list needs it. */
export interface PaneOfHost {
  id: string;
  window: string;
  task: string;
  retiring: boolean;
}

export interface WorkerRow {
  host: string;
  /** tmux pane id, known for this host's panes only. */
  pane?: string;
  window?: string;
  state: 'busy' | 'idle' | 'retiring';
  /** The subissue holding the slot ("owner/name" and number), with its group and since when it holds it. */
  repo?: string;
  subissue?: number;
  group?: string;
  since?: string;
}

export interface HostWorkersRow {
  host: string;
  /** Undefined: the dispatcher has no count for it (its panes alone limit it). */
  workers?: number;
  busy: number;
  waiting: number;
  /** Set by `remove --now` until the sessions beyond the count have stopped. */
  removingNow: boolean;
}

export interface WorkersList {
  hosts: HostWorkersRow[];
  workers: WorkerRow[];
  groupLimits: Array<{ group: string; limit: number; running: number }>;
}

const labelOf = (subissue: number): string => `subissue-${subissue}`;

/** Who works where: the dispatcher's slot holders on every host, joined with this host's panes (idle and going
 * ones too). A pane busy with a session that holds no slot (started before the dispatcher) shows by its label. */
export function workersList(view: DispatchView, localHost: string | undefined, panes: PaneOfHost[]): WorkersList {
  const holderRow = (h: SlotGrant, pane?: PaneOfHost): WorkerRow => ({
    host: h.host, ...(pane ? { pane: pane.id, window: pane.window } : {}), state: pane?.retiring ? 'retiring' : 'busy',
    repo: h.repo, subissue: h.subissue, ...(h.group ? { group: h.group } : {}), since: h.grantedAt,
  });
  const used = new Set<string>();
  const rows: WorkerRow[] = [];
  for (const holder of view.holders) {
    const pane = holder.host === localHost ? panes.find((p) => p.task === labelOf(holder.subissue)) : undefined;
    if (pane) used.add(pane.id);
    rows.push(holderRow(holder, pane));
  }
  for (const pane of panes.filter((p) => !used.has(p.id))) {
    const subissue = /^subissue-(\d+)$/.exec(pane.task)?.[1];
    rows.push({ host: localHost ?? '', pane: pane.id, window: pane.window,
      state: pane.retiring ? 'retiring' : pane.task ? 'busy' : 'idle', ...(subissue ? { subissue: Number(subissue) } : {}) });
  }
  const hostNames = [...new Set([...Object.keys(view.hosts), ...rows.map((r) => r.host), ...(localHost ? [localHost] : [])])]
    .filter(Boolean).sort();
  const hosts = hostNames.map((host): HostWorkersRow => ({
    host, ...(view.hosts[host] ? { workers: view.hosts[host].workers } : {}),
    busy: view.holders.filter((h) => h.host === host).length,
    waiting: view.queue.filter((r) => r.host === host).length,
    removingNow: view.hosts[host]?.removeNow === true,
  }));
  const byPane = (a: WorkerRow, b: WorkerRow) => a.host.localeCompare(b.host)
    || (a.pane === undefined ? 1 : 0) - (b.pane === undefined ? 1 : 0)
    || Number(a.pane?.slice(1) ?? 0) - Number(b.pane?.slice(1) ?? 0) || (a.subissue ?? 0) - (b.subissue ?? 0);
  const groupLimits = Object.entries(view.groupLimits).sort(([a], [b]) => a.localeCompare(b))
    .map(([group, limit]) => ({ group, limit, running: view.holders.filter((h) => h.group === group).length }));
  return { hosts, workers: rows.sort(byPane), groupLimits };
}
