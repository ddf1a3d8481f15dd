// A usage limit on the real Temporal dev server, with the real agent activity over a scripted adapter: a session
// the host's gate holds back (UsageLimited) is retried at the reset by a durable timer, counts as no attempt of the
// agent's, and the subissue shows what it waits for in its Web UI details meanwhile; a stalled session is an attempt.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createAgentActivities } from '../../src/activities/agent.js';
import { UsageLimited, type AgentAdapter, type AgentSessionRequest, type AgentSessionResult } from '../../src/agents/types.js';
import { CCP_SEARCH_ATTRIBUTES } from '../../src/shared/visibility.js';
import type { SubissueWorkflowInput } from '../../src/workflows/subissue.js';
import { subissue } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-usage-limit';
let stub: StubWorkflowEnv;
let env: TestWorkflowEnvironment;
const calls: Array<{ label: string; at: number }> = [];
const logs: string[] = [];
/** What each label's sessions do, in order; the last one repeats. */
const scripts = new Map<string, Array<(request: AgentSessionRequest) => Promise<AgentSessionResult>>>();

const done = (request: AgentSessionRequest): AgentSessionResult => {
  request.onProgress?.({ phase: 'done', paneId: '%1', approvals: 0 });
  return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], lastScreen: '', reattached: false };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const agent: AgentAdapter = {
  ask: async () => '',
  runSession: async (request) => {
    calls.push({ label: request.label, at: Date.now() });
    const steps = scripts.get(request.label) ?? [];
    const step = steps.length > 1 ? steps.shift() : steps[0];
    if (!step) throw new Error(`no script for ${request.label}`);
    return step(request);
  },
};

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    ...createAgentActivities({ agent }),
    mirrorLog: async ({ line }: { line: string }) => {
      logs.push(line);
    },
  });
  env = stub.env;
});

afterAll(async () => {
  await stub?.close();
});

function startSubissue(number: number) {
  const input: SubissueWorkflowInput = {
    repo: { owner: 'acme', repo: 'widgets' }, parent: { number: 1, workflowId: 'no-parent' }, sub: subissue(number, 'Work'),
    baseBranch: 'main', settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: 'main' },
  };
  return env.client.workflow.start('subissueWorkflow', { taskQueue: QUEUE, workflowId: `usage-limit-${number}-${Date.now()}`,
    args: [input] });
}

const details = async (handle: Awaited<ReturnType<typeof startSubissue>>): Promise<string> =>
  (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';

test('held back by the gate: retried at the reset, no attempt used, "waiting for usage limit until" meanwhile', async () => {
  const until = new Date(Date.now() + 4_000);
  scripts.set('subissue-81', [
    async () => {
      throw new UsageLimited(until);
    },
    async (request) => {
      // In the pane: the limit shows, then the session continues and finishes.
      request.onProgress?.({ phase: 'usage-limit', paneId: '%1', approvals: 0, resetsAt: until.toISOString() });
      await sleep(1_500);
      request.onProgress?.({ phase: 'running', paneId: '%1', approvals: 0 });
      return done(request);
    },
  ]);
  const handle = await startSubissue(81);
  let shown = '';
  for (let i = 0; i < 30 && !shown.includes('waiting for usage limit'); i++) {
    await sleep(100);
    shown = await details(handle);
  }
  expect(shown).toContain(`waiting for usage limit until ${until.toISOString().slice(11, 16)} UTC`);
  const phase = async () => (await handle.describe()).typedSearchAttributes.get(CCP_SEARCH_ATTRIBUTES.phase);
  expect(await phase()).toBe('usage-limit'); // the Web UI's `CcpPhase = "usage-limit"` finds it meanwhile
  await handle.result();
  expect(await phase()).toBe('merged');
  const mine = calls.filter((c) => c.label === 'subissue-81');
  expect(mine).toHaveLength(2);
  // The retry waited for the reset (a Temporal timer), not the usual backoff.
  expect(mine[1].at).toBeGreaterThanOrEqual(until.getTime() - 50);
  // With a single agent attempt allowed, nothing counted as one.
  expect(logs.filter((l) => l.includes('attempt'))).toEqual([]);
  expect(await details(handle)).not.toContain('waiting for usage limit');
}, 60_000);

test('a stalled session is a failed attempt with the reason', async () => {
  scripts.set('subissue-82', [async (request) => {
    request.onProgress?.({ phase: 'running', paneId: '%1', approvals: 0, stalledSince: new Date().toISOString() });
    return { paneId: '%1', exitCode: 0, endedBy: 'stalled', reason: 'stalled for 12 min', approvals: [], lastScreen: 'quiet',
      reattached: false };
  }]);
  const handle = await startSubissue(82);
  await expect(handle.result()).rejects.toThrow();
  const history = JSON.stringify(await handle.fetchHistory());
  expect(history).toContain('agent was ended: stalled for 12 min in pane %1');
}, 60_000);
