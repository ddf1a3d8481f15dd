// Signals, queries and the status shapes they carry: one module shared by workflows, the CLI and any code that
// steers ccp programmatically (`handle.signal(pauseSignal)`, `handle.query(parentStatusQuery)`).
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Priority, PullRequestRef, RepoRef } from './types.js';

export type SubissuePhase =
  | 'waiting' // for its dependencies, or for resume
  | 'queued' // child started, waiting for a host/worker pane
  | 'worktree'
  | 'agent'
  | 'pushing'
  | 'pr-open'
  | 'merged'
  | 'failed'
  | 'blocked' // a dependency failed
  | 'stopped';

export interface SubissueStatus {
  key: string;
  number: number;
  title: string;
  priority: Priority;
  dependsOn: string[];
  phase: SubissuePhase;
  workflowId?: string;
  pr?: Pick<PullRequestRef, 'number' | 'url' | 'merged'>;
  paneId?: string;
  error?: string;
  updatedAt: string;
  /** When work on it began (worktree), its PR opened, and it was merged: for throughput figures. */
  startedAt?: string;
  prOpenedAt?: string;
  mergedAt?: string;
}

export type ParentPhase =
  | 'fetching'
  | 'planning'
  | 'creating-subissues'
  | 'running'
  | 'closing'
  | 'closed'
  | 'failed'
  | 'stopped';

export interface ParentStatus {
  repo: RepoRef;
  number: number;
  title: string;
  phase: ParentPhase;
  paused: boolean;
  subissues: SubissueStatus[];
  error?: string;
  /** Why nothing was done, when nothing was (e.g. the issue was already closed). */
  note?: string;
}

/** Progress a subissue workflow reports to its parent (so the parent's status query is the whole truth). */
export interface SubissueProgress {
  number: number;
  phase: SubissuePhase;
  pr?: SubissueStatus['pr'];
  paneId?: string;
  error?: string;
}

export const pauseSignal = defineSignal('ccp.pause');
export const resumeSignal = defineSignal('ccp.resume');
export const stopSignal = defineSignal<[{ reason: string }]>('ccp.stop');
export const subissueProgressSignal = defineSignal<[SubissueProgress]>('ccp.subissueProgress');

export const parentStatusQuery = defineQuery<ParentStatus>('ccp.parentStatus');
