// Waits that are no failure, in workflow time on the time-skipping test server: a request nobody answers is denied by
// the subissue's durable timer after 30 minutes, and a usage limit of hours is waited out by a retry at the reset.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { createAgentActivities } from '../../src/activities/agent.js';
import { UsageLimited, type AgentAdapter, type AgentSessionRequest, type AgentSessionResult } from '../../src/agents/types.js';
import { WORKER_SHUTDOWN } from '../../src/shared/failures.js';
import { askApprovalUpdate, type ApprovalAnswer, type PendingApproval } from '../../src/shared/messages.js';
import { subissueWorkflowId } from '../../src/shared/ids.js';
import { waitFor } from '../helpers/agent-bed.js';
import { REAL_TIME_BUDGET_MS, REPO, startScheduleBed, type ScheduleBed } from '../helpers/schedule-bed.js';
import { bySubissue, HOUR_MS, subissue, type CcpActivities } from '../helpers/stub-activities.js';

const MINUTE_MS = 60_000;
// Claude Code's usage windows reset within 5 hours.
const LIMIT_MS = 5 * HOUR_MS;
let bed: ScheduleBed;

/** What each attempt of #241's agent got back when it asked (again) for the same request. */
const asked: Array<{ pending: PendingApproval; answer?: ApprovalAnswer }> = [];
/** After asking, #241's worker goes away for this long before the next attempt (`ccp down`, `ccp up` later). */
const awayAfterAttempt = [29 * MINUTE_MS, 2 * MINUTE_MS];

const askWhileTheWorkerComesAndGoes: CcpActivities['runAgent'] = async () => {
  const ctx = Context.current();
  const workflowId = ctx.info.workflowExecution?.workflowId ?? '';
  const reply = await ctx.client.workflow.getHandle(workflowId).executeUpdate(askApprovalUpdate, { args: [{ id: 'q-241', kind: 'tool',
    tool: 'Bash', subject: './deploy.sh', reason: 'ccp policy: deploy.sh is not a known development command' }] });
  asked.push(reply);
  if (reply.answer) return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
  throw ApplicationFailure.create({ message: 'stub: the ccp worker shut down', type: WORKER_SHUTDOWN,
    nextRetryDelay: awayAfterAttempt[ctx.info.attempt - 1] });
};

/** #251's sessions: the first is held back by a usage limit that resets in 5 hours, the next one works. */
const limitedSessions: Array<(request: AgentSessionRequest) => Promise<AgentSessionResult>> = [
  async () => {
    throw new UsageLimited(new Date(Date.now() + LIMIT_MS));
  },
  async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], lastScreen: '', reattached: false }),
];
const limitedAgent: AgentAdapter = { ask: async () => '', runSession: (request) => (limitedSessions.shift() ?? limitedSessions[0])(request) };

beforeAll(async () => {
  bed = await startScheduleBed('ccp-time-skipping-waits', {
    runAgent: bySubissue({ 241: askWhileTheWorkerComesAndGoes, 251: createAgentActivities({ agent: limitedAgent }).runAgent },
      async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false })),
  });
});

afterAll(async () => {
  await bed?.close();
});

test('a request nobody answers while the worker is away is denied by the durable timer at 30 minutes', async () => {
  const real = Date.now();
  const handle = await bed.startParent(240, [subissue(241, 'Deploy')], { agentAttempts: 1 });
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });

  const attempts = bed.callsOf(241, 'runAgent').map((call) => call.startedAt - bed.callsOf(241, 'runAgent')[0].startedAt);
  expect(attempts).toHaveLength(3);
  expect(attempts[1]).toBeGreaterThanOrEqual(29 * MINUTE_MS);
  expect(attempts[2]).toBeGreaterThanOrEqual(31 * MINUTE_MS);
  // One question, one deadline 30 minutes after it was asked: still waiting at 29 minutes, denied by 31.
  const [first, second, third] = asked;
  expect(Date.parse(first.pending.expiresAt) - Date.parse(first.pending.askedAt)).toBe(30 * MINUTE_MS);
  expect([first.answer, second.answer]).toEqual([undefined, undefined]);
  expect(second.pending).toEqual(first.pending);
  expect(third.answer).toMatchObject({ decision: 'deny', by: 'timeout' });
  expect(third.answer?.reason).toMatch(/nobody approved this within 30 min/);
  expect(Date.now() - real).toBeLessThan(REAL_TIME_BUDGET_MS);
});

test('a usage limit of 5 hours is waited out: retried at the reset, no agent attempt used, shown meanwhile', async () => {
  const real = Date.now();
  const handle = await bed.startParent(250, [subissue(251, 'Work')], { agentAttempts: 1 });
  await waitFor('#251 to be held back', async () => bed.callsOf(251, 'runAgent').some((call) => call.failed !== undefined));
  // Workflow time stands still until the test waits for a result: what it shows meanwhile can be read.
  const child = bed.env.client.workflow.getHandle(subissueWorkflowId(REPO, 250, 251));
  const details = async () => (await child.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';
  await waitFor('#251 to show the limit', async () => (await details()).includes('waiting for usage limit until'));
  expect((await bed.status(handle)).subissues[0].wait?.usageLimitUntil).toBeDefined();

  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  const [limited, resumed] = bed.callsOf(251, 'runAgent');
  expect(limited.failed).toMatch(/^usage limit: no new agent sessions on this host until/);
  // At the reset (give or take the second the activity took to compute it), not after the usual backoff.
  expect(resumed.startedAt - limited.startedAt).toBeGreaterThanOrEqual(LIMIT_MS - 2_000);
  expect(resumed.startedAt - limited.startedAt).toBeLessThan(LIMIT_MS + 10 * MINUTE_MS);
  expect(await details()).not.toContain('waiting for usage limit');
  expect(Date.now() - real).toBeLessThan(REAL_TIME_BUDGET_MS);
});
