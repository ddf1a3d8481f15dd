// ccp's configuration: environment variables (and CLI flags layered on top), validated with zod so bad input
// gets an error that says what to set. Secrets (tokens, API keys) are read here but never written anywhere.
import { existsSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_RUN_SETTINGS, type RunSettings } from '../shared/types.js';
import { AGENT_NAMES, type AgentName } from '../agents/names.js';

const positiveInt = (name: string) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be a whole number`).positive(`${name} must be at least 1`);

const envSchema = z.object({
  CCP_HOME: z.string().default(path.join(homedir(), '.ccp')),
  CCP_TEMPORAL_ADDRESS: z.string().optional(),
  CCP_TEMPORAL_PORT: positiveInt('CCP_TEMPORAL_PORT').default(7233),
  CCP_TEMPORAL_UI_PORT: positiveInt('CCP_TEMPORAL_UI_PORT').optional(),
  CCP_TEMPORAL_NAMESPACE: z.string().default('default'),
  CCP_TASK_QUEUE: z.string().default('ccp'),
  CCP_HOST_ID: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'CCP_HOST_ID may hold letters, digits, _ . -').default(hostname().replace(/[^A-Za-z0-9_.-]/g, '-')),
  CCP_WORKERS: positiveInt('CCP_WORKERS').max(32, 'CCP_WORKERS is at most 32 panes').default(3),
  CCP_TMUX_SESSION: z.string().default('claude-workers'),
  CCP_TMUX_SOCKET: z.string().optional(),
  CCP_TMUX_CONFIG: z.string().optional(),
  CCP_REPO: z.string().optional(),
  CCP_REPO_PATH: z.string().optional(),
  CCP_GITHUB_API_URL: z.string().url('CCP_GITHUB_API_URL must be a URL').optional(),
  CCP_GITHUB_THROTTLE: z.enum(['on', 'off']).default('on'),
  CCP_AGENT_COMMAND: z.string().optional(),
  CCP_AGENT_HOME: z.string().optional(),
  CCP_AGENT: z.enum(AGENT_NAMES, { error: `CCP_AGENT must be one of: ${AGENT_NAMES.join(', ')}` }).default('claude-code'),
  CCP_AGENT_PRETRUST: z.enum(['on', 'off']).default('on'),
  CCP_SANDBOX: z.enum(['on', 'off'], { error: 'CCP_SANDBOX must be on or off' }).default('on'),
  CCP_AGENT_PERMISSION_MODE: z.string().default('default'),
  CCP_POLICY_FILE: z.string().optional(),
  CCP_PLAN_TEMPLATE: z.string().optional(),
  CCP_MERGE_POLL_SECONDS: positiveInt('CCP_MERGE_POLL_SECONDS').default(DEFAULT_RUN_SETTINGS.mergePollSeconds),
  CCP_AGENT_TIMEOUT_MINUTES: positiveInt('CCP_AGENT_TIMEOUT_MINUTES').default(DEFAULT_RUN_SETTINGS.agentTimeoutMinutes),
  CCP_AGENT_ATTEMPTS: positiveInt('CCP_AGENT_ATTEMPTS').default(DEFAULT_RUN_SETTINGS.agentAttempts),
  CCP_NEEDS_YOU_MINUTES: positiveInt('CCP_NEEDS_YOU_MINUTES').default(DEFAULT_RUN_SETTINGS.needsYouMinutes ?? 30),
  // Minutes without progress before a session is nudged, and as many again before it is ended as stalled.
  CCP_STALL_MINUTES: z.coerce.number({ error: 'CCP_STALL_MINUTES must be a number of minutes' }).positive().default(10),
  CCP_BASE_BRANCH: z.string().default(DEFAULT_RUN_SETTINGS.baseBranch),
  // Finished pueue mirror tasks are removed this long after they ended, so pueue's cost stays flat over time.
  CCP_PUEUE_RETENTION_HOURS: z.coerce.number({ error: 'CCP_PUEUE_RETENTION_HOURS must be a number of hours' })
    .positive('CCP_PUEUE_RETENTION_HOURS must be more than 0').default(24),
  CCP_STACKED_PRS: z.enum(['on', 'off'], { error: 'CCP_STACKED_PRS must be on or off' }).default('on'),
});

/** Environment variables the agent receives (offline model server, API keys): passed through, never logged. */
export const AGENT_ENV_NAMES = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_MODEL'] as const;

export interface CcpConfig {
  home: string;
  temporal: { address: string; external: boolean; port: number; uiPort: number; namespace: string };
  taskQueue: string;
  hostId: string;
  workers: number;
  tmux: { session: string; socket?: string; configFile?: string };
  repo?: string;
  repoPath: string;
  github: { apiUrl?: string; throttle: boolean };
  agent: {
    /** Which agent runs the sessions (CCP_AGENT). */
    name: AgentName;
    /** Agent sessions run in the OS sandbox (CCP_SANDBOX, default on). */
    sandbox: boolean;
    command?: string;
    home?: string;
    preTrust: boolean;
    permissionMode: string;
    env: Record<string, string>;
    /** Approval policy (Claude Code rule syntax) on top of the default deny set; undefined = defaults only. */
    policyFile?: string;
    /** Minutes without progress before a session is nudged, then ended as stalled (CCP_STALL_MINUTES). */
    stallMinutes: number;
  };
  /** The planning prompt's template (CCP_PLAN_TEMPLATE, else $CCP_HOME/prompts/plan.md if there); undefined = ccp's. */
  planTemplate?: string;
  run: RunSettings;
  /** The pueue mirror: finished tasks are removed `retentionHours` after they ended (CCP_PUEUE_RETENTION_HOURS). */
  pueue: { retentionHours: number };
  paths: { state: string; logs: string; run: string; worktrees: string; pueue: string; temporalDb: string; approvals: string };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CcpConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const e = parsed.data;
  const home = path.resolve(e.CCP_HOME);
  const uiPort = e.CCP_TEMPORAL_UI_PORT ?? e.CCP_TEMPORAL_PORT + 1000;
  const agentEnv: Record<string, string> = {};
  for (const name of AGENT_ENV_NAMES) if (env[name]) agentEnv[name] = env[name] as string;
  return {
    home,
    temporal: {
      address: e.CCP_TEMPORAL_ADDRESS ?? `127.0.0.1:${e.CCP_TEMPORAL_PORT}`,
      external: e.CCP_TEMPORAL_ADDRESS !== undefined,
      port: e.CCP_TEMPORAL_PORT,
      uiPort,
      namespace: e.CCP_TEMPORAL_NAMESPACE,
    },
    taskQueue: e.CCP_TASK_QUEUE,
    hostId: e.CCP_HOST_ID,
    workers: e.CCP_WORKERS,
    tmux: { session: e.CCP_TMUX_SESSION, socket: e.CCP_TMUX_SOCKET, configFile: e.CCP_TMUX_CONFIG },
    repo: e.CCP_REPO,
    repoPath: path.resolve(e.CCP_REPO_PATH ?? cwd),
    github: { apiUrl: e.CCP_GITHUB_API_URL, throttle: e.CCP_GITHUB_THROTTLE === 'on' },
    agent: {
      name: e.CCP_AGENT,
      sandbox: e.CCP_SANDBOX === 'on',
      command: e.CCP_AGENT_COMMAND,
      home: e.CCP_AGENT_HOME,
      preTrust: e.CCP_AGENT_PRETRUST === 'on',
      permissionMode: e.CCP_AGENT_PERMISSION_MODE,
      env: agentEnv,
      // An explicit CCP_POLICY_FILE must exist; the default one is used when the user created it.
      stallMinutes: e.CCP_STALL_MINUTES,
      policyFile: e.CCP_POLICY_FILE ?? (existsSync(path.join(home, 'policy.json')) ? path.join(home, 'policy.json') : undefined),
    },
    // Like the policy file: an explicit one must exist, the default one is used when the user created it.
    planTemplate: e.CCP_PLAN_TEMPLATE
      ?? (existsSync(path.join(home, 'prompts', 'plan.md')) ? path.join(home, 'prompts', 'plan.md') : undefined),
    run: {
      mergePollSeconds: e.CCP_MERGE_POLL_SECONDS,
      agentTimeoutMinutes: e.CCP_AGENT_TIMEOUT_MINUTES,
      agentAttempts: e.CCP_AGENT_ATTEMPTS,
      needsYouMinutes: e.CCP_NEEDS_YOU_MINUTES,
      baseBranch: e.CCP_BASE_BRANCH,
      stackedPrs: e.CCP_STACKED_PRS === 'on',
    },
    pueue: { retentionHours: e.CCP_PUEUE_RETENTION_HOURS },
    paths: {
      state: home,
      logs: path.join(home, 'logs'),
      run: path.join(home, 'run'),
      worktrees: path.join(home, 'worktrees'),
      pueue: path.join(home, 'pueue'),
      temporalDb: path.join(home, 'temporal.sqlite'),
      approvals: path.join(home, 'approvals.jsonl'),
    },
  };
}

/** Queue names: the shared queue, and this host's own queues (worker-specific task queues pattern). */
export function taskQueues(config: Pick<CcpConfig, 'taskQueue' | 'hostId'>) {
  return {
    hostId: config.hostId,
    shared: config.taskQueue,
    hostQueue: `${config.taskQueue}@${config.hostId}`,
    agentQueue: `${config.taskQueue}@${config.hostId}:agents`,
  };
}
