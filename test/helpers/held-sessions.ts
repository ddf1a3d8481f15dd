// Stub agent sessions a test holds and releases, on the real dev server (stub-worker.ts): the dispatcher's and the
// pueue controls' promises are observable as each session's start, end and cancellation (with the reason it was
// started again). Subissue numbers are the parent's number × 10 + place in the plan.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { parentWorkflowId } from '../../src/shared/ids.js';
import type { CreatedSubissue, Plan, PlannedSubissue, RepoRef } from '../../src/shared/types.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { waitFor } from './agent-bed.js';
import type { ActivityStubs } from './stub-activities.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from './stub-worker.js';

export interface SessionEvent { sub: number; kind: 'start' | 'end' | 'cancelled'; at: number; resumeReason?: string }

export interface HeldSessions {
  stub: StubWorkflowEnv;
  events: SessionEvent[];
  /** Their next session fails (the agent's own failure: not retried). */
  failNext: Set<number>;
  started(): number[];
  running(): number[];
  /** Until exactly these run; `debug` says what to print if they never do. */
  waitRunning(subs: number[], what: string, debug?: () => Promise<unknown>): Promise<void>;
  /** Lets the subissue's running session end well. */
  finish(sub: number): Promise<void>;
  startParent(issueNumber: number, subissues: PlannedSubissue[], extra?: Partial<ParentIssueInput>): ReturnType<StubWorkflowEnv['env']['client']['workflow']['start']>;
  close(): Promise<void>;
}

export const planned = (key: string, extra: Partial<PlannedSubissue> = {}): PlannedSubissue => ({ key, title: `Part ${key}`,
  estimatedHours: 1, priority: 'normal', description: 'd', acceptanceCriteria: ['a'], technicalContext: '', dependsOn: [], ...extra });

export async function startHeldSessions(taskQueue: string, repo: RepoRef, activities: ActivityStubs = {}): Promise<HeldSessions> {
  const events: SessionEvent[] = [];
  const release = new Map<number, () => void>();
  const failNext = new Set<number>();
  const subNumber = (label: string): number => Number(label.replace('subissue-', ''));
  const stub = await startStubWorkflowEnv(taskQueue, {
    fetchIssue: async ({ issueNumber }: { issueNumber: number }) => ({ number: issueNumber, id: 1000 + issueNumber,
      title: `Issue ${issueNumber}`, body: '', state: 'open', url: `https://example.test/${issueNumber}`, defaultBranch: 'main' }),
    createSubissues: async ({ parent, plan }: { parent: { number: number }; plan: Plan }): Promise<CreatedSubissue[]> =>
      plan.subissues.map((s, i) => ({ ...s, number: parent.number * 10 + i + 1, id: 1, url: 'https://example.test/s' })),
    runAgent: async ({ label, resumeReason }: { label: string; resumeReason?: string }) => {
      const sub = subNumber(label);
      events.push({ sub, kind: 'start', at: Date.now(), resumeReason });
      if (failNext.delete(sub)) {
        events.push({ sub, kind: 'end', at: Date.now() });
        throw ApplicationFailure.nonRetryable(`#${sub} went wrong`, 'AgentFailed');
      }
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), 200);
      try {
        await Promise.race([new Promise<void>((resolve) => release.set(sub, resolve)), ctx.cancelled]);
      } catch (err) {
        events.push({ sub, kind: 'cancelled', at: Date.now() });
        throw err instanceof CancelledFailure ? err : new CancelledFailure('cancelled');
      } finally {
        clearInterval(beat);
      }
      events.push({ sub, kind: 'end', at: Date.now() });
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], lastScreen: '', reattached: false };
    },
    reportProgress: async () => undefined,
    closeParentIssue: async () => undefined,
    ...activities,
  });
  const running = (): number[] => {
    const live = new Set<number>();
    for (const e of events) if (e.kind === 'start') live.add(e.sub); else live.delete(e.sub);
    return [...live];
  };
  return {
    stub,
    events,
    failNext,
    started: () => events.filter((e) => e.kind === 'start').map((e) => e.sub),
    running,
    waitRunning: (subs, what, debug) =>
      waitFor(what, async () => JSON.stringify(running().sort()) === JSON.stringify([...subs].sort())).catch(async (err) => {
        console.log('DEBUG', JSON.stringify(await debug?.()), JSON.stringify(events));
        throw err;
      }),
    async finish(sub) {
      await waitFor(`#${sub} to run`, async () => release.has(sub) && running().includes(sub));
      const done = release.get(sub) as () => void;
      release.delete(sub);
      done();
    },
    startParent(issueNumber, subissues, extra = {}) {
      const input: ParentIssueInput = { repo, issueNumber, plan: { subissues },
        settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '' }, ...extra };
      return stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue, workflowId: parentWorkflowId(repo, issueNumber), args: [input] });
    },
    close: () => stub.close(),
  };
}
