// Long lives stay bounded: with Temporal suggesting a new run early (a small history limit), the parent and the
// dispatcher continue as new mid-run, carrying their state; the subissues run on (not terminated) and the parent
// still closes with every PR merged. A stop in a continued run reaches subissues an earlier run started.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { CcpClient } from '../../src/client/ccp-client.js';
import { dispatcherWorkflowId } from '../../src/shared/dispatch.js';
import { parentWorkflowId } from '../../src/shared/ids.js';
import { parentStatusQuery, setSubissuePrioritySignal, stopSignal, subissueProgressSignal } from '../../src/shared/messages.js';
import type { CreatedSubissue, Plan, PlannedSubissue } from '../../src/shared/types.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { waitFor } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';
import { startTestTemporal } from '../helpers/temporal-env.js';
import { DEV_SERVER_EXTRA_ARGS } from '../../src/stack/temporal-server.js';

const QUEUE = 'ccp-continue';
const REPO = { owner: 'acme', repo: 'widgets' };
let stub: StubWorkflowEnv;
const release = new Set<number>();
const SETTINGS: ParentIssueInput['settings'] = { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '' };

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    fetchIssue: async ({ issueNumber }: { issueNumber: number }) => ({ number: issueNumber, id: 1, title: `Issue ${issueNumber}`,
      body: '', state: 'open', url: 'https://example.test/i', defaultBranch: 'main' }),
    createSubissues: async ({ parent, plan }: { parent: { number: number }; plan: Plan }): Promise<CreatedSubissue[]> =>
      plan.subissues.map((s, i) => ({ ...s, number: parent.number * 10 + i + 1, id: 1, url: 'https://example.test/s' })),
    // Each session waits until the test lets it end (or it is cancelled).
    runAgent: async ({ label }: { label: string }) => {
      const sub = Number(label.replace('subissue-', ''));
      const ctx = Context.current();
      while (!release.has(sub)) {
        ctx.heartbeat();
        await ctx.sleep(100);
      }
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], lastScreen: '', reattached: false };
    },
    reportProgress: async () => undefined,
    closeParentIssue: async () => undefined,
  }, () => startTestTemporal([...DEV_SERVER_EXTRA_ARGS, '--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=60']));
}, 60_000);

afterAll(async () => {
  await stub?.close();
});

const planned = (key: string, extra: Partial<PlannedSubissue> = {}): PlannedSubissue => ({ key, title: `Part ${key}`,
  estimatedHours: 1, priority: 'normal', description: 'd', acceptanceCriteria: ['a'], technicalContext: '', dependsOn: [], ...extra });

async function start(issueNumber: number, subissues: PlannedSubissue[]) {
  const input: ParentIssueInput = { repo: REPO, issueNumber, plan: { subissues }, settings: SETTINGS };
  return stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE, workflowId: parentWorkflowId(REPO, issueNumber), args: [input] });
}

/** A long life in short: signals pile up in the parent's history (as progress does over days) until Temporal
 * suggests a new run and the parent takes it. */
async function ageUntilContinued(workflowId: string, sub: number): Promise<void> {
  const handle = stub.env.client.workflow.getHandle(workflowId);
  await waitFor(`#${sub} to run`, async () => (await handle.query(parentStatusQuery)).subissues.some((s) => s.number === sub && s.phase === 'agent'));
  for (let i = 0; i < 200 && !(await runsOf(stub.env.client, workflowId)).some((r) => r.status === 'CONTINUED_AS_NEW'); i++) {
    await handle.signal(setSubissuePrioritySignal, { number: sub, priority: i % 2 ? 'high' : 'normal' });
  }
}

/** Runs of a workflow id, oldest first. */
async function runsOf(client: Client, workflowId: string): Promise<Array<{ runId: string; status: string }>> {
  const runs: Array<{ runId: string; status: string }> = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: wf.runId, status: wf.status.name });
  return runs.reverse();
}

test('parent and dispatcher continue as new mid-run; subissues run on; the parent closes with everything merged', async () => {
  const handle = await start(10, [planned('a'), planned('b'), planned('c', { dependsOn: ['a'] })]);
  await ageUntilContinued(handle.workflowId, 101);
  expect((await runsOf(stub.env.client, handle.workflowId)).map((r) => r.status)).toContain('CONTINUED_AS_NEW');
  const status = await stub.env.client.workflow.getHandle(handle.workflowId).query(parentStatusQuery);
  expect(status.subissues.map((s) => s.number)).toEqual([101, 102, 103]);
  expect(status.phase).toBe('running');
  // The subissues the first run started were not terminated with it.
  for (const n of [101, 102]) {
    const child = await stub.env.client.workflow.getHandle(`${handle.workflowId}.sub-${n}`).describe();
    expect(child.status.name).toBe('RUNNING');
  }
  // The dispatcher, changed many times over (limits set and lifted), continues as new too, keeping who holds slots.
  const ccp = CcpClient.fromTemporal(stub.env.client, { taskQueue: QUEUE });
  const dispatcherId = dispatcherWorkflowId(QUEUE);
  for (let i = 0; i < 200 && !(await runsOf(stub.env.client, dispatcherId)).some((r) => r.status === 'CONTINUED_AS_NEW'); i++) {
    await ccp.setGroupLimit('docs', i % 2 ? 5 : null);
  }
  expect((await runsOf(stub.env.client, dispatcherId)).map((r) => r.status)).toContain('CONTINUED_AS_NEW');
  expect((await ccp.dispatcher()).holders.map((h) => h.subissue).sort()).toEqual([101, 102]);
  for (const n of [101, 102, 103]) release.add(n);
  await expect(stub.env.client.workflow.getHandle(handle.workflowId).result()).resolves.toMatchObject({ state: 'closed',
    subissues: [{ number: 101, phase: 'merged' }, { number: 102, phase: 'merged' }, { number: 103, phase: 'merged' }] });
  // Its new run gave the slots out and took them back.
  expect((await ccp.dispatcher()).holders).toEqual([]);
}, 120_000);

test('a stop in a continued run stops the subissues an earlier run started', async () => {
  const handle = await start(20, [planned('a'), planned('b')]);
  await ageUntilContinued(handle.workflowId, 201);
  await stub.env.client.workflow.getHandle(handle.workflowId).signal(stopSignal, { reason: 'test' });
  await expect(stub.env.client.workflow.getHandle(handle.workflowId).result()).resolves.toMatchObject({ state: 'stopped' });
  for (const n of [201, 202]) {
    const child = await stub.env.client.workflow.getHandle(`${handle.workflowId}.sub-${n}`).describe();
    expect(child.status.name).toBe('CANCELLED');
  }
}, 120_000);

test('a subissue\'s last word that reaches the new run before its first task is kept (not overwritten by the carried state)', async () => {
  // The new run as continue-as-new makes it, with the child's "merged" already in its history before the first
  // workflow task: the race a child ending while its parent continues as new runs into.
  const created = [planned('a'), planned('b')].map((s, i) => ({ ...s, number: 301 + i, id: 1, url: 'https://example.test/s' }));
  const at = new Date().toISOString();
  const pr = (n: number, merged: boolean) => ({ number: n, url: `https://example.test/pull/${n}`, merged });
  const input: ParentIssueInput = { repo: REPO, issueNumber: 30, settings: SETTINGS, continued: { baseBranch: 'main', created, status: { repo: REPO, number: 30,
    title: 'Issue 30', phase: 'running', paused: false, subissues: [
      { ...created[0], phase: 'merged', pr: pr(1, true), updatedAt: at, workflowId: `${parentWorkflowId(REPO, 30)}.sub-301` },
      { ...created[1], phase: 'pr-open', pr: pr(2, false), updatedAt: at, workflowId: `${parentWorkflowId(REPO, 30)}.sub-302` },
    ] } } };
  const handle = await stub.env.client.workflow.signalWithStart('parentIssueWorkflow', { taskQueue: QUEUE,
    workflowId: parentWorkflowId(REPO, 30), args: [input], signal: subissueProgressSignal,
    signalArgs: [{ number: 302, phase: 'merged', pr: pr(2, true) }] });
  await waitFor('the parent to close', async () => (await handle.query(parentStatusQuery)).phase === 'closed');
  await expect(handle.result()).resolves.toMatchObject({ state: 'closed',
    subissues: [{ number: 301, phase: 'merged' }, { number: 302, phase: 'merged' }] });
}, 60_000);
