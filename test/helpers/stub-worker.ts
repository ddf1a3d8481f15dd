// Workflow tests with stub activities (stub-activities.ts): the workflows' own logic, fast, without tmux, git or
// agents — on the real Temporal dev server (startStubWorkflowEnv) or on the time-skipping test server
// (startTimeSkippingStubEnv), where days of timers pass in seconds. Every activity call is journaled with the
// workflow time it started and ended at, so a test asserts order and delays in workflow time, never in real time.
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowSource } from '../../src/worker/workers.js';
import { currentSubissue, defaultActivities, type ActivityName, type ActivityStubs, type CcpActivities } from './stub-activities.js';
import { startTestTemporal, startTimeSkipping } from './temporal-env.js';

export interface ActivityCall {
  activity: ActivityName;
  workflowId: string;
  /** The subissue whose workflow called it; absent for the parent's own activities. */
  subissue?: number;
  attempt: number;
  input: unknown;
  /** Workflow time (the server's clock, ms since the epoch) when it started and when it ended. */
  startedAt: number;
  endedAt?: number;
  /** Its error's message, when it threw. */
  failed?: string;
}

export interface StubWorkflowEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  /** Every activity call in the order they started. */
  calls: ActivityCall[];
  /** The calls of one subissue (optionally of one activity), in order. */
  callsOf(subissue: number, activity?: ActivityName): ActivityCall[];
  close(): Promise<void>;
}

export async function startStubWorkflowEnv(taskQueue: string, activities: ActivityStubs,
  startServer: () => Promise<TestWorkflowEnvironment> = startTestTemporal): Promise<StubWorkflowEnv> {
  const env = await startServer();
  const calls: ActivityCall[] = [];
  const worker = await Worker.create({
    connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, ...workflowSource(),
    // Cancellations reach stub sessions within a second, as they reach real ones (src/worker/workers.ts).
    maxHeartbeatThrottleInterval: '1 second',
    activities: journaled({ ...defaultActivities(taskQueue), ...activities }, calls, () => env.currentTimeMs()),
  });
  const running = worker.run();
  return {
    env, taskQueue, calls,
    callsOf: (subissue, activity) => calls.filter((c) => c.subissue === subissue && (!activity || c.activity === activity)),
    close: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/** The same on the time-skipping test server (see startTimeSkipping for what it skips and what it lacks). */
export function startTimeSkippingStubEnv(taskQueue: string, activities: ActivityStubs): Promise<StubWorkflowEnv> {
  return startStubWorkflowEnv(taskQueue, activities, startTimeSkipping);
}

type AnyActivity = (...args: unknown[]) => Promise<unknown>;

function journaled(activities: CcpActivities, calls: ActivityCall[], clock: () => Promise<number>): Record<string, AnyActivity> {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, activity] of Object.entries(activities) as Array<[ActivityName, AnyActivity]>) {
    wrapped[name] = async (...args: unknown[]) => {
      const { info } = Context.current();
      const call: ActivityCall = { activity: name, workflowId: info.workflowExecution?.workflowId ?? '', subissue: currentSubissue(),
        attempt: info.attempt, input: args[0], startedAt: await clock() };
      calls.push(call);
      try {
        return await activity(...args);
      } catch (err) {
        call.failed = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        call.endedAt = await clock();
      }
    };
  }
  return wrapped;
}
