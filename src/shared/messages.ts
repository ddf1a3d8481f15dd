// Signals, queries and the status shapes they carry: one module shared by workflows, the CLI and any code that
// steers ccp programmatically (`handle.signal(pauseSignal)`, `handle.query(parentStatusQuery)`).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DispatchChange, DispatchView, SlotRequest } from './dispatch.js';
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
  /** Its group (the plan's, else the run's `--group`): group limits and pauses apply to it. */
  group?: string;
  /** ISO: its agent starts then at the earliest (the plan's delay; `ccp queue delay` changes it). */
  notBefore?: string;
  workflowId?: string;
  pr?: Pick<PullRequestRef, 'number' | 'url' | 'merged'>;
  paneId?: string;
  error?: string;
  updatedAt: string;
  /** A request of its agent that no rule decides, waiting for `ccp approve` / `ccp deny`. */
  needsYou?: PendingApproval;
  /** Its agent waits for a usage limit, or has shown no progress for a while. */
  wait?: AgentWait;
  /** Stacked PRs: the dependency whose branch it was started on and its PR is based on, until that one is merged
   * and this one rebased onto the default branch and retargeted. */
  stackedOn?: number;
  /** When work on it began (worktree), its PR opened, and it was merged: for throughput figures. */
  startedAt?: string;
  prOpenedAt?: string;
  mergedAt?: string;
}

export type ParentPhase =
  | 'scheduled' // `ccp start --delay`: begins at notBefore
  | 'fetching'
  | 'planning'
  | 'creating-subissues'
  | 'running'
  | 'closing'
  | 'closed'
  | 'failed'
  | 'stopped';

/** A parent in one of these has ended (its workflow closes right after). */
export const PARENT_ENDED_PHASES: readonly ParentPhase[] = ['closed', 'failed', 'stopped'];

export interface ParentStatus {
  repo: RepoRef;
  number: number;
  title: string;
  phase: ParentPhase;
  paused: boolean;
  subissues: SubissueStatus[];
  error?: string;
  /** ISO: a scheduled parent begins then. */
  notBefore?: string;
  /** Why nothing was done, when nothing was (e.g. the issue was already closed), or where its subissues came from
   * when they were not planned (sub-issues it had on GitHub). */
  note?: string;
}

/** Progress a subissue workflow reports to its parent (so the parent's status query is the whole truth). */
export interface SubissueProgress {
  number: number;
  phase: SubissuePhase;
  pr?: SubissueStatus['pr'];
  paneId?: string;
  error?: string;
  /** The oldest request waiting for a person; null when none waits any more. */
  needsYou?: PendingApproval | null;
  /** What its agent waits for now; null when it works again. */
  wait?: AgentWait | null;
  /** The dependency whose branch it builds on; null once it is on the default branch (retargeted, or never stacked). */
  stackedOn?: number | null;
}

/** A session's pause that is no failure (usage limit), or its silence (the health check), as status shows it. */
export interface AgentWait {
  /** ISO: the usage limit resets then; the session (or, for one held back, its start) continues. */
  usageLimitUntil?: string;
  /** ISO: no progress since then. */
  stalledSince?: string;
}

/** What an agent asked that no policy rule decides (the agent waits for the answer). */
export interface ApprovalQuestion {
  /** Stable for the same request of the same session, so a retried attempt asks the same question. */
  id: string;
  kind: 'tool' | 'dialog';
  tool: string;
  /** One line, secrets redacted. */
  subject: string;
  /** Why the policy could not decide. */
  reason: string;
}

export interface PendingApproval extends ApprovalQuestion {
  askedAt: string;
  /** Denied with a reason when nobody answered by then. */
  expiresAt: string;
}

export interface ApprovalAnswer {
  decision: 'allow' | 'deny';
  reason: string;
  by: 'person' | 'timeout' | 'policy';
  /** Allow identical requests of this subissue from now on without asking. */
  always?: boolean;
}

/** `ccp approve` / `ccp deny`: answers the oldest pending request (or the one with `id`). */
export interface AnswerApprovalInput {
  decision: 'allow' | 'deny';
  reason?: string;
  always?: boolean;
  id?: string;
}

export interface AnsweredApproval {
  question: PendingApproval;
  answer: ApprovalAnswer;
}

/** The subissue's approvals as its agent session sees them: what waits, and what was answered. */
export interface ApprovalState {
  pending: PendingApproval[];
  answers: Record<string, ApprovalAnswer>;
}

export const pauseSignal = defineSignal('ccp.pause');
export const resumeSignal = defineSignal('ccp.resume');
export const stopSignal = defineSignal<[{ reason: string }]>('ccp.stop');
export const subissueProgressSignal = defineSignal<[SubissueProgress]>('ccp.subissueProgress');
/** `ccp queue priority 456 high`: the parent starts its waiting subissues in the new order (the dispatcher is told too). */
export const setSubissuePrioritySignal = defineSignal<[{ number: number; priority: Priority }]>('ccp.setSubissuePriority');
/** `ccp queue retry 301`: a subissue that failed for good (or was stopped) runs again, and what it blocked waits again. */
export const retrySubissueSignal = defineSignal<[{ number: number }]>('ccp.retrySubissue');
/** `ccp queue delay 123 2h` for a parent not begun yet: its new start time (null: now). */
export const setParentDelaySignal = defineSignal<[{ notBefore: string | null }]>('ccp.setParentDelay');
/** Parent → a subissue stacked on `number`'s branch: that dependency's PR was merged (rebase and retarget now). */
export const dependencyMergedSignal = defineSignal<[{ number: number }]>('ccp.dependencyMerged');
/** Parent → a subissue stacked on `number`'s branch: that dependency will never merge; the subissue ends blocked. */
export const dependencyFailedSignal = defineSignal<[{ number: number; reason: string }]>('ccp.dependencyFailed');

export const parentStatusQuery = defineQuery<ParentStatus>('ccp.parentStatus');

/** From the agent activity: a request waits for a person. Returns it as recorded (the first ask's times), with the
 * answer when it already has one (a retried attempt asking again). */
export const askApprovalUpdate = defineUpdate<{ pending: PendingApproval; answer?: ApprovalAnswer }, [ApprovalQuestion]>(
  'ccp.askApproval');
/** From `ccp approve|deny <sub>`: rejected (with the reason) when nothing waits. */
export const answerApprovalUpdate = defineUpdate<AnsweredApproval, [AnswerApprovalInput]>('ccp.answerApproval');
/** From the agent activity: the question went away unanswered (the dialog was answered in the pane, the session ended). */
export const withdrawApprovalSignal = defineSignal<[{ id: string }]>('ccp.withdrawApproval');
export const approvalStateQuery = defineQuery<ApprovalState>('ccp.approvalState');
/** From the agent activity: the session waits for a usage limit, went silent, or works again (null). */
export const agentWaitSignal = defineSignal<[AgentWait | null]>('ccp.agentWait');

// The dispatcher (src/workflows/dispatcher.ts): agent slots asked for and given back by subissue workflows,
// controls changed by the CLI and the client.
export const requestSlotSignal = defineSignal<[SlotRequest]>('ccp.requestSlot');
/** The subissue's agent step ended (or it was stopped while it waited): its slot or request goes. */
export const releaseSlotSignal = defineSignal<[{ workflowId: string }]>('ccp.releaseSlot');
/** To the subissue: its agent may start now. */
export const slotGrantedSignal = defineSignal<[{ grantedAt: string }]>('ccp.slotGranted');
/** To the subissue: stop the agent now (a `--now` pause, workers removed `--now`); ask again, continue later. */
export const slotRevokedSignal = defineSignal<[{ reason: string }]>('ccp.slotRevoked');
/** Pause, resume, workers, group limits, priorities, delays: validated, answered with the state after it. */
export const dispatchChangeUpdate = defineUpdate<DispatchView, [DispatchChange]>('ccp.dispatchChange');
export const dispatchStateQuery = defineQuery<DispatchView>('ccp.dispatchState');
