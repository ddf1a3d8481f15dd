// The ccp worker process (`ccp up` starts it in the background): polls this host's task queues until SIGTERM.
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DETACHED_MARKER } from '../agents/claude-code/hook.js';
import { stopLeftoverChildren } from '../agents/print-children.js';
import { sweepPrintRuns } from '../agents/print-runs.js';
import { takeShutdownMode, type ShutdownMode } from '../stack/shutdown-mode.js';
import { loadConfig } from '../config/config.js';
import { workerReadyFile, type WorkerInfo } from '../stack/worker-info.js';
import { Client } from '@temporalio/client';
import { createAdaptersFromConfig, createTmuxFromConfig, ensureWorkerSession, workerPaneInput } from './adapters.js';
import { followWorkerCount, type LiveWorkers } from './live-workers.js';
import { startMirrorReconciler } from './mirror-reconciler.js';
import { createCcpWorkers } from './workers.js';
import { releaseLostActivities } from './inflight.js';
import { ensureCcpSearchAttributes } from '../stack/search-attributes.js';
import { collectGarbage } from '../client/gc.js';

const config = loadConfig();
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
const readyFile = workerReadyFile(config);
// `ccp down` decides what running agent sessions do when this worker stops (see src/stack/shutdown-mode.ts).
const stopping = new AbortController();
const following = new AbortController();
let shutdownMode: ShutdownMode = 'detach';
const agentsDir = path.join(config.paths.run, 'agents');
// Set once the count is followed (below): panes made again after a lost tmux server take it.
const live: { workers?: LiveWorkers } = {};
const deps = { ...await createAdaptersFromConfig(config, process.env, () => live.workers?.current() ?? config.workers),
  shutdown: { signal: stopping.signal, mode: () => (shutdownMode === 'now' ? 'now' as const : 'detach' as const) } };
await deps.pueue.ensureDaemon();
mkdirSync(agentsDir, { recursive: true });
const connection = await NativeConnection.connect({ address: config.temporal.address });
try {
  await ensureCcpSearchAttributes(connection.operatorService, config.temporal);
} catch (err) {
  // Polling now would fail every workflow task that sets them: say what to do and stop (`ccp up` shows the log).
  console.error(`ccp worker: ${err instanceof Error ? err.message : String(err)}`);
  await connection.close();
  process.exit(1);
}
const ccp = await createCcpWorkers({
  connection,
  namespace: config.temporal.namespace,
  sharedQueue: config.taskQueue,
  deps,
  inflightDir: path.join(config.paths.run, 'inflight'),
});
// A dead worker's planning runs stay for the retried step to take over, unless nobody can: stop those (and any an
// older ccp left untracked, which would ask the model a second time beside the retry).
for (const pid of [...stopLeftoverChildren(agentsDir), ...await sweepPrintRuns(agentsDir)]) {
  console.log(`stopped a print-mode agent (pid ${pid}) a dead worker left`);
}
// Agents this worker left running wait (their hooks) for the next worker; it is here now.
rmSync(path.join(agentsDir, DETACHED_MARKER), { force: true });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdownMode = takeShutdownMode(config.paths.run);
    console.log(`stopping (${shutdownMode})`);
    if (shutdownMode === 'detach') writeFileSync(path.join(agentsDir, DETACHED_MARKER), `${new Date().toISOString()}\n`);
    // drain: no abort — the agents worker's long grace time lets running sessions end; nothing new is polled.
    if (shutdownMode !== 'drain') stopping.abort();
    following.abort();
    ccp.shutdown();
  });
}
const client = new Client({ connection, namespace: config.temporal.namespace });
// This host's worker count: registered with the dispatcher, then followed by the tmux panes (`ccp workers`).
const tmux = createTmuxFromConfig(config);
const liveWorkers = live.workers = followWorkerCount({
  client, taskQueue: config.taskQueue, hostId: config.hostId, workers: config.workers, tmux,
  panes: workerPaneInput(config), ensureSession: (workers) => ensureWorkerSession(config, tmux, workers),
  signal: following.signal, log: (line) => console.log(line),
});
// What a worker killed with -9 was running is retried now, not after its heartbeat timeout.
releaseLostActivities(path.join(config.paths.run, 'inflight'), client)
  .then((released) => {
    for (const a of released) console.log(`retrying ${a.activityType} of ${a.workflowId} (its worker pid ${a.pid} died)`);
  })
  .catch((err: unknown) => console.error(`could not release a dead worker's activities (they retry on timeout): ${String(err)}`));
// Workspaces of subissues that ended meanwhile (failed, stopped, crash leftovers) go by themselves; unsaved work stays.
collectGarbage({ client, git: deps.git, repoPath: config.repoPath, worktreesDir: config.paths.worktrees })
  .then((gc) => {
    if (gc.removed.length > 0) console.log(`removed ${gc.removed.length} finished workspace(s): ${gc.removed.join(', ')}`);
  })
  .catch((err: unknown) => console.error(`workspace clean-up failed (nothing lost): ${String(err)}`));
// What this worker serves: `ccp start` checks it before starting work this worker cannot do.
const info: WorkerInfo = { pid: process.pid, repo: deps.repo, repoPath: config.repoPath, workers: config.workers };
writeFileSync(readyFile, `${JSON.stringify(info)}\n`);
// pueue mirrors Temporal: brought in line every second (and rebuilt when pueued lost its state).
const mirror = startMirrorReconciler({ client, pueue: deps.pueue, taskQueue: config.taskQueue, cwd: config.repoPath,
  retentionHours: config.pueue.retentionHours, settings: config.run });
try {
  await ccp.run();
} finally {
  following.abort();
  await liveWorkers.done;
  await mirror.stop();
  rmSync(readyFile, { force: true });
  await connection.close();
}
