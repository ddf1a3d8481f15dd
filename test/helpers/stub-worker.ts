// Workflow tests on the real Temporal dev server (the installed binary) with stub activities: the workflows'
// own logic, fast, without tmux, git or agents.
import { startTestTemporal } from './temporal-env.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowSource } from '../../src/worker/workers.js';
import { createDispatchActivities } from '../../src/activities/dispatch.js';

export interface StubWorkflowEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  close(): Promise<void>;
}

/** Host activities every subissue needs, doing nothing; a test overrides what it looks at. The dispatcher's own
 * activities are the real ones: they only talk to this Temporal. */
export const STUB_HOST_ACTIVITIES = {
  ...createDispatchActivities(),
  mirrorCreate: async () => undefined,
  mirrorLog: async () => undefined,
  mirrorFinish: async () => undefined,
  prepareWorktree: async ({ label }: { label: string }) => ({ path: `/tmp/${label}` }),
  removeWorktree: async () => undefined,
  commitAndPush: async () => ({ commits: 1 }),
  openPullRequest: async () => ({ number: 7, url: 'https://example.test/pull/7', merged: false }),
  waitForMerge: async () => ({ number: 7, url: 'https://example.test/pull/7', merged: true }),
};

export async function startStubWorkflowEnv(taskQueue: string, activities: object): Promise<StubWorkflowEnv> {
  const env = await startTestTemporal();
  const queues = { hostId: 'h', hostQueue: taskQueue, agentQueue: taskQueue };
  const worker = await Worker.create({
    connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, ...workflowSource(),
    // Cancellations reach stub sessions within a second, as they reach real ones (src/worker/workers.ts).
    maxHeartbeatThrottleInterval: '1 second',
    // A parent's issue has no sub-issues on GitHub unless a test says so: it is planned.
    activities: { claimHost: async () => queues, existingSubissues: async () => ({ found: 0, subissues: [] }),
      ...STUB_HOST_ACTIVITIES, ...activities },
  });
  const running = worker.run();
  return {
    env, taskQueue,
    close: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}
