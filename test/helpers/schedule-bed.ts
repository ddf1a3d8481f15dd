// The fast test layer's bed for ccp's scheduling promises: parent workflows on the time-skipping test server with
// stub activities, each parent's subissues scripted per test, and when each subissue started and merged read back
// from the activity journal in workflow time. A new promise (delays, groups, a dispatcher) gets its test by
// scripting subissues and activities here and asserting on startedAt/mergedAt, never on real time.
import type { WorkflowHandle } from '@temporalio/client';
import { startParents, type StartOptions } from '../../src/client/parents.js';
import { parentStatusQuery, type ParentStatus } from '../../src/shared/messages.js';
import { DEFAULT_RUN_SETTINGS, type CreatedSubissue, type RepoRef, type RunSettings } from '../../src/shared/types.js';
import type { ParentOutcome } from '../../src/workflows/parent-issue.js';
import type { ActivityStubs } from './stub-activities.js';
import { startTimeSkippingStubEnv, type StubWorkflowEnv } from './stub-worker.js';

export const REPO: RepoRef = { owner: 'acme', repo: 'widgets' };
/** Real time a test may take: loose on purpose, a sanity check that time was skipped on a loaded 2-core machine (the
 * promises themselves are asserted in workflow time). */
export const REAL_TIME_BUDGET_MS = 120_000;

export interface ScheduleBed extends StubWorkflowEnv {
  /** Starts parent #issueNumber as `ccp start` does; its issue splits into `subissues` (what createSubissues returns). */
  startParent(issueNumber: number, subissues: CreatedSubissue[], settings?: Partial<RunSettings>, options?: StartOptions)
    : Promise<WorkflowHandle>;
  status(handle: WorkflowHandle): Promise<ParentStatus>;
  result(handle: WorkflowHandle): Promise<ParentOutcome>;
  /** Workflow time of the subissue's first activity (its claimHost): when it started. */
  startedAt(subissue: number): number | undefined;
  /** Workflow time its merge wait returned merged. */
  mergedAt(subissue: number): number | undefined;
  /** Workflow time now (the test server's clock). */
  now(): Promise<number>;
}

export async function startScheduleBed(taskQueue: string, activities: ActivityStubs = {}): Promise<ScheduleBed> {
  const plans = new Map<number, CreatedSubissue[]>();
  const stub = await startTimeSkippingStubEnv(taskQueue, {
    createSubissues: async ({ parent }) => plans.get(parent.number) ?? [],
    ...activities,
  });
  return {
    ...stub,
    startParent: async (issueNumber, subissues, settings = {}, options = {}) => {
      plans.set(issueNumber, subissues);
      // The serial way unless a test says otherwise: the promises here are about merges (stacked PRs: stacking.test.ts).
      const serial = { ...DEFAULT_RUN_SETTINGS, stackedPrs: false };
      const [started] = await startParents(stub.env.client, taskQueue, REPO, [issueNumber], { ...serial, ...settings }, options);
      if (!started.started) throw new Error(`parent #${issueNumber} not started: ${started.note}`);
      return stub.env.client.workflow.getHandle(started.workflowId);
    },
    status: (handle) => handle.query(parentStatusQuery),
    result: (handle) => handle.result() as Promise<ParentOutcome>,
    startedAt: (subissue) => stub.callsOf(subissue)[0]?.startedAt,
    mergedAt: (subissue) => stub.callsOf(subissue, 'waitForMerge').find((c) => c.endedAt !== undefined && !c.failed)?.endedAt,
    now: () => stub.env.currentTimeMs(),
  };
}
