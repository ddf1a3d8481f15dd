// Stacked PRs in the workflows. A subissue started on its dependency's branch (its PR based on that branch) learns
// from its parent when the dependency merged — then its commits are moved onto the base branch, force-pushed with a
// lease and its PR retargeted — or that the dependency will never merge, and it ends blocked. Rules in core/stacking.ts.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  type ActivityInterfaceFor,
} from '@temporalio/workflow';
import type { HostBoundActivities, SharedActivities } from '../activities/index.js';
import { buildConflictPrompt } from '../core/prompts.js';
import { TERMINAL_PHASES } from '../core/scheduling.js';
import { dependencyNews } from '../core/stacking.js';
import {
  dependencyFailedSignal,
  dependencyMergedSignal,
  type ApprovalAnswer,
  type ApprovalQuestion,
  type SubissueProgress,
  type SubissueStatus,
} from '../shared/messages.js';
import type { RepoRef } from '../shared/types.js';

/** The dependency whose branch a subissue starts on. */
export interface StackedOn {
  number: number;
  branch: string;
}

/** Rounds of conflicts the agent gets before a person is asked. */
const AGENT_CONFLICT_ROUNDS = 3;

export interface Stack {
  readonly on: StackedOn;
  /** The parent said the dependency's PR was merged. */
  merged(): boolean;
  /** Why the dependency will never merge, once the parent said so. */
  lostBecause(): string | undefined;
  /** Runs the subissue's work in a scope cancelled when the dependency will never merge. */
  guard<T>(work: () => Promise<T>): Promise<T>;
}

/** In the subissue workflow: listens for its dependency's news from the parent. */
export function installStack(on: StackedOn): Stack {
  let merged = false;
  let lost: string | undefined;
  setHandler(dependencyMergedSignal, ({ number }) => {
    if (number === on.number) merged = true;
  });
  setHandler(dependencyFailedSignal, ({ number, reason }) => {
    if (number === on.number) lost ??= reason;
  });
  return {
    on,
    merged: () => merged,
    lostBecause: () => lost,
    guard: (work) => {
      const scope = new CancellationScope();
      // The whole workflow cancelled (stop) rejects this condition too: nothing to do then.
      void condition(() => lost !== undefined).then(() => scope.cancel(), () => undefined);
      return scope.run(work);
    },
  };
}

/** What the stacked steps need from the subissue workflow. */
export interface StackSteps {
  repo: RepoRef;
  sub: number;
  branch: string;
  base: string;
  dependency: number;
  /** The message for what the agent left uncommitted. */
  message: string;
  onHost: ActivityInterfaceFor<HostBoundActivities>;
  github: ActivityInterfaceFor<SharedActivities>;
  report(progress: Omit<SubissueProgress, 'number'>): Promise<void>;
  log(line: string): Promise<void>;
  /** Continues the agent's conversation with `instruction`; false when the agent failed at it. */
  resolveWithAgent(instruction: string): Promise<boolean>;
  askPerson(question: ApprovalQuestion): Promise<ApprovalAnswer>;
}

/**
 * Moves the commits after `forkPoint` (where the branch left its dependency's) onto origin/<base>. Conflicts go to
 * the agent (its conversation continued with the files to resolve), a few rounds at most, then to a person
 * (needs you: `ccp approve` once resolved by hand, `ccp deny` gives the subissue up).
 */
export async function moveOntoBase(steps: StackSteps, worktreePath: string, forkPoint: string): Promise<void> {
  let outcome = await steps.onHost.rebaseOnto({ worktreePath, onto: `origin/${steps.base}`, forkPoint, message: steps.message });
  let agentRounds = 0;
  for (let round = 1; !outcome.done; round++) {
    const files = outcome.conflicts;
    await steps.report({ phase: 'agent' });
    await steps.log(`rebase onto ${steps.base} stopped at conflicts in ${files.join(', ')}`);
    const prompt = buildConflictPrompt({ sub: steps.sub, dependency: steps.dependency, base: steps.base, files });
    if (agentRounds < AGENT_CONFLICT_ROUNDS && await steps.resolveWithAgent(prompt)) agentRounds++;
    else {
      agentRounds = AGENT_CONFLICT_ROUNDS;
      await askPersonToResolve(steps, worktreePath, files, round);
    }
    outcome = await steps.onHost.continueRebase({ worktreePath });
  }
}

async function askPersonToResolve(steps: StackSteps, worktreePath: string, files: string[], round: number): Promise<void> {
  const answer = await steps.askPerson({
    id: `rebase-${steps.sub}-${round}`,
    kind: 'dialog',
    tool: 'git rebase',
    subject: `conflicts in ${files.join(', ')} moving #${steps.sub} onto ${steps.base}`,
    reason: `the agent could not resolve them: edit the files in ${worktreePath} (no git needed), then ` +
      `\`ccp approve ${steps.sub}\`; \`ccp deny ${steps.sub}\` gives the subissue up`,
  });
  if (answer.decision === 'allow') return;
  throw ApplicationFailure.nonRetryable(`moving #${steps.sub} onto ${steps.base} stopped at conflicts in ${files.join(', ')} ` +
    `that were not resolved (${answer.by === 'timeout' ? 'nobody answered in time' : answer.reason})`, 'RebaseConflict');
}

/**
 * The dependency merged while this subissue's PR is open on its branch: a fresh worktree of the pushed branch, its
 * commits moved onto the base branch, force-pushed with a lease, the PR pointed at the base branch.
 */
export async function rebaseAndRetarget(steps: StackSteps, pr: NonNullable<SubissueProgress['pr']>, forkPoint: string): Promise<void> {
  await steps.report({ phase: 'pushing', pr, stackedOn: steps.dependency });
  const label = `subissue-${steps.sub}`;
  const worktree = await steps.onHost.prepareWorktree.executeWithOptions(
    { summary: `worktree on ${steps.branch} to move #${steps.sub} onto ${steps.base}` },
    [{ repo: steps.repo, label, branch: steps.branch, startPoint: `origin/${steps.base}` }]);
  await moveOntoBase(steps, worktree.path, forkPoint);
  await steps.report({ phase: 'pushing', pr, stackedOn: steps.dependency });
  await steps.onHost.commitAndPush.executeWithOptions({ summary: `force-push ${steps.branch} onto ${steps.base} for #${steps.sub}` },
    [{ worktreePath: worktree.path, branch: steps.branch, base: `origin/${steps.base}`, message: steps.message, force: true }]);
  await steps.github.retargetPullRequest.executeWithOptions({ summary: `point PR #${pr.number} of #${steps.sub} at ${steps.base}` },
    [{ repo: steps.repo, pullNumber: pr.number, base: steps.base }]);
  await steps.onHost.removeWorktree({ worktreePath: worktree.path });
  await steps.log(`#${steps.dependency} merged: moved onto ${steps.base}, PR #${pr.number} now based on ${steps.base}`);
  await steps.report({ phase: 'pr-open', pr, stackedOn: null });
}

/**
 * Waits for the subissue's own PR while it is stacked: if the dependency merges first, the wait is cancelled,
 * `onDependencyMerged` moves it onto the base branch, and the wait starts again.
 */
export async function waitWhileStacked<T>(stack: Stack, wait: () => Promise<T>, onDependencyMerged: () => Promise<void>): Promise<T> {
  const scope = new CancellationScope();
  // Settled either way, so a cancelled wait never leaves an unhandled rejection behind.
  const own: { settled?: { value: T } | { error: unknown } } = {};
  const waiting = scope.run(wait).then((value) => {
    own.settled = { value };
  }, (error: unknown) => {
    own.settled = { error };
  });
  await condition(() => own.settled !== undefined || stack.merged());
  if (!own.settled) {
    scope.cancel();
    await waiting;
  }
  const settled = own.settled as { value: T } | { error: unknown };
  // Merged on its own (into the dependency's branch, by a person), or failed: that is the outcome.
  if ('value' in settled) return settled.value;
  if (!isCancellation(settled.error) || !stack.merged()) throw settled.error;
  await onDependencyMerged();
  return wait();
}

/**
 * In the parent: tells each started subissue stacked on a dependency that just merged, or that will never merge,
 * once per run (`told` remembers who heard it). By workflow id: a run continued as new tells the subissues an
 * earlier run started too (hearing it twice changes nothing).
 */
export async function tellStackedDependents(subissues: SubissueStatus[], told: Set<number>): Promise<void> {
  for (const sub of subissues) {
    if (sub.stackedOn === undefined || !sub.workflowId || told.has(sub.number) || TERMINAL_PHASES.has(sub.phase)) continue;
    const dependency = subissues.find((d) => d.number === sub.stackedOn);
    const news = dependency && dependencyNews(dependency);
    if (!dependency || !news) continue;
    told.add(sub.number);
    const handle = getExternalWorkflowHandle(sub.workflowId);
    try {
      if (news.merged) await handle.signal(dependencyMergedSignal, { number: dependency.number });
      else await handle.signal(dependencyFailedSignal, { number: dependency.number, reason: news.reason });
    } catch {
      // The dependent ended meanwhile: nothing left to tell.
    }
  }
}
