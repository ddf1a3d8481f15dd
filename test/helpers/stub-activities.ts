// Stub activities typed by the real ones: every activity a worker registers (SharedActivities, HostBoundActivities,
// AgentSessionActivities), each with a default that does its job trivially and succeeds. A test overrides the ones it
// scripts; a change of a real activity's name, input or result breaks these stubs' compile, not a test at run time.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createDispatchActivities } from '../../src/activities/dispatch.js';
import type { AgentSessionActivities, HostBoundActivities, SharedActivities } from '../../src/activities/index.js';
import { AGENT_FAILED } from '../../src/shared/failures.js';
import type { CreatedSubissue, PullRequestRef } from '../../src/shared/types.js';

export type CcpActivities = SharedActivities & HostBoundActivities & AgentSessionActivities;
export type ActivityName = keyof CcpActivities;
/** What a test scripts: any activities, each with its real signature. */
export type ActivityStubs = Partial<CcpActivities>;

export const HOUR_MS = 60 * 60_000;
export const DAY_MS = 24 * HOUR_MS;

const pullRequest = (merged: boolean): PullRequestRef =>
  ({ number: 7, url: 'https://example.test/pull/7', state: merged ? 'closed' : 'open', merged, head: 'subissue/1', base: 'main' });

/** A subissue as createSubissues returns it: normal priority, no dependencies (spread in what a test needs). */
export function subissue(number: number, title: string, description = `Implement ${title}.`): CreatedSubissue {
  return { number, id: 9000 + number, url: `https://example.test/${number}`, key: `s${number}`, title,
    estimatedHours: 2, priority: 'normal', description, acceptanceCriteria: ['it works'], technicalContext: '',
    dependsOn: [] };
}

/** Every activity of a ccp worker, doing nothing much and succeeding: a parent gets one subissue, whose PR (#7) is
 * merged at once. */
export function defaultActivities(taskQueue: string): CcpActivities {
  const queues = { hostId: 'h', hostQueue: taskQueue, agentQueue: taskQueue };
  return {
    // The dispatcher's own activities are the real ones: they only talk to this Temporal.
    ...createDispatchActivities(),
    claimHost: async () => queues,
    fetchIssue: async ({ issueNumber }) => ({ number: issueNumber, id: 1000 + issueNumber, title: `Issue ${issueNumber}`,
      body: '', state: 'open', url: `https://example.test/${issueNumber}`, defaultBranch: 'main' }),
    // A parent's issue has no sub-issues on GitHub unless a test says so: it is planned.
    existingSubissues: async () => ({ found: 0, subissues: [] }),
    // One subissue, #101, unless a test scripts the plan or (simpler) what createSubissues returns.
    planSubissues: async () => {
      const { number: _number, id: _id, url: _url, ...planned } = subissue(101, 'Work');
      return { subissues: [planned] };
    },
    createSubissues: async ({ plan }) => plan.subissues.map((planned, i) => ({ ...subissue(101 + i, planned.title), ...planned })),
    reportProgress: async () => undefined,
    closeParentIssue: async () => undefined,
    mirrorCreate: async () => undefined,
    mirrorLog: async () => undefined,
    mirrorFinish: async () => undefined,
    prepareWorktree: async ({ label }) => ({ path: `/tmp/${label}` }),
    removeWorktree: async () => undefined,
    runAgent: async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false }),
    commitAndPush: async () => ({ commits: 1 }),
    openPullRequest: async () => pullRequest(false),
    waitForMerge: async () => pullRequest(true),
    // Stacked PRs: a dependent stacked on a PR that merges at once is moved onto the base branch without conflicts.
    forkPoint: async () => ({ sha: 'fork-point' }),
    rebaseOnto: async () => ({ done: true }),
    continueRebase: async () => ({ done: true }),
    retargetPullRequest: async ({ base }) => ({ ...pullRequest(false), base }),
  };
}

/** The subissue number of the workflow running the current activity (its id ends in `.sub-<n>`), if it is one. */
export function currentSubissue(): number | undefined {
  const match = /\.sub-(\d+)$/.exec(Context.current().info.workflowExecution?.workflowId ?? '');
  return match ? Number(match[1]) : undefined;
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** One stub per subissue (by the calling workflow), `otherwise` for the rest. */
export function bySubissue<F extends AnyActivity>(scripts: Record<number, F>, otherwise: F): F {
  return ((...args: Parameters<F>) => (scripts[currentSubissue() ?? -1] ?? otherwise)(...args)) as F;
}

/**
 * A PR merged `afterMs` of workflow time after its merge wait began, polled every `pollMs`. The real waitForMerge polls
 * inside one long attempt; the time-skipping server never skips time while an attempt runs, so here each poll that
 * finds it unmerged ends its attempt and the next one is a retry `pollMs` later (a durable timer that it skips).
 * Counted by attempts (their delays add up to `afterMs`): the server's attempt timestamps are no clock to go by.
 */
export function mergedAfter(afterMs: number, pollMs = 6 * HOUR_MS): CcpActivities['waitForMerge'] {
  return async () => {
    const waited = Math.min((Context.current().info.attempt - 1) * pollMs, afterMs);
    if (waited >= afterMs) return pullRequest(true);
    throw ApplicationFailure.create({ message: 'stub: not merged yet', type: 'NotMergedYet', nextRetryDelay: Math.min(pollMs, afterMs - waited) });
  };
}

/** The agent fails for good (no attempt left): the subissue fails. */
export const agentFails = (why = 'agent exited with code 1 in pane %1'): CcpActivities['runAgent'] => async () => {
  throw ApplicationFailure.nonRetryable(why, AGENT_FAILED);
};
