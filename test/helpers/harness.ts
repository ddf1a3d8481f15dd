// An isolated, real ccp host for integration tests: Temporal dev server (installed binary, via
// @temporalio/testing), own pueued, tmux on its own socket, a scratch repo with a bare origin, the GitHub
// stand-in and the real Claude Code on the scripted model server — wired exactly as the worker process does.
import { startTestTemporal } from './temporal-env.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { ActivityDeps } from '../../src/activities/index.js';
import { createGitHubAdapter, type GitHubAdapter } from '../../src/adapters/github.js';
import type { TmuxAdapter } from '../../src/adapters/tmux.js';
import { loadConfig, type CcpConfig } from '../../src/config/config.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import type { RepoRef, RunSettings } from '../../src/shared/types.js';
import { createAdaptersFromConfig, createTmuxFromConfig } from '../../src/worker/adapters.js';
import { followWorkerCount, type LiveWorkers } from '../../src/worker/live-workers.js';
import { startMirrorReconciler, type MirrorReconciler } from '../../src/worker/mirror-reconciler.js';
import { createCcpWorkers, type CcpWorkers } from '../../src/worker/workers.js';
import { removeTestDir } from './test-dir.js';

export interface Harness {
  dir: string;
  config: CcpConfig;
  env: TestWorkflowEnvironment;
  offline: OfflineServices;
  deps: ActivityDeps;
  tmux: TmuxAdapter;
  /** The GitHub adapter a test uses to look at (and, as reviewer, merge in) the stand-in. */
  github: GitHubAdapter;
  repo: RepoRef;
  settings: RunSettings;
  /** The host's live worker count, followed by its panes as the worker process does (`ccp workers`). */
  liveWorkers: LiveWorkers;
  /** The worker's pueue mirror reconciler (ticks every second; `tick()` for a pass now). */
  mirror: MirrorReconciler;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  workers?: number;
  taskQueue?: string;
  /** How long the scripted model "thinks" per work turn (default 0): sessions that last long enough to watch. */
  paceMs?: number;
  /** More ccp configuration (e.g. CCP_AGENT_COMMAND for the bench's no-op agent), over the harness's own. */
  env?: Record<string, string>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync('/tmp/ccp-it-');
  const offline = await startOfflineServices(dir, { paceMs: options.paceMs });
  const config = loadConfig(
    {
      ...offline.env,
      CCP_HOME: path.join(dir, 'home'),
      CCP_TMUX_SOCKET: path.join(dir, 'tmux.sock'),
      CCP_TMUX_CONFIG: '/dev/null',
      CCP_TASK_QUEUE: options.taskQueue ?? 'ccp-test',
      CCP_HOST_ID: 'test-host',
      CCP_WORKERS: String(options.workers ?? 2),
      CCP_AGENT_PRETRUST: 'on',
      ...options.env,
    },
    dir,
  );
  const tmux = createTmuxFromConfig(config);
  const panes = { session: config.tmux.session, idleCommand: (n: number) => `echo worker ${n} idle; exec tail -f /dev/null`, cwd: dir };
  const ensureSession = (workers: number) => tmux.ensureSession({ ...panes, workers, dashboardCommand: 'exec tail -f /dev/null' });
  await ensureSession(config.workers);
  const live: { workers?: LiveWorkers } = {};
  const deps = await createAdaptersFromConfig(config, offline.env, () => live.workers?.current() ?? config.workers);
  await deps.pueue.ensureDaemon();

  const env = await startTestTemporal();
  let workers: CcpWorkers;
  let running: Promise<void>;
  try {
    workers = await createCcpWorkers({ connection: env.nativeConnection, namespace: env.namespace ?? 'default',
      sharedQueue: config.taskQueue, deps });
    running = workers.run();
  } catch (err) {
    await env.teardown();
    throw err;
  }
  // As the worker process: the host's count registered with the dispatcher, the panes following it.
  const following = new AbortController();
  const liveWorkers = live.workers = followWorkerCount({ client: env.client, taskQueue: config.taskQueue, hostId: config.hostId,
    workers: config.workers, tmux, panes, ensureSession, signal: following.signal, intervalMs: 500 });
  const settings: RunSettings = { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '' };
  const mirror = startMirrorReconciler({ client: env.client, pueue: deps.pueue, taskQueue: config.taskQueue,
    cwd: config.repoPath, retentionHours: config.pueue.retentionHours, settings });
  const [owner, name] = offline.env.CCP_REPO.split('/');
  return {
    dir,
    config,
    env,
    offline,
    deps,
    tmux,
    github: createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false }),
    repo: { owner, repo: name },
    settings,
    liveWorkers,
    mirror,
    stop: async () => {
      await mirror.stop();
      following.abort();
      await liveWorkers.done;
      workers.shutdown();
      await running.catch(() => undefined);
      await env.teardown();
      await tmux.killSession(config.tmux.session).catch(() => undefined);
      await deps.pueue.shutdown().catch(() => undefined);
      await offline.close();
      await removeTestDir(dir);
    },
  };
}
