// The Web UI a person can read, on the real dev server: ccp's search attributes are set at start and kept current,
// so list queries (the Web UI's and `temporal workflow list --query`) find exactly the workflows meant; summaries
// and current details say what each one is and does.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { askPerson } from '../../src/activities/needs-you.js';
import { answerApprovalUpdate } from '../../src/shared/messages.js';
import { CCP_SEARCH_ATTRIBUTES, parentStartOptions } from '../../src/shared/visibility.js';
import type { CreatedSubissue } from '../../src/shared/types.js';
import { subissueWorkflowId } from '../../src/shared/ids.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { subissue } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-search-attributes';
const REPO = { owner: 'acme', repo: 'widgets' };
let stub: StubWorkflowEnv;
let client: Client;
/** Subissues per parent: 123 gets one merged, one that needs a person first, one whose agent fails. */
const SUBS: Record<number, CreatedSubissue[]> = {
  123: [{ ...subissue(131, 'Schema'), priority: 'high' }, subissue(132, 'Deploy'), subissue(133, 'Broken')],
  140: [subissue(141, 'Login form'), subissue(142, 'Logout')],
};

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    fetchIssue: async ({ issueNumber }: { issueNumber: number }) => ({ number: issueNumber, id: 1000 + issueNumber,
      title: `Issue ${issueNumber}`, body: '', state: 'open', url: `https://example.test/${issueNumber}`, defaultBranch: 'main' }),
    existingSubissues: async () => ({ found: 0, subissues: [] }),
    planSubissues: async () => ({ subissues: [] }),
    createSubissues: async ({ parent }: { parent: { number: number } }) => SUBS[parent.number],
    runAgent: async ({ label }: { label: string }) => {
      if (label === 'subissue-133') throw ApplicationFailure.nonRetryable('agent exited with code 1', 'AgentFailed');
      if (label === 'subissue-132') {
        const ctx = Context.current();
        await askPerson({ client: ctx.client, workflowId: ctx.info.workflowExecution?.workflowId ?? '', signal: ctx.cancellationSignal,
          question: { id: 'q-132', kind: 'tool', tool: 'Bash', subject: './deploy.sh', reason: 'not a known development command' } });
      }
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
    reportProgress: async () => undefined,
    closeParentIssue: async () => undefined,
  });
  client = stub.env.client;
});

afterAll(async () => {
  await stub?.close();
});

async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids.sort();
}

/** Visibility is eventually consistent: polls until the query finds `expected`, then returns what it finds. */
async function listedEventually(query: string, expected: string[]): Promise<string[]> {
  const want = [...expected].sort();
  let found: string[] = [];
  for (let i = 0; i < 100; i++) {
    found = await listIds(query);
    if (JSON.stringify(found) === JSON.stringify(want)) break;
    await sleep(200);
  }
  return found;
}

const subId = (parent: number, sub: number) => subissueWorkflowId(REPO, parent, sub);
const parentId = (parent: number) => `ccp-${REPO.owner}/${REPO.repo}#${parent}`;

function startParent(issueNumber: number) {
  const input: ParentIssueInput = { repo: REPO, issueNumber,
    settings: { mergePollSeconds: 1, agentTimeoutMinutes: 1, agentAttempts: 1, baseBranch: '' } };
  return client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE, workflowId: parentId(issueNumber), args: [input],
    ...parentStartOptions(REPO, issueNumber, `Issue ${issueNumber}`) });
}

test('list queries find exactly the workflows meant, in every phase; summaries and details say what each does', async () => {
  const first = await startParent(123);
  const second = await startParent(140);
  // Set at start: found before any worker ran it.
  expect((await first.describe()).typedSearchAttributes.get(CCP_SEARCH_ATTRIBUTES.repo)).toBe('acme/widgets');

  // Kept current while it runs: the subissue waiting for a person is found by its phase.
  expect(await listedEventually('CcpRepo = "acme/widgets" AND CcpPhase = "needs-you"', [subId(123, 132)]))
    .toEqual([subId(123, 132)]);
  await client.workflow.getHandle(subId(123, 132)).executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow' }] });
  await expect(first.result()).rejects.toThrow();
  await second.result();

  expect(await listedEventually('CcpParent = 123 AND CcpPhase = "merged"', [subId(123, 131), subId(123, 132)]))
    .toEqual([subId(123, 131), subId(123, 132)]);
  expect(await listedEventually('CcpParent = 140 AND CcpPhase = "merged"', [subId(140, 141), subId(140, 142)]))
    .toEqual([subId(140, 141), subId(140, 142)]);
  // Failed subissues (the failed parent has no CcpSubissue); everything of one parent, itself included.
  expect(await listedEventually('CcpParent = 123 AND CcpPhase = "failed" AND CcpSubissue IS NOT NULL', [subId(123, 133)]))
    .toEqual([subId(123, 133)]);
  const allOf123 = [parentId(123), subId(123, 131), subId(123, 132), subId(123, 133)];
  expect(await listedEventually('CcpParent = 123', allOf123)).toEqual(allOf123.sort());
  expect(await listedEventually('CcpRepo = "acme/widgets" AND CcpSubissue IS NULL AND CcpPhase = "closed"', [parentId(140)]))
    .toEqual([parentId(140)]);
  expect(await listedEventually('CcpPriority = "high" AND CcpHost = "h"', [subId(123, 131)])).toEqual([subId(123, 131)]);
  expect(await listIds('CcpRepo = "acme/widgets" AND CcpPhase = "needs-you"')).toEqual([]);

  // Summaries at start, details as it moved.
  const parent = client.workflow.getHandle(parentId(140));
  expect(await (await parent.describe()).staticSummary()).toBe('#140 Issue 140 (acme/widgets)');
  const details = async (id: string) =>
    (await client.workflow.getHandle(id).query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails;
  expect(await details(parentId(140))).toBe('#140 Issue 140 — closed: 2/2 merged');
  expect(await details(parentId(123))).toMatch(/^#123 Issue 123 — failed: 2\/3 merged · 1 failed\n\n1 of 3 subissues did not finish/);
  const child = client.workflow.getHandle(subId(140, 141));
  expect(await (await child.describe()).staticSummary()).toBe('#141 Login form (part of #140)');
  expect(await details(subId(140, 141))).toBe('#141 Login form: merged');

  // Activity summaries: what each step is, in the subissue's event history.
  const summaries = (await child.fetchHistory()).events?.flatMap((event) => {
    const summary = event.activityTaskScheduledEventAttributes && event.userMetadata?.summary;
    return summary ? [defaultPayloadConverter.fromPayload<string>(summary)] : [];
  });
  expect(summaries).toEqual(expect.arrayContaining(['worktree on subissue/141 for #141', 'agent for #141 on host h',
    'push subissue/141 for #141', 'PR for #141 into main', 'wait for PR #7 of #141 to merge']));
});
