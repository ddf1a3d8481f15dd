// Stacked PRs across a parent's runs: with Temporal suggesting a new run early (a small history limit), a subissue
// stacked by one run of its parent hears from the next run that its dependency merged, and is moved and retargeted.
import { Context } from '@temporalio/activity';
import { parentWorkflowId } from '../../src/shared/ids.js';
import { parentStatusQuery, setSubissuePrioritySignal } from '../../src/shared/messages.js';
import type { PlannedSubissue } from '../../src/shared/types.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { DEV_SERVER_EXTRA_ARGS } from '../../src/stack/temporal-server.js';
import { waitFor } from '../helpers/agent-bed.js';
import { currentSubissue } from '../helpers/stub-activities.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';
import { startTestTemporal } from '../helpers/temporal-env.js';

const QUEUE = 'ccp-stacking-continue';
const REPO = { owner: 'acme', repo: 'widgets' };
let stub: StubWorkflowEnv;
/** Subissues whose agent may finish, and whose PR is still unmerged. */
const agentDone = new Set<number>();
const unmerged = new Set<number>();

/** Heartbeating until `done()`: cancellations reach the stub as they reach real activities. */
async function until(done: () => boolean): Promise<void> {
  const ctx = Context.current();
  while (!done()) {
    ctx.heartbeat();
    await ctx.sleep(100);
  }
}

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    createSubissues: async ({ parent, plan }) =>
      plan.subissues.map((s, i) => ({ ...s, number: parent.number * 10 + i + 1, id: 1, url: 'https://example.test/s' })),
    runAgent: async () => {
      const sub = currentSubissue() ?? 0;
      await until(() => agentDone.has(sub));
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
    waitForMerge: async () => {
      const sub = currentSubissue() ?? 0;
      await until(() => !unmerged.has(sub));
      return { number: 700 + sub, url: 'https://example.test/pull', state: 'closed', merged: true, head: `subissue/${sub}`, base: 'main' };
    },
  }, () => startTestTemporal([...DEV_SERVER_EXTRA_ARGS, '--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60']));
}, 60_000);

afterAll(async () => {
  await stub?.close();
});

const planned = (key: string, dependsOn: string[] = []): PlannedSubissue => ({ key, title: `Part ${key}`, estimatedHours: 1,
  priority: 'normal', description: 'd', acceptanceCriteria: ['a'], technicalContext: '', dependsOn });

test('a subissue stacked in an earlier run of its parent hears in the next run that its dependency merged', async () => {
  unmerged.add(11);
  unmerged.add(12);
  agentDone.add(11);
  const input: ParentIssueInput = { repo: REPO, issueNumber: 1, plan: { subissues: [planned('a'), planned('b', ['a'])] },
    settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '' } };
  const parent = await stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE, workflowId: parentWorkflowId(REPO, 1), args: [input] });
  const second = async () => (await parent.query(parentStatusQuery)).subissues[1];
  await waitFor('#12 at work on #11\'s branch', async () => (await second())?.phase === 'agent');
  expect((await second()).stackedOn).toBe(11);
  // Progress piles up in the parent's history (as over days) until it continues as new.
  const continued = async () => {
    for await (const wf of stub.env.client.workflow.list({ query: `WorkflowId = '${parent.workflowId}'` })) {
      if (wf.status.name === 'CONTINUED_AS_NEW') return true;
    }
    return false;
  };
  for (let i = 0; i < 200 && !(await continued()); i++) {
    await parent.signal(setSubissuePrioritySignal, { number: 12, priority: i % 2 ? 'high' : 'normal' });
  }
  expect(await continued()).toBe(true);

  agentDone.add(12);
  await waitFor('#12 PR open', async () => (await second()).phase === 'pr-open');
  expect(stub.callsOf(12, 'prepareWorktree')[0]?.input).toMatchObject({ startPoint: 'origin/subissue/11' });
  unmerged.delete(11);
  await waitFor('#12 retargeted', async () => stub.callsOf(12, 'retargetPullRequest').some((c) => (c.input as { base: string }).base === 'main'));
  expect(stub.callsOf(12, 'rebaseOnto')).toHaveLength(1);
  unmerged.delete(12);
  await expect(stub.env.client.workflow.getHandle(parent.workflowId).result()).resolves.toMatchObject({ state: 'closed' });
}, 120_000);
