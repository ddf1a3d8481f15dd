// A subissue's agent conversation survives every retry: one session id for all attempts; a lost tmux pane and a
// worker shutdown are retried without using up an agent attempt; a failed attempt's retry is told why.
import { ApplicationFailure } from '@temporalio/activity';
import type { AgentRunInput } from '../../src/activities/agent.js';
import type { SubissueWorkflowInput } from '../../src/workflows/subissue.js';
import { subissue } from '../helpers/agent-bed.js';
import { startTimeSkippingStubEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-agent-resume';
let stub: StubWorkflowEnv;
/** Every runAgent call, by subissue label; `script` says how each call (in order) ends. */
const calls = new Map<string, AgentRunInput[]>();
const scripts = new Map<string, Array<'SessionLost' | 'WorkerShutdown' | 'AgentFailed'>>();

beforeAll(async () => {
  stub = await startTimeSkippingStubEnv(QUEUE, {
    runAgent: async (input: AgentRunInput) => {
      const seen = calls.get(input.label) ?? [];
      calls.set(input.label, [...seen, input]);
      const failure = scripts.get(input.label)?.[seen.length];
      if (failure === 'AgentFailed') {
        throw ApplicationFailure.nonRetryable('agent exited with code 137 in pane %3; last screen:\nx', failure);
      }
      // Temporal's backoff would make the test wait seconds per retry.
      if (failure) throw ApplicationFailure.create({ message: `scripted ${failure}`, type: failure, nextRetryDelay: '50ms' });
      return { paneId: '%3', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
  });
});

afterAll(async () => {
  await stub?.close();
});

async function runSubissue(number: number, agentAttempts: number) {
  const input: SubissueWorkflowInput = { repo: { owner: 'acme', repo: 'widgets' },
    parent: { number: 1, workflowId: 'no-such-parent' }, sub: subissue(number, `Task ${number}`), baseBranch: 'main',
    settings: { mergePollSeconds: 1, agentTimeoutMinutes: 1, agentAttempts, baseBranch: '' } };
  return stub.env.client.workflow.execute('subissueWorkflow', { taskQueue: QUEUE,
    workflowId: `agent-resume-${number}-${Date.now()}`, args: [input] });
}

test('a lost pane and a worker shutdown are retried with the same session id and use no agent attempt', async () => {
  scripts.set('subissue-601', ['SessionLost', 'WorkerShutdown', 'SessionLost']);
  // One agent attempt only: had a retry counted as one, the subissue would fail.
  await expect(runSubissue(601, 1)).resolves.toMatchObject({ number: 601, pr: { merged: true } });
  const seen = calls.get('subissue-601') ?? [];
  expect(seen).toHaveLength(4);
  expect(seen[0].sessionId).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Set(seen.map((c) => c.sessionId)).size).toBe(1);
  // Temporal's retries: the activity itself tells the conversation why (from its last heartbeat).
  expect(seen.map((c) => c.resumeReason)).toEqual([undefined, undefined, undefined, undefined]);
});

test('a failed agent attempt is retried in the same conversation, told why', async () => {
  scripts.set('subissue-602', ['AgentFailed']);
  await expect(runSubissue(602, 2)).resolves.toMatchObject({ number: 602 });
  const [first, second] = calls.get('subissue-602') ?? [];
  expect(second.sessionId).toBe(first.sessionId);
  expect(first.resumeReason).toBeUndefined();
  expect(second.resumeReason).toBe('attempt 1 ended: agent exited with code 137 in pane %3');
}, 30_000);

test('each subissue has a conversation of its own', async () => {
  scripts.set('subissue-603', []);
  await runSubissue(603, 1);
  expect(calls.get('subissue-603')?.[0].sessionId).not.toBe(calls.get('subissue-601')?.[0].sessionId);
});
