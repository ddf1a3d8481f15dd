// Needs-you on the real Temporal dev server with stub host activities: the agent activity asks the subissue
// workflow (the real askPerson), the person answers with the update `ccp approve|deny` sends, a durable timer denies
// what nobody answered, and a retried attempt finds its question (and answer) where the first one left it.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { setTimeout as sleep } from 'node:timers/promises';
import { askPerson } from '../../src/activities/needs-you.js';
import {
  answerApprovalUpdate,
  approvalStateQuery,
  type ApprovalAnswer,
  type ApprovalQuestion,
  type ApprovalState,
} from '../../src/shared/messages.js';
import type { SubissueWorkflowInput } from '../../src/workflows/subissue.js';
import { workflowSource } from '../../src/worker/workers.js';
import { subissue } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-needs-you';
let stub: StubWorkflowEnv;
let env: TestWorkflowEnvironment;
/** What each runAgent attempt got back from askPerson, by subissue label. */
const answers = new Map<string, ApprovalAnswer[]>();
/** Labels whose first attempt dies right after asking (a worker crash), so the retry asks again. */
const crashFirstAttempt = new Set<string>();

const question = (label: string): ApprovalQuestion => ({ id: `q-${label}`, kind: 'tool', tool: 'Bash',
  subject: `./deploy.sh --for ${label}`, reason: 'ccp policy: deploy.sh is not a known development command' });

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    runAgent: async ({ label }: { label: string }) => {
      const ctx = Context.current();
      const got = askPerson({ client: ctx.client, workflowId: ctx.info.workflowExecution?.workflowId ?? '',
        question: question(label), signal: ctx.cancellationSignal });
      if (crashFirstAttempt.delete(label)) {
        // A crash withdraws nothing: the question stays with the workflow (this poller ends with the answer).
        got.catch(() => undefined);
        await sleep(300);
        throw new Error('worker died');
      }
      const answer = await got;
      answers.set(label, [...(answers.get(label) ?? []), answer]);
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
  });
  env = stub.env;
});

afterAll(async () => {
  await stub?.close();
});

async function startSubissue(number: number, needsYouMinutes = 30) {
  const input: SubissueWorkflowInput = {
    repo: { owner: 'acme', repo: 'widgets' }, parent: { number: 1, workflowId: 'no-parent' }, sub: subissue(number, 'Deploy'),
    baseBranch: 'main',
    settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '', needsYouMinutes },
  };
  return env.client.workflow.start('subissueWorkflow', { taskQueue: QUEUE, workflowId: `needs-you-${number}-${Date.now()}`,
    args: [input] });
}

async function waitForPending(client: Client, workflowId: string): Promise<ApprovalState> {
  for (let i = 0; i < 100; i++) {
    const state = await client.workflow.getHandle(workflowId).query(approvalStateQuery);
    if (state.pending.length > 0) return state;
    await sleep(100);
  }
  throw new Error('no question became pending');
}

test('an approved request reaches the waiting agent; the subissue goes on to its PR', async () => {
  const handle = await startSubissue(41);
  const { pending } = await waitForPending(env.client, handle.workflowId);
  expect(pending).toEqual([expect.objectContaining({ id: 'q-subissue-41', tool: 'Bash', subject: './deploy.sh --for subissue-41' })]);
  expect(Date.parse(pending[0].expiresAt) - Date.parse(pending[0].askedAt)).toBe(30 * 60_000);
  // The Web UI shows it as the workflow's current details.
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  expect(metadata.currentDetails).toContain('**needs you**: Bash `./deploy.sh --for subissue-41`');
  expect(metadata.currentDetails).toContain('ccp approve 41');
  const answered = await handle.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow', always: true }] });
  expect(answered.answer).toMatchObject({ decision: 'allow', by: 'person', always: true });
  await expect(handle.result()).resolves.toMatchObject({ number: 41, pr: { merged: true } });
  expect(answers.get('subissue-41')).toEqual([expect.objectContaining({ decision: 'allow', by: 'person' })]);
  expect((await handle.query(approvalStateQuery)).pending).toEqual([]);
  // The history with the ask and answer updates replays on the current workflow code (no non-determinism).
  await Worker.runReplayHistory(workflowSource(), await handle.fetchHistory(), handle.workflowId);
});

test('a denial carries the person\'s reason; answering when nothing waits is refused with a clear message', async () => {
  const handle = await startSubissue(42);
  await waitForPending(env.client, handle.workflowId);
  await handle.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'deny', reason: 'denied by a person: use the staging script' }] });
  await handle.result();
  expect(answers.get('subissue-42')).toEqual([{ decision: 'deny', by: 'person', reason: 'denied by a person: use the staging script' }]);
  await expect(handle.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow' }] }))
    .rejects.toThrow(/nothing of this subissue is waiting for approval|workflow execution already completed/);
});

test('the validator rejects an answer for an unknown id while something waits', async () => {
  const handle = await startSubissue(43);
  await waitForPending(env.client, handle.workflowId);
  await expect(handle.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow', id: 'nope' }] }))
    .rejects.toMatchObject({ cause: expect.objectContaining({ message: expect.stringContaining('no waiting request has id nope') }) });
  await handle.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow', id: 'q-subissue-43' }] });
  await handle.result();
});

test('nobody answers: the durable timer denies it with a reason, and the agent gets that', async () => {
  const handle = await startSubissue(44, 0.05); // 3 s
  await waitForPending(env.client, handle.workflowId);
  await handle.result();
  const [answer] = answers.get('subissue-44') ?? [];
  expect(answer).toMatchObject({ decision: 'deny', by: 'timeout' });
  expect(answer.reason).toMatch(/nobody approved this within/);
});

test('a retried attempt (the first died after asking) finds the same question and gets the answer', async () => {
  crashFirstAttempt.add('subissue-45');
  const handle = await startSubissue(45);
  const first = (await waitForPending(env.client, handle.workflowId)).pending[0];
  await sleep(6_000); // the first attempt has died and the retry (backoff 5 s) asked again
  const again = (await handle.query(approvalStateQuery)).pending;
  expect(again).toEqual([first]); // same question, same deadline: the wait did not start over
  await handle.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow' }] });
  await handle.result();
  expect(answers.get('subissue-45')).toEqual([expect.objectContaining({ decision: 'allow', by: 'person' })]);
});
