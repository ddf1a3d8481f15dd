// One parent issue: fetch → plan (agent) → create subissues → one child workflow per subissue → close when all
// PRs are merged. Pause/resume/stop by signal; the status query is the whole truth for `ccp status`.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { SharedActivities } from '../activities/index.js';
import { oneLineReason } from '../core/reasons.js';
import { allTerminal, decideStarts, TERMINAL_PHASES } from '../core/scheduling.js';
import type { SummaryRow } from '../core/templates.js';
import {
  parentStatusQuery,
  pauseSignal,
  resumeSignal,
  retrySubissueSignal,
  setParentDelaySignal,
  setSubissuePrioritySignal,
  stopSignal,
  subissueProgressSignal,
  type ParentStatus,
  type SubissueStatus,
} from '../shared/messages.js';
import { DEPENDENCY_FAILED } from '../shared/failures.js';
import { subissueBranch, subissueWorkflowId } from '../shared/ids.js';
import { PRIORITY_KEYS, type CreatedSubissue, type Plan, type RepoRef, type RunSettings } from '../shared/types.js';
import { GITHUB_ACTIVITY_OPTIONS } from './github-options.js';
import { tellStackedDependents } from './stacking.js';
import { failureMessage, subissueWorkflow } from './subissue.js';
import {
  adoptedChildrenWatch, childCloseOptions, continueParent, shouldContinueAsNew, stopRunningChildren, type ContinuedParent,
} from './parent-continue.js';
import { ccpSearchAttributes, subissueSearchFields, subissueSummary } from '../shared/visibility.js';
import { onFieldChange, showParentDetails, upsertCcpSearchAttributes } from './visibility.js';

export interface ParentIssueInput {
  repo: RepoRef;
  issueNumber: number;
  settings: RunSettings;
  /** A plan the user gave (`ccp start --plan`, validated there): used instead of asking the agent. */
  plan?: Plan;
  /** ISO: begin then (`ccp start --delay`), not now. */
  notBefore?: string;
  /** Set by the run this one continues (continue-as-new): its status and plan, its subissues running on. */
  continued?: ContinuedParent;
}

export interface ParentOutcome {
  number: number;
  state: 'closed' | 'stopped';
  subissues: Array<{ number: number; pr?: number; phase: string }>;
}

const github = proxyActivities<SharedActivities>(GITHUB_ACTIVITY_OPTIONS);

const analyzer = proxyActivities<SharedActivities>({
  startToCloseTimeout: '15 minutes',
  // Planning heartbeats: a dead worker is noticed within 30 s, not after the 15 minutes.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5s', maximumAttempts: 3 },
});

export async function parentIssueWorkflow(input: ParentIssueInput): Promise<ParentOutcome> {
  const { repo, settings } = input;
  // A continued run starts from the state it was handed, before any handler runs: signals that reached the new run
  // before its first task (a subissue's last progress sent while the old run ended) are applied to that state.
  const status: ParentStatus = input.continued ? { ...input.continued.status }
    : { repo, number: input.issueNumber, title: '', phase: 'fetching', paused: false, subissues: [] };
  let stopReason: string | undefined;
  const children = new CancellationScope();
  const tracker: ChildTracker = { dirty: true, pending: [] };
  // The Web UI follows every change of phase, error or note: the CcpPhase search attribute and the current details.
  const showPhase = () => {
    upsertCcpSearchAttributes({ repo, parent: input.issueNumber, phase: status.phase });
    showParentDetails(status);
  };
  onFieldChange(status, ['phase', 'error', 'note'], showPhase);
  showPhase();

  setHandler(parentStatusQuery, () => status);
  const setPaused = (paused: boolean) => {
    status.paused = paused;
    tracker.dirty = true;
  };
  setHandler(pauseSignal, () => setPaused(true));
  setHandler(resumeSignal, () => setPaused(false));
  setHandler(setSubissuePrioritySignal, ({ number, priority }) => {
    const sub = status.subissues.find((s) => s.number === number);
    if (sub) Object.assign(sub, { priority, updatedAt: now() });
    tracker.dirty = true;
  });
  setHandler(retrySubissueSignal, ({ number }) => {
    const sub = status.subissues.find((s) => s.number === number);
    if (!sub || !RETRYABLE.has(sub.phase)) return;
    // It runs again; what it blocked waits again (and is blocked again if another dependency still failed).
    for (const s of [sub, ...status.subissues.filter((d) => d.phase === 'blocked')]) {
      Object.assign(s, { phase: 'waiting', updatedAt: now() });
      delete s.error;
      delete s.stackedOn; // it decides afresh whether to stack
    }
    tracker.dirty = true;
  });
  setHandler(setParentDelaySignal, ({ notBefore }) => {
    if (notBefore) status.notBefore = notBefore;
    else delete status.notBefore;
    tracker.dirty = true;
  });
  setHandler(stopSignal, ({ reason }) => {
    stopReason = reason || 'stopped by request';
    children.cancel();
  });
  setHandler(subissueProgressSignal, (progress) => {
    const sub = status.subissues.find((s) => s.number === progress.number);
    if (!sub || sub.phase === 'merged' || sub.phase === 'failed') return; // late signals never undo an end state
    const at = now();
    Object.assign(sub, { phase: progress.phase, updatedAt: at });
    if (progress.phase === 'worktree') sub.startedAt ??= at;
    if (progress.phase === 'pr-open') sub.prOpenedAt ??= at;
    if (progress.phase === 'merged') sub.mergedAt ??= at;
    if (progress.pr) sub.pr = progress.pr;
    if (progress.paneId) sub.paneId = progress.paneId;
    if (progress.error) sub.error = progress.error;
    if (progress.needsYou !== undefined) sub.needsYou = progress.needsYou ?? undefined;
    if (progress.phase !== 'agent') delete sub.needsYou;
    if (progress.wait !== undefined) sub.wait = progress.wait ?? undefined;
    if (progress.phase !== 'agent') delete sub.wait;
    if (progress.stackedOn === null || progress.phase === 'merged') delete sub.stackedOn;
    else if (progress.stackedOn !== undefined) sub.stackedOn = progress.stackedOn;
    tracker.dirty = true;
  });

  /** Fetch, wait if scheduled, and split the issue: its subissues (existing, given or planned) and base branch,
   * or how the parent ended before it had any. */
  async function split(): Promise<{ created: CreatedSubissue[]; baseBranch: string } | ParentOutcome> {
    if (input.notBefore) {
      status.notBefore = input.notBefore;
      await untilScheduled(status, tracker, () => stopReason !== undefined);
      if (stopReason) return stopped(status);
    }
    status.phase = 'fetching';
    const issue = await github.fetchIssue({ repo, issueNumber: input.issueNumber });
    status.title = issue.title;
    if (issue.state === 'closed') {
      status.phase = 'closed';
      status.note = `#${issue.number} is already closed: nothing to do (reopen it to have ccp work on it)`;
      return outcome(status, 'closed');
    }
    const baseBranch = settings.baseBranch || issue.defaultBranch;
    if (stopReason) return stopped(status);

    // Split once: the sub-issues it already has on GitHub are the plan (ccp's own from an earlier run, or filed by
    // hand); a plan given to `ccp start --plan` is used as it is; otherwise the agent plans. (patched: runs started
    // before this step existed replay without it.)
    const existing = input.plan || !patched('existing-subissues') ? undefined
      : await github.existingSubissues({ repo, parent: issue });
    let created: CreatedSubissue[];
    if (existing && existing.found > 0) {
      created = existing.subissues;
      const found = existing.found === 1 ? 'a sub-issue' : `${existing.found} sub-issues`;
      status.note = `#${issue.number} already has ${found} on GitHub: working on those, not planning again`;
      if (created.length === 0) {
        status.phase = 'closed';
        status.note = `every sub-issue of #${issue.number} is closed already: nothing to do`;
        return outcome(status, 'closed');
      }
    } else {
      status.phase = 'planning';
      const plan = input.plan ?? await analyzer.planSubissues({ repo, issue, timeoutMs: 10 * 60_000 });
      if (stopReason) return stopped(status);

      status.phase = 'creating-subissues';
      created = await github.createSubissues({ repo, parent: issue, plan });
    }
    return { created, baseBranch };
  }

  try {
    const prepared = input.continued ?? await split();
    if (!('created' in prepared)) return prepared;
    const { created, baseBranch } = prepared;
    if (!input.continued) {
      status.subissues = created.map((sub) => toStatus(sub, settings.group));
      status.phase = 'running';
    }

    let next: 'done' | 'continue' = 'done';
    try {
      next = await children.run(() => runChildren(input, status, created, baseBranch, tracker));
    } catch (err) {
      if (!isCancellation(err)) throw err;
    }
    // A long history: the next run carries on (its children run on and report to it).
    if (next === 'continue' && !stopReason) return await continueParent(input, { status, created, baseBranch });
    // After a stop, let cancelled children finish their own clean-up before this workflow closes (and would
    // terminate them); children an earlier run started are told by their workflow id.
    await Promise.all(tracker.pending);
    if (stopReason && input.continued) await stopRunningChildren(status);
    if (stopReason) return stopped(status);

    const rows = status.subissues.map(summaryRow);
    if (status.subissues.every((s) => s.phase === 'merged')) {
      status.phase = 'closing';
      await github.closeParentIssue({ repo, parentNumber: input.issueNumber, rows });
      status.phase = 'closed';
      return outcome(status, 'closed');
    }
    status.phase = 'failed';
    const failedOnes = status.subissues.filter((s) => s.phase !== 'merged');
    status.error = `${failedOnes.length} of ${status.subissues.length} subissues did not finish: ${failedOnes
      .map((s) => `#${s.number} ${s.phase}${s.error ? ` (${oneLineReason(s.error, 120)})` : ''}`)
      .join('; ')}`;
    await github.reportProgress({ repo, parentNumber: input.issueNumber, rows, stage: 'unfinished' });
    throw ApplicationFailure.nonRetryable(status.error, 'SubissuesFailed');
  } catch (err) {
    // Whatever phase failed (fetch, plan, create, run, close), status says so with the reason: never "fetching" forever.
    if (!isCancellation(err) && status.phase !== 'failed') {
      status.error = `${status.phase} failed: ${oneLineReason(failureMessage(err))}`;
      status.phase = 'failed';
    }
    throw err;
  }
}

/** Children started so far; their promises settle the subissue's end state (never reject). */
interface ChildTracker {
  dirty: boolean;
  pending: Array<Promise<void>>;
}

/** Starts children as their dependencies allow, until every subissue reached an end state. */
async function runChildren(input: ParentIssueInput, status: ParentStatus, created: CreatedSubissue[], baseBranch: string,
  tracker: ChildTracker): Promise<'done' | 'continue'> {
  const parentId = workflowInfo().workflowId;
  const settle = (sub: SubissueStatus, phase: SubissueStatus['phase'], error?: string) => {
    Object.assign(sub, { phase, updatedAt: now() }, error ? { error } : {});
    tracker.dirty = true;
  };

  // Stacked PRs (patched: runs started before them replay without): dependents start on their dependency's branch.
  const stacking = (input.settings.stackedPrs ?? true) && patched('stacked-prs');
  const told = new Set<number>();

  // Children an earlier run started (continue-as-new) report by signal only; this run watches their ends too.
  const startedHere = new Set<number>();
  const adopted = () => status.subissues.filter((s) => s.workflowId && !startedHere.has(s.number) && s.phase !== 'waiting'
    && !TERMINAL_PHASES.has(s.phase));
  const untilChanged = adoptedChildrenWatch(settle);

  let reported = '';
  while (!allTerminal(status.subissues)) {
    await untilChanged(() => tracker.dirty, adopted);
    tracker.dirty = false;
    showParentDetails(status); // "2/4 merged · 1 agent at work"
    // Keep the parent's progress comment in step with what changed (PRs opened, merged, failures).
    const rows = status.subissues.map(summaryRow);
    const signature = JSON.stringify(rows);
    if (signature !== reported && status.subissues.some((s) => s.pr || s.phase === 'failed')) {
      reported = signature;
      await github.reportProgress({ repo: input.repo, parentNumber: input.issueNumber, rows, stage: 'running' });
    }
    if (stacking) await tellStackedDependents(status.subissues, told);
    const decision = decideStarts(status.subissues, status.paused, { stacking });
    for (const { sub, because } of decision.block) settle(sub, 'blocked', because);
    for (const sub of decision.start) {
      const planned = created.find((c) => c.number === sub.number) as CreatedSubissue;
      const stackOn = decision.stackOn[sub.number];
      sub.phase = 'queued';
      sub.workflowId = subissueWorkflowId(input.repo, input.issueNumber, sub.number);
      if (stackOn !== undefined) sub.stackedOn = stackOn;
      told.delete(sub.number); // a subissue run again hears its dependency's news again
      startedHere.add(sub.number);
      const stackedOn = stackOn === undefined ? {} : { stackedOn: { number: stackOn, branch: subissueBranch(stackOn) } };
      const handle = await startChild(subissueWorkflow, {
        workflowId: sub.workflowId,
        args: [{ repo: input.repo, parent: { number: input.issueNumber, workflowId: parentId },
          sub: { ...planned, priority: sub.priority, ...(sub.group ? { group: sub.group } : {}) }, baseBranch,
          settings: input.settings, ...stackedOn }],
        priority: { priorityKey: PRIORITY_KEYS[sub.priority] },
        staticSummary: subissueSummary(sub.number, sub.title, input.issueNumber),
        typedSearchAttributes: ccpSearchAttributes({ ...subissueSearchFields(input.repo, input.issueNumber, planned), phase: 'queued' }),
        ...childCloseOptions(),
      });
      tracker.pending.push(
        handle.result().then(
          (result) => {
            sub.pr = result.pr;
            sub.mergedAt ??= now();
            delete sub.stackedOn;
            settle(sub, 'merged');
          },
          (err: unknown) => settle(sub, isCancellation(err) ? 'stopped' : dependencyFailed(err) ? 'blocked' : 'failed', failureMessage(err)),
        ),
      );
    }
    if (shouldContinueAsNew()) return 'continue';
  }
  return 'done';
}

/** A stacked subissue ended because its dependency will never merge. */
function dependencyFailed(err: unknown): boolean {
  let current: unknown = err;
  while (current instanceof Error && !(current instanceof ApplicationFailure) && current.cause instanceof Error) current = current.cause;
  return current instanceof ApplicationFailure && current.type === DEPENDENCY_FAILED;
}

function toStatus(sub: CreatedSubissue, defaultGroup?: string): SubissueStatus {
  const group = sub.group ?? defaultGroup;
  return {
    key: sub.key,
    number: sub.number,
    title: sub.title,
    priority: sub.priority,
    dependsOn: sub.dependsOn,
    ...(group ? { group } : {}),
    ...(sub.notBefore ? { notBefore: sub.notBefore } : {}),
    // A run started again after a failure picks up where the last one ended: merged subissues stay done.
    phase: sub.mergedPr ? 'merged' : 'waiting',
    ...(sub.mergedPr ? { pr: { ...sub.mergedPr, merged: true } } : {}),
    updatedAt: now(),
  };
}

/** Subissues `ccp queue retry` may run again. */
const RETRYABLE: ReadonlySet<SubissueStatus['phase']> = new Set(['failed', 'stopped', 'blocked']);

/** A scheduled parent waits (a durable timer) until its time, which `ccp queue delay` may move meanwhile. */
async function untilScheduled(status: ParentStatus, tracker: ChildTracker, stopped: () => boolean): Promise<void> {
  status.phase = 'scheduled';
  for (;;) {
    const left = status.notBefore ? Date.parse(status.notBefore) - Date.now() : 0;
    if (left <= 0 || stopped()) {
      tracker.dirty = true; // the children's loop decides once at its start
      return;
    }
    tracker.dirty = false;
    await condition(() => tracker.dirty || stopped(), left);
  }
}

function summaryRow(sub: SubissueStatus): SummaryRow {
  // One line, no pane screen: this goes into a table cell on GitHub.
  return { number: sub.number, title: sub.title, prNumber: sub.pr?.number,
    outcome: sub.phase === 'merged' ? 'merged' : sub.error ? oneLineReason(sub.error, 120) : sub.phase };
}

function stopped(status: ParentStatus): ParentOutcome {
  status.phase = 'stopped';
  for (const sub of status.subissues) if (sub.phase !== 'merged' && sub.phase !== 'failed') sub.phase = 'stopped';
  return outcome(status, 'stopped');
}

function outcome(status: ParentStatus, state: ParentOutcome['state']): ParentOutcome {
  return { number: status.number, state, subissues: status.subissues.map((s) => ({ number: s.number, pr: s.pr?.number, phase: s.phase })) };
}

/** Workflow time (deterministic: Date is replay-safe inside workflows). */
function now(): string {
  return new Date().toISOString();
}
