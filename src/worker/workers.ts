// The three Temporal workers of one ccp host, over one connection:
//  - shared queue: workflows + activities any host can run (GitHub, analyzer, claimHost);
//  - host queue: this machine's worktrees, pushes and pueue mirror;
//  - agent queue: agent sessions, at most one per tmux worker pane; how many run is the dispatcher's to say (the
//    host's live worker count), so the worker itself takes up to the most a host may have.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createAgentSessionActivities,
  createHostBoundActivities,
  createSharedActivities,
  type ActivityDeps,
} from '../activities/index.js';
import { MAX_WORKERS } from '../core/worker-count.js';
import { inflightLedger } from './inflight.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Prebuilt by `npm run build` (src/worker/bundle.ts): workers start without webpack. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(here, '..', '..', 'workflow-bundle.js');
export const WORKFLOWS_PATH = path.resolve(here, '..', 'workflows', 'index.js');

export type CcpQueueRole = 'shared' | 'host' | 'agents';

export interface CcpWorkersInput {
  /** Which of this host's queues to poll (default all three): e.g. a machine without panes runs only 'shared'. */
  roles?: CcpQueueRole[];
  connection: NativeConnection;
  namespace: string;
  sharedQueue: string;
  /** Agent sessions this worker runs at most at once (default MAX_WORKERS): fixed when the worker is made, so the
   * live limit is the dispatcher's count for the host and its panes, not this. */
  agentSlots?: number;
  deps: ActivityDeps;
  /** Where running activities are written down (src/worker/inflight.ts); the ccp worker process sets it. */
  inflightDir?: string;
}

export interface CcpWorkers {
  workers: Worker[];
  /** Runs until `shutdown()`; rejects if a worker fails. */
  run(): Promise<void>;
  shutdown(): void;
}

/** Newest modification time of the compiled code the workflow bundle is made of. */
function newestWorkflowSourceMs(): number {
  let newest = 0;
  for (const dir of ['workflows', 'shared', 'core'].map((d) => path.resolve(here, '..', d))) {
    for (const name of readdirSync(dir)) if (name.endsWith('.js')) newest = Math.max(newest, statSync(path.join(dir, name)).mtimeMs);
  }
  return newest;
}

/** The prebuilt bundle when it is up to date; else the workflow sources (bundled at start: slower, never stale). */
export function workflowSource(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const fresh = existsSync(WORKFLOW_BUNDLE_PATH) && statSync(WORKFLOW_BUNDLE_PATH).mtimeMs >= newestWorkflowSourceMs();
  return fresh ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } } : { workflowsPath: WORKFLOWS_PATH };
}

export async function createCcpWorkers(input: CcpWorkersInput): Promise<CcpWorkers> {
  const { connection, namespace, deps } = input;
  const roles = input.roles ?? ['shared', 'host', 'agents'];
  const options: Record<CcpQueueRole, () => WorkerOptions> = {
    shared: () => ({ taskQueue: input.sharedQueue, ...workflowSource(), activities: createSharedActivities(deps) }),
    host: () => ({ taskQueue: deps.queues.hostQueue, activities: createHostBoundActivities(deps) }),
    agents: () => ({
      taskQueue: deps.queues.agentQueue,
      activities: createAgentSessionActivities(deps),
      maxConcurrentActivityTaskExecutions: input.agentSlots ?? MAX_WORKERS,
      // `ccp down --drain` lets running sessions end; the other modes end them at once through the shutdown signal.
      shutdownGraceTime: '24 hours',
      // A cancellation (`ccp stop`, `ccp pause --now`) reaches a session with its next heartbeat sent to the server:
      // send them every 2 s, not every 24 s (0.8 × the heartbeat timeout), so the agent stops within seconds.
      maxHeartbeatThrottleInterval: '2 seconds',
    }),
  };
  const interceptors = input.inflightDir ? { activity: [inflightLedger(input.inflightDir)] } : undefined;
  const workers = await Promise.all(roles.map((role) =>
    Worker.create({ connection, namespace, ...options[role](), ...(interceptors ? { interceptors } : {}) })));
  return {
    workers,
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    },
  };
}
