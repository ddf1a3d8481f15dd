// pueue 4.x `status --json` read into ccp's shapes: tasks with their state, and the groups. Pure.

export type PueueTaskState =
  | 'Locked' | 'Stashed' | 'Queued' | 'Running' | 'Paused'
  | 'Success' | 'Failed' | 'Killed' | 'Errored' | 'DependencyFailed' | 'FailedToSpawn';

export interface PueueTask {
  id: number;
  label: string | null;
  group: string;
  state: PueueTaskState;
  /** Exit code for Failed(n). */
  exitCode?: number;
  command: string;
  path: string;
  envs: Record<string, string>;
  priority: number;
  /** Ids of the tasks it runs after (`--after`). */
  dependencies: number[];
  /** Stashed with a delay: when pueue enqueues it (ISO). */
  enqueueAt?: string;
  /** Done: when it ended (ISO). */
  endedAt?: string;
}

export interface PueueGroup {
  status: 'Running' | 'Paused' | 'Reset';
  parallel: number;
}

/** One read of the daemon's state: every task by id order, the groups, and the newest task of each label. */
export interface PueueSnapshot {
  tasks: PueueTask[];
  groups: Record<string, PueueGroup>;
  byLabel: ReadonlyMap<string, PueueTask>;
}

export class PueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PueueError';
  }
}

export const RESTARTABLE: readonly PueueTaskState[] = ['Killed', 'Errored', 'FailedToSpawn', 'DependencyFailed'];
export const STARTABLE: readonly PueueTaskState[] = ['Locked', 'Stashed', 'Queued', 'Paused'];
export const FINISHED: readonly PueueTaskState[] = ['Success', 'Failed', ...RESTARTABLE];

interface RawTask {
  id: number;
  label?: string | null;
  group: string;
  command: string;
  path: string;
  envs?: Record<string, string>;
  priority?: number;
  dependencies?: number[];
  status: unknown;
}

interface RawStatus {
  tasks: Record<string, RawTask>;
  groups: Record<string, { status?: string; parallel_tasks: number }>;
}

type ParsedState = Pick<PueueTask, 'state' | 'exitCode' | 'enqueueAt' | 'endedAt'>;

function parseState(status: unknown, id: number): ParsedState {
  const unexpected = (): PueueError =>
    new PueueError(`unexpected status of pueue task ${id}: ${JSON.stringify(status)} (ccp requires pueue 4.x)`);
  if (typeof status !== 'object' || status === null) throw unexpected();
  const [key] = Object.keys(status);
  const body = (status as Record<string, Record<string, unknown> | undefined>)[key] ?? {};
  if (key !== 'Done') {
    if (!STARTABLE.includes(key as PueueTaskState) && key !== 'Running') throw unexpected();
    const enqueueAt = key === 'Stashed' && typeof body.enqueue_at === 'string' ? body.enqueue_at : undefined;
    return { state: key as PueueTaskState, ...(enqueueAt ? { enqueueAt } : {}) };
  }
  const endedAt = typeof body.end === 'string' ? { endedAt: body.end } : {};
  const result = body.result;
  if (typeof result === 'string' && ['Success', ...RESTARTABLE].includes(result)) {
    return { state: result as PueueTaskState, ...endedAt };
  }
  if (typeof result === 'object' && result !== null) {
    const failed = (result as { Failed?: unknown }).Failed;
    if (typeof failed === 'number') return { state: 'Failed', exitCode: failed, ...endedAt };
    if ('FailedToSpawn' in result) return { state: 'FailedToSpawn', ...endedAt };
  }
  throw unexpected();
}

function toTask(raw: RawTask): PueueTask {
  return {
    id: raw.id, label: raw.label ?? null, group: raw.group, command: raw.command, path: raw.path,
    envs: raw.envs ?? {}, priority: raw.priority ?? 0, dependencies: raw.dependencies ?? [], ...parseState(raw.status, raw.id),
  };
}

export function parseStatus(json: string): PueueSnapshot {
  const parsed = JSON.parse(json) as RawStatus;
  const tasks = Object.values(parsed.tasks).map(toTask).sort((a, b) => a.id - b.id);
  const groups: Record<string, PueueGroup> = {};
  for (const [name, group] of Object.entries(parsed.groups)) {
    groups[name] = { status: (group.status ?? 'Running') as PueueGroup['status'], parallel: group.parallel_tasks };
  }
  // The newest task wins if a label was ever added twice (e.g. a user's `pueue restart` without -i).
  const byLabel = new Map<string, PueueTask>();
  for (const task of tasks) if (task.label) byLabel.set(task.label, task);
  return { tasks, groups, byLabel };
}
