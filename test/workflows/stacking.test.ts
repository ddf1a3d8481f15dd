// Stacked PRs in the workflows, on the real Temporal dev server with stub activities over an in-memory GitHub: a
// dependent starts on its dependency's branch while that PR is open, is moved onto the base branch and retargeted
// when it merges (conflicts to the agent, then to a person), and ends blocked when the dependency fails.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerApprovalUpdate, approvalStateQuery, parentStatusQuery, stopSignal, type ParentStatus } from '../../src/shared/messages.js';
import { AGENT_FAILED } from '../../src/shared/failures.js';
import type { RebaseOutcome } from '../../src/adapters/git.js';
import type { CreatedSubissue, PullRequestRef, RunSettings } from '../../src/shared/types.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { subissue, waitFor } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-stacking';
let stub: StubWorkflowEnv;

interface Pull { number: number; head: string; base: string; merged: boolean; closed: boolean }
const pulls = new Map<number, Pull>();
/** Every host, GitHub and agent step, as "<step> <label or PR> <detail>". */
const events: string[] = [];
const plans = new Map<number, CreatedSubissue[]>();
const agentRuns: Array<{ label: string; prompt: string; sessionId?: string; instruction?: string }> = [];
/** Per label: what its agent does (default: finishes at once). */
const agentScript = new Map<string, (run: { instruction?: string }) => Promise<void>>();
/** Per label: the conflicts its rebase stops at, round by round (default: none). */
const conflictRounds = new Map<string, string[][]>();

const label = (path: string) => path.split('/').pop() as string;
const prOf = (sub: number) => [...pulls.values()].find((p) => p.head === `subissue/${sub}`);
const nextConflicts = (worktreePath: string): RebaseOutcome => {
  const next = conflictRounds.get(label(worktreePath))?.shift();
  return next ? { done: false, conflicts: next } : { done: true };
};
const pullRef = (pr: Pull): PullRequestRef => ({ number: pr.number, url: `https://example.test/pull/${pr.number}`,
  state: pr.merged || pr.closed ? 'closed' : 'open', merged: pr.merged, head: pr.head, base: pr.base });

beforeAll(async () => {
  stub = await startStubWorkflowEnv(QUEUE, {
    planSubissues: async ({ issue }) => ({ subissues: plans.get(issue.number) ?? [] }),
    createSubissues: async ({ parent }) => plans.get(parent.number) ?? [],
    prepareWorktree: async ({ label: l, startPoint }) => {
      events.push(`prepareWorktree ${l} ${startPoint}`);
      return { path: `/tmp/ws/${l}` };
    },
    forkPoint: async ({ worktreePath, upstream }) => {
      events.push(`forkPoint ${label(worktreePath)} ${upstream}`);
      return { sha: `fork-of-${label(worktreePath)}` };
    },
    rebaseOnto: async ({ worktreePath, onto, forkPoint }) => {
      events.push(`rebaseOnto ${label(worktreePath)} ${onto} ${forkPoint}`);
      return nextConflicts(worktreePath);
    },
    continueRebase: async ({ worktreePath }) => {
      events.push(`continueRebase ${label(worktreePath)}`);
      return nextConflicts(worktreePath);
    },
    commitAndPush: async ({ worktreePath, base, force }) => {
      events.push(`commitAndPush ${label(worktreePath)} ${base}${force ? ' force' : ''}`);
      return { commits: 1 };
    },
    runAgent: async (run) => {
      agentRuns.push(run);
      events.push(`runAgent ${run.label}${run.instruction ? ' instruction' : ''}`);
      await agentScript.get(run.label)?.(run);
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
    openPullRequest: async ({ sub, branch, base }) => {
      const pr = prOf(sub.number) ?? { number: 100 + sub.number, head: branch, base, merged: false, closed: false };
      pulls.set(pr.number, pr);
      events.push(`openPullRequest #${pr.number} ${base}`);
      return pullRef(pr);
    },
    retargetPullRequest: async ({ pullNumber, base }) => {
      const pr = pulls.get(pullNumber) as Pull;
      pr.base = base;
      events.push(`retargetPullRequest #${pullNumber} ${base}`);
      return pullRef(pr);
    },
    waitForMerge: async ({ pullNumber }) => {
      const ctx = Context.current();
      for (;;) {
        const pr = pulls.get(pullNumber) as Pull;
        if (pr.merged) return pullRef(pr);
        if (pr.closed) throw ApplicationFailure.nonRetryable(`PR #${pr.number} was closed without merging`, 'PullRequestClosed');
        ctx.heartbeat();
        await ctx.sleep(100);
      }
    },
  });
});

afterAll(async () => {
  await stub?.close();
});

/** A parent whose subissues form a chain: each depends on the one before. */
async function startChain(parent: number, length: number, settings: Partial<RunSettings> = {}) {
  const subs = Array.from({ length }, (_, i) => subissue(parent + 1 + i, `Layer ${i + 1}`));
  subs.forEach((sub, i) => {
    if (i > 0) sub.dependsOn = [subs[i - 1].key];
  });
  plans.set(parent, subs);
  const input: ParentIssueInput = { repo: { owner: 'acme', repo: 'widgets' }, issueNumber: parent,
    settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '', ...settings } };
  return stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE, workflowId: `stacking-${parent}-${Date.now()}`, args: [input] });
}

type Handle = Awaited<ReturnType<typeof startChain>>;
const statusOf = (handle: Handle): Promise<ParentStatus> => handle.query(parentStatusQuery);
const sub = async (handle: Handle, number: number) => (await statusOf(handle)).subissues.find((s) => s.number === number);
const waitPhase = (handle: Handle, number: number, phase: string, extra: (s: NonNullable<Awaited<ReturnType<typeof sub>>>) => boolean = () => true) =>
  waitFor(`#${number} ${phase}`, async () => {
    const s = await sub(handle, number);
    return s?.phase === phase && extra(s);
  });
const stepsOf = (sub: number) => events.filter((e) => e.includes(`subissue-${sub} `) || e.includes(`#${100 + sub} `) || e.endsWith(`subissue-${sub}`));

test('a chain stacks: each dependent starts on the branch before it, and is moved and retargeted as that one merges', async () => {
  const handle = await startChain(10, 3);
  await waitPhase(handle, 13, 'pr-open');
  expect(prOf(12)?.base).toBe('subissue/11');
  expect(prOf(13)?.base).toBe('subissue/12');
  expect((await sub(handle, 13))?.stackedOn).toBe(12);
  expect(stepsOf(12)).toEqual(['prepareWorktree subissue-12 origin/subissue/11', 'forkPoint subissue-12 origin/subissue/11',
    'runAgent subissue-12', 'commitAndPush subissue-12 origin/subissue/11', 'openPullRequest #112 subissue/11']);
  // The agent is told what it builds on.
  expect(agentRuns.find((r) => r.label === 'subissue-12')).toMatchObject({ prompt: expect.stringContaining('starts from subissue/11') });

  (pulls.get(111) as Pull).merged = true;
  await waitPhase(handle, 12, 'pr-open', (s) => s.stackedOn === undefined);
  expect(stepsOf(12).slice(5)).toEqual(['prepareWorktree subissue-12 origin/main', 'rebaseOnto subissue-12 origin/main fork-of-subissue-12',
    'commitAndPush subissue-12 origin/main force', 'retargetPullRequest #112 main']);
  expect(prOf(13)?.base).toBe('subissue/12'); // its own dependency has not merged yet

  (pulls.get(112) as Pull).merged = true;
  await waitPhase(handle, 13, 'pr-open', (s) => s.stackedOn === undefined);
  expect(prOf(13)?.base).toBe('main');
  (pulls.get(113) as Pull).merged = true;
  await expect(handle.result()).resolves.toMatchObject({ state: 'closed' });
});

test('conflicts go to the agent\'s own conversation; when it cannot resolve them, to a person', async () => {
  conflictRounds.set('subissue-22', [['notes/a.md']]);
  conflictRounds.set('subissue-32', [['notes/b.md']]);
  agentScript.set('subissue-32', async ({ instruction }) => {
    if (instruction) throw ApplicationFailure.nonRetryable('the agent exited with code 1', AGENT_FAILED);
  });
  const resolved = await startChain(20, 2);
  const byHand = await startChain(30, 2);
  await waitPhase(resolved, 22, 'pr-open');
  await waitPhase(byHand, 32, 'pr-open');
  (pulls.get(121) as Pull).merged = true;
  (pulls.get(131) as Pull).merged = true;

  await waitPhase(resolved, 22, 'pr-open', (s) => s.stackedOn === undefined);
  const [first, again] = agentRuns.filter((r) => r.label === 'subissue-22');
  expect(again.sessionId).toBe(first.sessionId);
  expect(again.instruction).toContain('ccp:rebase-conflict #22');
  expect(again.instruction).toContain('- notes/a.md');
  expect(stepsOf(22).slice(-4)).toEqual(['runAgent subissue-22 instruction', 'continueRebase subissue-22',
    'commitAndPush subissue-22 origin/main force', 'retargetPullRequest #122 main']);

  // The agent failed at them: the subissue waits for a person (needs you), who resolves by hand and approves.
  await waitPhase(byHand, 32, 'agent', (s) => s.needsYou !== undefined);
  expect((await sub(byHand, 32))?.needsYou).toMatchObject({ tool: 'git rebase', subject: 'conflicts in notes/b.md moving #32 onto main' });
  const child = stub.env.client.workflow.getHandle((await sub(byHand, 32))?.workflowId as string);
  expect((await child.query(approvalStateQuery)).pending).toHaveLength(1);
  await child.executeUpdate(answerApprovalUpdate, { args: [{ decision: 'allow' }] });
  await waitPhase(byHand, 32, 'pr-open', (s) => s.stackedOn === undefined);
  expect(prOf(32)?.base).toBe('main');
  (pulls.get(122) as Pull).merged = true;
  (pulls.get(132) as Pull).merged = true;
  await expect(resolved.result()).resolves.toMatchObject({ state: 'closed' });
  await expect(byHand.result()).resolves.toMatchObject({ state: 'closed' });
});

test('a dependency that fails leaves its stacked dependent blocked, with the reason', async () => {
  const handle = await startChain(40, 2);
  await waitPhase(handle, 42, 'pr-open');
  (pulls.get(141) as Pull).closed = true;
  await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
  const status = await statusOf(handle);
  expect(status.subissues.map((s) => s.phase)).toEqual(['failed', 'blocked']);
  expect(status.subissues[1].error).toBe('blocked: dependency #41 failed: PR #141 was closed without merging; its PR #142 stays open on subissue/41');
});

test('a dependency merged while the dependent\'s agent works: moved onto the base branch before its first push', async () => {
  let release = false;
  agentScript.set('subissue-52', async () => {
    while (!release) await sleep(100);
  });
  const handle = await startChain(50, 2);
  await waitPhase(handle, 51, 'pr-open');
  await waitPhase(handle, 52, 'agent');
  (pulls.get(151) as Pull).merged = true;
  await waitPhase(handle, 51, 'merged');
  await sleep(1000); // the parent's word reaches the dependent
  release = true;
  await waitPhase(handle, 52, 'pr-open');
  expect(stepsOf(52)).toEqual(['prepareWorktree subissue-52 origin/subissue/51', 'forkPoint subissue-52 origin/subissue/51',
    'runAgent subissue-52', 'rebaseOnto subissue-52 origin/main fork-of-subissue-52', 'commitAndPush subissue-52 origin/main force',
    'openPullRequest #152 main']);
  expect((await sub(handle, 52))?.stackedOn).toBeUndefined();
  (pulls.get(152) as Pull).merged = true;
  await expect(handle.result()).resolves.toMatchObject({ state: 'closed' });
});

test('with stacking off, a dependent waits for the merge and starts on the base branch', async () => {
  const handle = await startChain(60, 2, { stackedPrs: false });
  await waitPhase(handle, 61, 'pr-open');
  await sleep(1500);
  expect((await sub(handle, 62))?.phase).toBe('waiting');
  (pulls.get(161) as Pull).merged = true;
  await waitPhase(handle, 62, 'pr-open');
  expect(stepsOf(62)).toEqual(['prepareWorktree subissue-62 origin/main', 'runAgent subissue-62',
    'commitAndPush subissue-62 origin/main', 'openPullRequest #162 main']);
  (pulls.get(162) as Pull).merged = true;
  await expect(handle.result()).resolves.toMatchObject({ state: 'closed' });
});

test('a stop reaches a stacked subissue as a stop, not as a dependency failure', async () => {
  const handle = await startChain(70, 2);
  await waitPhase(handle, 72, 'pr-open');
  await handle.signal(stopSignal, { reason: 'test stop' });
  await expect(handle.result()).resolves.toMatchObject({ state: 'stopped' });
  expect((await statusOf(handle)).subissues.map((s) => s.phase)).toEqual(['stopped', 'stopped']);
  const child = stub.env.client.workflow.getHandle((await sub(handle, 72))?.workflowId as string);
  await expect(child.result()).rejects.toThrow();
  const { events: history } = await child.fetchHistory();
  expect((history ?? []).some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
});
