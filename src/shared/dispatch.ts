// The dispatcher's data: one long-lived workflow per task queue holds who may run an agent session now (every
// host's worker count, group limits, pauses at every level, live priorities and delays). Plain data only; the
// signals and updates that carry it are in messages.ts, the rules in core/dispatch.ts.
import type { Priority } from './types.js';

/** A subissue workflow asks for an agent slot (right before its agent step). */
export interface SlotRequest {
  /** The subissue workflow asking: the grant is signalled back to it. */
  workflowId: string;
  /** "owner/name". */
  repo: string;
  parent: number;
  subissue: number;
  /** The host that claimed the subissue: its worker count bounds the grants there. */
  host: string;
  group?: string;
  priority: Priority;
  /** ISO: not before then (a delay from the plan or `ccp queue delay`). */
  notBefore?: string;
  requestedAt: string;
}

export interface SlotGrant extends SlotRequest {
  grantedAt: string;
}

/** What a pause covers; keys are "owner/name#n". */
export type PauseScope =
  | { kind: 'all' }
  | { kind: 'group'; name: string }
  | { kind: 'parent'; key: string }
  | { kind: 'subissue'; key: string };

export interface HostWorkers {
  /** Agent sessions this host runs at once: its worker panes. */
  workers: number;
  updatedAt: string;
  /** Set by `ccp workers remove --now`: sessions beyond the count give their slot back now. */
  removeNow?: boolean;
}

export interface DispatchState {
  hosts: Record<string, HostWorkers>;
  /** At most this many agent sessions of the group at once, across all hosts. */
  groupLimits: Record<string, number>;
  paused: { all: boolean; groups: string[]; parents: string[]; subissues: string[] };
  /** Pauses given with `--now`: running sessions in their scope are stopped and queued again. */
  pausedNow: PauseScope[];
  /** `ccp queue priority`: overrides the plan's priority, by subissue key. */
  priorities: Record<string, Priority>;
  /** `ccp queue delay`: overrides the plan's delay, by subissue key ("" = no delay). */
  delays: Record<string, string>;
  /** Subissue keys whose running session goes back to the queue now (`pueue kill`, `ccp queue requeue`). */
  requeueNow: string[];
  queue: SlotRequest[];
  holders: SlotGrant[];
}

export type DispatchChange =
  | { kind: 'pause'; scope: PauseScope; now?: boolean }
  | { kind: 'resume'; scope: PauseScope }
  | { kind: 'set-workers'; host: string; workers: number; now?: boolean }
  | { kind: 'set-group-limit'; group: string; limit: number | null }
  | { kind: 'set-priority'; subissue: string; priority: Priority }
  | { kind: 'set-delay'; subissue: string; notBefore: string | null }
  | { kind: 'requeue'; subissue: string };

/** What `ccp queue show`, `ccp workers list` and the dashboard read: the state and why each request waits. */
export interface DispatchView extends DispatchState {
  waiting: Array<SlotRequest & { why: string }>;
}

/** One dispatcher per task queue (tests and several ccp homes on one server stay apart). */
export function dispatcherWorkflowId(taskQueue: string): string {
  return `ccp-dispatch@${taskQueue}`;
}
