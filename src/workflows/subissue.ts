// One subissue: worktree → agent in a tmux pane → push → PR → wait for merge. Reports progress to its parent.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  sleep,
  uuid4,
  type ActivityInterfaceFor,
} from '@temporalio/workflow';
import type { AgentSessionActivities, HostBoundActivities, SharedActivities } from '../activities/index.js';
import { buildSubissuePrompt } from '../core/prompts.js';
import { AGENT_FAILED, DEPENDENCY_FAILED } from '../shared/failures.js';
import { subissueProgressSignal, type PendingApproval, type SubissuePhase, type SubissueProgress } from '../shared/messages.js';
import { installAgentSlot } from './agent-slot.js';
import { installAgentWait } from './agent-wait.js';
import { installApprovalBook } from './approvals.js';
import { GITHUB_ACTIVITY_OPTIONS } from './github-options.js';
import { installStack, moveOntoBase, rebaseAndRetarget, waitWhileStacked, type StackedOn, type StackSteps } from './stacking.js';
import { subissueBranch, subissueLabel } from '../shared/ids.js';
import { DEFAULT_RUN_SETTINGS, PRIORITY_KEYS, type CreatedSubissue, type RepoRef, type RunSettings } from '../shared/types.js';
import { subissueSearchFields } from '../shared/visibility.js';
import { upsertCcpSearchAttributes } from './visibility.js';

export interface SubissueWorkflowInput {
  repo: RepoRef;
  parent: { number: number; workflowId: string };
  sub: CreatedSubissue;
  baseBranch: string;
  settings: RunSettings;
  /** Stacked PRs: started on this dependency's branch while its PR is open (the parent says when it merges). */
  stackedOn?: StackedOn;
}

export interface SubissueOutcome {
  number: number;
  pr: { number: number; url: string; merged: boolean };
}

const USAGE_LIMIT_ALLOWANCE_MINUTES = 8 * 24 * 60;

const shared = proxyActivities<SharedActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2s', maximumAttempts: 8 },
});
const github = proxyActivities<SharedActivities>(GITHUB_ACTIVITY_OPTIONS);

const waitingForMerge = proxyActivities<SharedActivities>({
  startToCloseTimeout: '30 days',
  // It heartbeats every few seconds between polls: a dead worker is noticed within 30 s.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5s', maximumInterval: '5 minutes' },
});

export async function subissueWorkflow(input: SubissueWorkflowInput): Promise<SubissueOutcome> {
  const { repo, sub, settings } = input;
  const label = subissueLabel(sub.number);
  const branch = subissueBranch(sub.number);
  let phase: SubissuePhase = 'queued';
  let needsYou: PendingApproval | null = null;
  // Stacked PRs (patched: runs started before them replay without).
  const stack = input.stackedOn && patched('stacked-prs') ? installStack(input.stackedOn) : undefined;
  const searchFields = subissueSearchFields(repo, input.parent.number, sub); // the host joins once it is claimed
  // What the Web UI shows, kept current on every change: the search attributes (CcpPhase says "needs-you" or
  // "usage-limit" while it waits on either) and the "current details": what the subissue does now, and what it
  // waits for from a person.
  const showDetails = () => {
    const shownPhase = needsYou ? 'needs-you' : agentWait.current()?.usageLimitUntil ? 'usage-limit' : phase;
    upsertCcpSearchAttributes({ ...searchFields, phase: shownPhase });
    setCurrentDetails(needsYou
      ? `**needs you**: ${needsYou.tool} \`${needsYou.subject}\` (${needsYou.reason}) — \`ccp approve ${sub.number}\` or \`ccp deny ${sub.number} --reason "…"\``
      : `#${sub.number} ${sub.title}: ${phase}${agentWait.note()}`);
  };
  // Reports to the parent and lines for the pueue mirror go out in the background, in order (patched: runs begun
  // before waited for each): a subissue's steps no longer wait a workflow task for each of them.
  const notes = patched('subissue-notes-in-background') ? inOrderInBackground() : undefined;
  const inOrder = (send: () => Promise<void>): Promise<void> => (notes ? notes.push(send) : send());
  const agentWait = installAgentWait((wait) => {
    showDetails();
    void reportToParent(input.parent.workflowId, { number: sub.number, phase, wait });
  });
  const report = (progress: Omit<SubissueProgress, 'number'>) => {
    phase = progress.phase;
    if (phase !== 'agent') agentWait.clear();
    showDetails();
    return inOrder(() => reportToParent(input.parent.workflowId, { number: sub.number, ...progress }));
  };
  const approvals = installApprovalBook({
    timeoutMs: (settings.needsYouMinutes ?? DEFAULT_RUN_SETTINGS.needsYouMinutes ?? 30) * 60_000,
    onChange: (oldest) => {
      needsYou = oldest;
      showDetails();
      void reportToParent(input.parent.workflowId, { number: sub.number, phase, needsYou });
    },
  });
  const slot = installAgentSlot();
  showDetails();

  const host = await shared.claimHost();
  searchFields.host = host.hostId;
  showDetails();
  const onHost = proxyActivities<HostBoundActivities>({
    taskQueue: host.hostQueue,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '2s', maximumAttempts: 5 },
  });
  // With the dispatcher (patched: runs begun before it keep the old way), a cancelled session is waited for until
  // its agent really stopped and left the pane: a slot taken away is asked for again only then, so the same
  // conversation never runs twice.
  const dispatched = patched('agent-dispatch');
  const agent = proxyActivities<AgentSessionActivities>({
    ...(dispatched ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED } : {}),
    taskQueue: host.agentQueue,
    // The session's own deadline moves by the time it waits for a usage limit (a pause, not a failure): allow a week's.
    startToCloseTimeout: `${settings.agentTimeoutMinutes + 5 + USAGE_LIMIT_ALLOWANCE_MINUTES} minutes`,
    // The session heartbeats every 5 s: a dead worker is noticed within half a minute and the session retried
    // (it re-attaches to the agent still in its pane). Such infrastructure retries are many — also a lost tmux pane
    // (SessionLost) and a worker shutting down (WorkerShutdown), which continue the conversation; the agent's own
    // failures (AgentFailed, not retryable here) get `agentAttempts` tries in the loop below.
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '5s', backoffCoefficient: 1.5, maximumInterval: '30s', maximumAttempts: 100 },
    priority: { priorityKey: PRIORITY_KEYS[sub.priority] },
  });

  await inOrder(() => onHost.mirrorCreate({ label, title: sub.title }));
  const log = (line: string) => inOrder(() => onHost.mirrorLog({ label, line }));
  /** The mirror's last word: after every line before it. */
  const mirrorFinish = async (exitCode: number, summary: string) => {
    await notes?.settled();
    await onHost.mirrorFinish({ label, exitCode, summary });
  };
  const message = `Work on #${sub.number}: ${sub.title}`;
  /** One agent step (the task, or resolving rebase conflicts): a slot from the dispatcher, then the session. */
  const agentSession = (run: AgentRun) => {
    const runSession = async (resumeReason?: string) => {
      await report({ phase: 'agent' });
      return runAgentWithAttempts(agent, settings.agentAttempts, resumeReason ? { ...run, resumeReason } : run,
        log, `agent for #${sub.number} on host ${host.hostId}`);
    };
    // The dispatcher says when the agent may start: worker counts, group limits, pauses, priorities and delays
    // across every parent and host. (patched: runs started before it existed go straight to the agent queue.)
    return dispatched
      ? slot.run({ repo: `${repo.owner}/${repo.repo}`, parent: input.parent.number, subissue: sub.number, host: host.hostId,
        group: sub.group, priority: sub.priority, ...(sub.notBefore ? { notBefore: sub.notBefore } : {}) },
      runSession, () => void report({ phase: 'queued' }))
      : runSession();
  };
  let agentRun: AgentRun | undefined;
  let prRef: SubissueOutcome['pr'] | undefined;
  const stackSteps = (on: StackedOn): StackSteps => ({
    repo, sub: sub.number, branch, base: input.baseBranch, dependency: on.number, message, onHost, github, report, log,
    askPerson: (question) => approvals.ask(question),
    resolveWithAgent: async (instruction) => {
      try {
        await agentSession({ ...(agentRun as AgentRun), instruction });
        return true;
      } catch (err) {
        if (!agentFailed(err)) throw err;
        await log(`the agent did not resolve the conflicts: ${failureMessage(err).split('\n')[0]}`);
        return false;
      }
    },
  });

  const work = async (): Promise<SubissueOutcome> => {
    // Stacked while the dependency is unmerged: the worktree starts from its branch, and where it left that branch
    // is kept for the rebase once the dependency merges.
    const stackedFrom = stack && !stack.merged() ? stack.on : undefined;
    await report({ phase: 'worktree', ...(stack ? { stackedOn: stackedFrom?.number ?? null } : {}) });
    const worktree = await onHost.prepareWorktree.executeWithOptions({ summary: `worktree on ${branch} for #${sub.number}` },
      [{ repo, label, branch, startPoint: `origin/${stackedFrom?.branch ?? input.baseBranch}` }]);
    const forkPoint = stackedFrom && (await onHost.forkPoint({ worktreePath: worktree.path, upstream: `origin/${stackedFrom.branch}` })).sha;
    await log(`worktree ready at ${worktree.path} on ${branch}${stackedFrom ? ` (stacked on ${stackedFrom.branch})` : ''}`);

    agentRun = {
      label,
      worktreePath: worktree.path,
      prompt: buildSubissuePrompt(repo, input.parent.number, sub, stackedFrom),
      timeoutMs: settings.agentTimeoutMinutes * 60_000,
      // One conversation per subissue, chosen once (deterministic in the workflow): every attempt continues it.
      sessionId: uuid4(),
    };
    const session = await agentSession(agentRun);
    await log(`agent finished in pane ${session.paneId} (${session.approvals.length} approvals)`);

    await report({ phase: 'pushing', paneId: session.paneId });
    // The dependency merged while the agent worked: onto the base branch before the first push.
    const rebased = Boolean(stackedFrom && forkPoint && stack?.merged());
    if (stackedFrom && forkPoint && rebased) {
      await moveOntoBase(stackSteps(stackedFrom), worktree.path, forkPoint);
      await report({ phase: 'pushing', stackedOn: null });
    }
    const stillStacked = stackedFrom && !rebased ? stackedFrom : undefined;
    const prBase = stillStacked?.branch ?? input.baseBranch;
    await onHost.commitAndPush.executeWithOptions({ summary: `push ${branch} for #${sub.number}` }, [{
      worktreePath: worktree.path,
      branch,
      base: `origin/${prBase}`,
      message,
      ...(rebased ? { force: true } : {}),
    }]);
    const pr = await github.openPullRequest.executeWithOptions({ summary: `PR for #${sub.number} into ${prBase}` },
      [{ repo, parentNumber: input.parent.number, sub, branch, base: prBase }]);
    // A PR an earlier attempt opened on another base (stacked then, not now, or the other way round).
    if (stack && !pr.merged && pr.base !== prBase) await github.retargetPullRequest({ repo, pullNumber: pr.number, base: prBase });
    const opened = { number: pr.number, url: pr.url, merged: pr.merged };
    prRef = opened;
    const reportOpen = () => report({ phase: 'pr-open', pr: opened, ...(stack ? { stackedOn: stillStacked?.number ?? null } : {}) });
    const finishMirror = () => mirrorFinish(0, `PR #${pr.number} opened: ${pr.url}`);
    const removeWorktree = () => onHost.removeWorktree({ worktreePath: worktree.path });
    if (notes) {
      // The parent (and the reviewer) learn of the PR first; the worktree goes meanwhile.
      await reportOpen();
      await Promise.all([finishMirror(), removeWorktree()]);
    } else {
      await finishMirror();
      await removeWorktree();
      await reportOpen();
    }

    const waitForOwn = () => waitingForMerge.waitForMerge.executeWithOptions({ summary: `wait for PR #${pr.number} of #${sub.number} to merge` },
      [{ repo, pullNumber: pr.number, pollSeconds: settings.mergePollSeconds }]);
    const merged = stack && stillStacked && forkPoint
      ? await waitWhileStacked(stack, waitForOwn, () => rebaseAndRetarget(stackSteps(stillStacked), opened, forkPoint))
      : await waitForOwn();
    const outcome = { number: sub.number, pr: { number: merged.number, url: merged.url, merged: true } };
    await report({ phase: 'merged', pr: outcome.pr });
    await notes?.settled();
    return outcome;
  };

  try {
    return await (stack ? stack.guard(work) : work());
  } catch (err) {
    // A stacked subissue whose dependency will never merge ends blocked (its own work was fine), with the reason.
    const lost = stack?.lostBecause();
    // Stopped: cancelled itself, or a step that failed because of the cancellation (the agent stopped by it).
    const stopped = !lost && (isCancellation(err) || CancellationScope.current().consideredCancelled);
    const message = lost ? `blocked: ${lost}${prRef ? `; its PR #${prRef.number} stays open on ${stack?.on.branch}` : ''}`
      : stopped ? 'stopped' : failureMessage(err);
    // Report even while being cancelled: the mirror and the parent must not be left saying "running".
    await CancellationScope.nonCancellable(async () => {
      await mirrorFinish(stopped ? 130 : 1, message);
      await report({ phase: lost ? 'blocked' : stopped ? 'stopped' : 'failed', error: message });
      await notes?.settled();
    });
    if (lost) throw ApplicationFailure.nonRetryable(message, DEPENDENCY_FAILED);
    throw stopped && !isCancellation(err) ? new CancelledFailure(message) : err;
  }
}

type AgentRun = Parameters<AgentSessionActivities['runAgent']>[0];

/** Sends one after the other without the caller waiting; a send that fails is dropped (a report or a mirror line
 * is not worth failing the subissue for: the parent reads the outcome, the mirror catches up on its next pass). */
function inOrderInBackground() {
  let tail: Promise<void> = Promise.resolve();
  return {
    push(send: () => Promise<void>): Promise<void> {
      tail = tail.then(send).catch(() => undefined);
      return Promise.resolve();
    },
    settled: (): Promise<void> => tail,
  };
}

/** Runs the agent session; when the agent itself fails, gives it up to `attempts` tries in all, each continuing the
 * conversation of the one before (same session id, told why). */
async function runAgentWithAttempts(
  agent: ActivityInterfaceFor<AgentSessionActivities>,
  attempts: number,
  run: AgentRun,
  log: (line: string) => Promise<void>,
  summary: string,
): ReturnType<AgentSessionActivities['runAgent']> {
  let resumeReason: string | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      // The Web UI names the activity: "agent for #301 on host h1" (", attempt 2 of 2" when the agent had to try again).
      return await agent.runAgent.executeWithOptions({ summary: attempt > 1 ? `${summary}, attempt ${attempt} of ${attempts}` : summary },
        [resumeReason ? { ...run, resumeReason } : run]);
    } catch (err) {
      if (!agentFailed(err) || attempt >= attempts) throw err;
      const why = failureMessage(err).split('\n')[0];
      await log(`agent attempt ${attempt} of ${attempts} failed, trying again: ${why}`);
      resumeReason = `attempt ${attempt} ended: ${why.replace(/; last screen:.*$/, '')}`;
      await sleep('10 seconds');
    }
  }
}

/** The agent itself failed (not the infrastructure around it). */
function agentFailed(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === AGENT_FAILED;
}

async function reportToParent(parentWorkflowId: string, progress: SubissueProgress): Promise<void> {
  try {
    await getExternalWorkflowHandle(parentWorkflowId).signal(subissueProgressSignal, progress);
  } catch {
    // The parent may be gone (terminated, or run without one): the subissue's own work goes on.
  }
}

/** The innermost cause's message: what went wrong, not the chain of wrappers. */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && 'cause' in current && current.cause instanceof Error) current = current.cause;
  if (current instanceof ApplicationFailure || current instanceof Error) return current.message;
  return String(current);
}
