// pueue adapter: the only module that runs `pueue`/`pueued`. ccp mirrors each subissue as a pueue task so
// `pueue status|follow|log` show the truth locally; Temporal stays the scheduler.

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
}

export interface PueueAdapter {
  readonly configPath: string;
  /** Starts this ccp's own pueued (config in the state dir) unless its socket already answers. */
  ensureDaemon(): Promise<void>;
  shutdown(): Promise<void>;
  ensureGroup(group: string, parallel: number): Promise<void>;
  status(): Promise<PueueTask[]>;
  findByLabel(label: string): Promise<PueueTask | undefined>;

  /**
   * Mirror: ensures a stashed task labelled `label` exists (idempotent), whose command waits for ccp to report
   * the real outcome, printing the subissue's event log meanwhile (so `pueue follow` shows progress).
   */
  mirrorCreate(input: { label: string; group: string; cwd: string; title: string }): Promise<PueueTask>;
  /** The real work started: the mirror task starts running (idempotent). */
  mirrorStart(label: string): Promise<void>;
  /** Appends a human-readable line to the subissue's event log (what `pueue follow` shows). */
  mirrorLog(label: string, line: string): Promise<void>;
  /** The real work ended: the mirror task exits with `exitCode` (0 = Success, else Failed(n)). Idempotent. */
  mirrorFinish(label: string, exitCode: number, summary: string): Promise<void>;
}

export interface PueueAdapterOptions {
  /** Directory for pueue.yml, state, socket, task logs, mirror files. Keep short: socket path ≤ ~100 bytes. */
  dir: string;
  pueueBinary: string;
  pueuedBinary: string;
}
