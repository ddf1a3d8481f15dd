// The parent's status tells the truth in every phase: a failure while fetching, planning or creating shows as
// "failed" with a one-line reason (never "fetching" forever), and the progress comment never carries a pane screen.
import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { parentStatusQuery } from '../../src/shared/messages.js';
import type { SummaryRow } from '../../src/core/templates.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { subissue } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-parent-status';
let stub: StubWorkflowEnv;
const comments: SummaryRow[][] = [];

const issue = (number: number) => ({ number, id: 1000 + number, title: `Issue ${number}`, body: '', state: 'open' as const,
  url: `https://example.test/${number}`, defaultBranch: 'main' });

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    fetchIssue: async ({ issueNumber }: { issueNumber: number }) => {
      if (issueNumber === 99) throw ApplicationFailure.nonRetryable('GitHub: issue #99 not found (404)\nrequest id abc', 'GitHubRefused');
      return issue(issueNumber);
    },
    planSubissues: async ({ issue: { number } }: { issue: { number: number } }) => {
      if (number === 98) throw ApplicationFailure.nonRetryable('agent print mode failed: the plan has 7 subissues (at most 5)');
      return { subissues: [{ key: 's1', title: 'One', estimatedHours: 1, priority: 'normal', description: 'd',
        acceptanceCriteria: ['a'], technicalContext: '', dependsOn: [] }] };
    },
    createSubissues: async () => [subissue(501, 'One')],
    runAgent: async () => {
      throw ApplicationFailure.nonRetryable('agent exited with code 1 in pane %2; last screen:\nSECRET SCREEN LINE', 'AgentFailed');
    },
    reportProgress: async ({ rows }: { rows: SummaryRow[] }) => {
      comments.push(rows);
    },
    closeParentIssue: async () => undefined,
  });
});

afterAll(async () => {
  await stub?.close();
});

async function runParent(issueNumber: number) {
  const input: ParentIssueInput = { repo: { owner: 'acme', repo: 'widgets' }, issueNumber,
    settings: { mergePollSeconds: 1, agentTimeoutMinutes: 1, agentAttempts: 1, baseBranch: '' } };
  const handle = await stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE,
    workflowId: `parent-status-${issueNumber}-${Date.now()}`, args: [input] });
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  return handle.query(parentStatusQuery);
}

test('a failure while fetching shows as failed with the reason on one line', async () => {
  const status = await runParent(99);
  expect(status.phase).toBe('failed');
  expect(status.error).toBe('fetching failed: GitHub: issue #99 not found (404)');
});

test('a failure while planning shows as failed, naming the phase', async () => {
  const status = await runParent(98);
  expect(status).toMatchObject({ phase: 'failed', title: 'Issue 98' });
  expect(status.error).toBe('planning failed: agent print mode failed: the plan has 7 subissues (at most 5)');
});

test('a failed subissue: the parent fails with one-line reasons and the progress comment has no pane screen', async () => {
  const status = await runParent(97);
  expect(status.phase).toBe('failed');
  expect(status.subissues[0]).toMatchObject({ number: 501, phase: 'failed' });
  expect(status.error).toBe('1 of 1 subissues did not finish: #501 failed (agent exited with code 1 in pane %2)');
  const published = JSON.stringify(comments);
  expect(published).toContain('agent exited with code 1 in pane %2');
  expect(published).not.toContain('SECRET SCREEN LINE');
  expect(published).not.toContain('last screen');
});
