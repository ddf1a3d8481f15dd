// Builds this host's real adapters from the configuration (the worker process and the tests share it).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActivityDeps } from '../activities/index.js';
import type { AgentAdapter } from '../agents/types.js';
import { createAgent } from '../agents/registry.js';
import { sessionFiles } from '../agents/claude-code/session-files.js';
import { createGitAdapter } from '../adapters/git.js';
import { createGitHubAdapter, resolveGitHubToken } from '../adapters/github.js';
import { createPueueAdapter } from '../adapters/pueue.js';
import { createTmuxAdapter, type TmuxAdapter, type WorkerPaneInput } from '../adapters/tmux.js';
import { ConfigError, taskQueues, type CcpConfig } from '../config/config.js';
import { findRepo } from '../config/repo.js';
import { toolPath } from '../config/tools.js';
import { shellQuote } from '../core/shell.js';

export function createTmuxFromConfig(config: CcpConfig): TmuxAdapter {
  return createTmuxAdapter({ socketPath: config.tmux.socket, configFile: config.tmux.configFile });
}

const CCP_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'ccp.js');

/** How this host's worker panes are made: in its tmux session, showing an idle banner until an agent takes one. */
export function workerPaneInput(config: CcpConfig): WorkerPaneInput {
  return {
    session: config.tmux.session,
    idleCommand: (worker) => `printf '\\n  ccp worker ${worker}: idle, waiting for a subissue\\n'; exec tail -f /dev/null`,
    cwd: config.repoPath,
  };
}

/** The tmux session of this host — pane 0 the dashboard (`ccp status --watch`), then `workers` idle worker panes
 * (default the configured count) — created, or completed with missing worker panes (`ccp up`, the live worker count
 * after a lost tmux server). */
export async function ensureWorkerSession(config: CcpConfig, tmux: TmuxAdapter = createTmuxFromConfig(config),
  workers = config.workers): Promise<void> {
  // No secrets in the dashboard's command line: it needs only where the stack is.
  const env = { CCP_HOME: config.home, CCP_TEMPORAL_ADDRESS: config.temporal.address,
    CCP_TEMPORAL_NAMESPACE: config.temporal.namespace };
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`);
  await tmux.ensureSession({
    ...workerPaneInput(config),
    workers,
    dashboardCommand: `env ${assignments.join(' ')} ${shellQuote(process.execPath)} ${shellQuote(CCP_BIN)} status --watch`,
  });
}

export function createPueueFromConfig(config: CcpConfig) {
  const agentsDir = path.join(config.paths.run, 'agents');
  return createPueueAdapter({ dir: config.paths.pueue, pueueBinary: toolPath('pueue'), pueuedBinary: toolPath('pueued'),
    paneLogTemplate: sessionFiles(agentsDir, '{label}').paneLog });
}

/** The configured agent (CCP_AGENT), as the worker runs it; `ccp plan` asks the same one. */
export function createAgentFromConfig(config: CcpConfig, tmux: TmuxAdapter = createTmuxFromConfig(config),
  workers: () => number = () => config.workers): AgentAdapter {
  return createAgent(config.agent.name, {
    command: config.agent.command,
    home: config.agent.home,
    seedHome: config.agent.home !== undefined,
    preTrustWorktrees: config.agent.preTrust,
    env: config.agent.env,
    permissionMode: config.agent.permissionMode,
    policyFile: config.agent.policyFile,
    auditLog: config.paths.approvals,
    stateDir: config.paths.state,
    worktreesDir: config.paths.worktrees,
    sandbox: config.agent.sandbox,
    needsYouTimeoutMs: (config.run.needsYouMinutes ?? 30) * 60_000,
    stallMs: config.agent.stallMinutes * 60_000,
    tmux,
    session: config.tmux.session,
    // A lost tmux server: the sessions that resume after it need their panes back.
    ensureSession: () => ensureWorkerSession(config, tmux, workers()),
    runDir: path.join(config.paths.run, 'agents'),
  });
}

/** `workers`: the host's live worker count (src/worker/live-workers.ts), for panes made again after a lost tmux server. */
export async function createAdaptersFromConfig(config: CcpConfig, env: NodeJS.ProcessEnv = process.env,
  workers?: () => number): Promise<ActivityDeps> {
  const token = await resolveGitHubToken(env);
  if (!token) {
    throw new ConfigError('no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or log in with `gh auth login`');
  }
  for (const dir of [config.paths.run, config.paths.worktrees, config.paths.logs]) mkdirSync(dir, { recursive: true });
  const queues = taskQueues(config);
  const tmux = createTmuxFromConfig(config);
  return {
    github: createGitHubAdapter({ token, baseUrl: config.github.apiUrl, throttle: config.github.throttle }),
    agent: createAgentFromConfig(config, tmux, workers),
    planTemplate: config.planTemplate,
    git: createGitAdapter(),
    pueue: createPueueFromConfig(config),
    queues: { hostId: queues.hostId, hostQueue: queues.hostQueue, agentQueue: queues.agentQueue },
    repoPath: config.repoPath,
    repo: await findRepo(config),
    worktreesDir: config.paths.worktrees,
  };
}
