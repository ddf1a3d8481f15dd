// `ccp up` / `ccp down`: the embedded stack of one host — Temporal dev server (unless CCP_TEMPORAL_ADDRESS),
// ccp's own pueued, the tmux session (pane 0 dashboard, panes 1..N workers) and the ccp worker process.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type CcpConfig } from '../config/config.js';
import { probeSandbox } from '../agents/claude-code/sandbox.js';
import { createPueueFromConfig, createTmuxFromConfig, ensureWorkerSession } from '../worker/adapters.js';
import { DEFAULT_MIRROR_GROUP } from '../core/mirror-targets.js';
import { runningPid, startDetached, stopByPidFile, waitUntil } from './processes.js';
import { Connection } from '@temporalio/client';
import { ensureCcpSearchAttributes } from './search-attributes.js';
import { ensureDevServer, stopDevServer } from './temporal-server.js';
import { workerReadyFile } from './worker-info.js';
import { writeShutdownMode, type ShutdownMode } from './shutdown-mode.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CCP_BIN = path.resolve(here, '..', '..', '..', 'bin', 'ccp.js');
const WORKER_MAIN = path.resolve(here, '..', 'worker', 'main.js');

export interface StackInfo {
  temporalAddress: string;
  webUi?: string;
  tmuxAttach: string;
  pueueStatus: string;
  workerLog: string;
}

function pidFiles(config: CcpConfig) {
  return {
    temporal: path.join(config.paths.run, 'temporal.pid'),
    worker: path.join(config.paths.run, 'worker.pid'),
    workerReady: workerReadyFile(config),
  };
}

export function stackInfo(config: CcpConfig): StackInfo {
  const tmux = config.tmux.socket ? `tmux -S ${config.tmux.socket}` : 'tmux';
  return {
    temporalAddress: config.temporal.address,
    webUi: config.temporal.external ? undefined : `http://127.0.0.1:${config.temporal.uiPort}`,
    tmuxAttach: `${tmux} attach -t ${config.tmux.session}`,
    pueueStatus: `pueue -c ${path.join(config.paths.pueue, 'pueue.yml')} status`,
    workerLog: path.join(config.paths.logs, 'worker.log'),
  };
}


/** The dashboard pane's command: `ccp status --watch` against this stack (no secrets needed, none passed). */
/**
 * Brings the stack up (each part only if not running). `workerEnv` is what the worker process runs with: the
 * caller's environment, which may carry GITHUB_TOKEN / ANTHROPIC_* for the worker (never written to disk).
 */
export async function up(config: CcpConfig, workerEnv: NodeJS.ProcessEnv, progress: (line: string) => void = () => undefined)
  : Promise<StackInfo> {
  // Agents are not started unconfined by accident: a missing sandbox stops `up` before anything runs.
  if (config.agent.sandbox) {
    const probe = await probeSandbox();
    if (!probe.available) {
      throw new ConfigError(`the agent sandbox is unavailable: ${probe.reason}. ccp does not start agents without it; `
        + 'fix that, or set CCP_SANDBOX=off to run agents unconfined (the approval policy still decides every tool use).');
    }
  }
  for (const dir of [config.home, config.paths.logs, config.paths.run, config.paths.pueue]) mkdirSync(dir, { recursive: true });
  const pids = pidFiles(config);
  if (!config.temporal.external) {
    progress(`Temporal dev server on 127.0.0.1:${config.temporal.port} (state in ${config.paths.temporalDb})`);
    await ensureDevServer({
      port: config.temporal.port,
      uiPort: config.temporal.uiPort,
      dbFile: config.paths.temporalDb,
      logFile: path.join(config.paths.logs, 'temporal.log'),
      pidFile: pids.temporal,
      cwd: config.home,
    });
  }

  await checkSearchAttributes(config, progress);

  progress('pueued (the queue mirror)');
  const pueue = createPueueFromConfig(config);
  await pueue.ensureDaemon();
  await pueue.ensureGroup(DEFAULT_MIRROR_GROUP);

  if (runningPid(pids.worker) === undefined) {
    // A running worker keeps its panes to its live count itself (src/worker/live-workers.ts).
    progress(`tmux session ${config.tmux.session} with ${config.workers} worker panes`);
    await ensureWorkerSession(config);
    progress('the ccp worker');
    rmSync(pids.workerReady, { force: true });
    const logFile = path.join(config.paths.logs, 'worker.log');
    startDetached({
      command: process.execPath,
      args: [WORKER_MAIN],
      env: { ...workerEnv, CCP_HOME: config.home, CCP_WORKERS: String(config.workers) },
      cwd: config.repoPath,
      logFile,
      pidFile: pids.worker,
    });
    await waitUntil(
      'the ccp worker to connect',
      () => {
        if (runningPid(pids.worker) === undefined) throw new Error(`the ccp worker exited: see ${logFile}`);
        return existsSync(pids.workerReady);
      },
      60_000,
      `see ${logFile}`,
    );
  }
  return stackInfo(config);
}

/** Before any worker runs: workflows setting a search attribute the namespace lacks would fail every task. */
async function checkSearchAttributes(config: CcpConfig, progress: (line: string) => void): Promise<void> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 5000 });
  } catch (err) {
    throw new Error(`cannot reach Temporal at ${config.temporal.address}` +
      `${config.temporal.external ? ' (CCP_TEMPORAL_ADDRESS)' : ''}: ${(err as Error).message}`);
  }
  try {
    const { added } = await ensureCcpSearchAttributes(connection.operatorService, config.temporal);
    // A dev server an older ccp started (its SQLite file) lacks them: start-dev registers them only in a new file.
    if (added.length > 0) progress(`ccp's search attributes on the dev server (${added.join(', ')} were missing)`);
  } finally {
    await connection.close();
  }
}

/**
 * Stops what `up` started, in reverse order; parts already down are skipped. `mode` says what running agent
 * sessions do (src/stack/shutdown-mode.ts): by default they keep running in the tmux session, which then stays.
 */
export async function down(config: CcpConfig, mode: ShutdownMode = 'detach', progress: (line: string) => void = () => undefined)
  : Promise<string[]> {
  const stopped: string[] = [];
  const pids = pidFiles(config);
  if (runningPid(pids.worker) !== undefined) {
    writeShutdownMode(config.paths.run, mode);
    if (mode === 'drain') progress('waiting for the running agent sessions to end (no new ones start)');
    // Drain waits as long as a session may run; the others end the sessions' watch at once.
    const grace = mode === 'drain' ? (config.run.agentTimeoutMinutes + 5) * 60_000 : 20_000;
    if (await stopByPidFile(pids.worker, grace)) stopped.push('worker');
  }
  const tmux = createTmuxFromConfig(config);
  if (await tmux.hasSession(config.tmux.session)) {
    const busy = (await tmux.listPanes(config.tmux.session)).filter((p) => p.role === 'worker' && p.task && !p.dead);
    if (mode === 'detach' && busy.length > 0) {
      progress(`${busy.length} agent${busy.length === 1 ? '' : 's'} keep${busy.length === 1 ? 's' : ''} working in tmux ` +
        `session ${config.tmux.session}; \`ccp up\` re-attaches (\`ccp down --now\` stops them)`);
    } else {
      await tmux.killSession(config.tmux.session);
      stopped.push(`tmux session ${config.tmux.session}`);
    }
  }
  if (existsSync(path.join(config.paths.pueue, 'pueue.yml'))) {
    await createPueueFromConfig(config).shutdown();
    stopped.push('pueued');
  }
  if (!config.temporal.external && (await stopDevServer(pids.temporal))) stopped.push('temporal dev server');
  return stopped;
}
