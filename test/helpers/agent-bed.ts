// The Claude Code agent adapter's test bed, everything real: tmux on an isolated socket, git repos, the pinned Claude
// Code CLI, and ccp's scripted model server standing in for the Messages API.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { AgentAdapter, AgentSessionRequest, ClaudeCodeOptions } from '../../src/agents/types.js';
import { createClaudeCodeAgent } from '../../src/agents/claude-code/agent.js';
import { createTmuxAdapter, type TmuxAdapter } from '../../src/adapters/tmux.js';
import { buildSubissuePrompt } from '../../src/core/prompts.js';
import type { CreatedSubissue } from '../../src/shared/types.js';
import { startModelServer, type ModelServer } from '../../src/standin/model/index.js';
import { detectDialog, type Dialog } from '../../src/agents/claude-code/dialogs.js';
import { loadSessionPolicy, type SessionPolicy } from '../../src/agents/policy-port.js';
import { removeTestDir } from './test-dir.js';

export const SESSION = 'ccp-agents';
export const REPO = { owner: 'acme', repo: 'widgets' };
export const API_KEY = 'sk-ant-test-NEVER-SHOWN-4f1d2c3b4a5968778695a4b3';

export interface AgentBed {
  dir: string;
  socketPath: string;
  /** The bed's tmux adapter; every key sent through it is in `keys`. */
  tmux: TmuxAdapter;
  keys: Array<{ paneId: string; keys: string[] }>;
  model: ModelServer;
  /** `tmux` arguments that reach the bed's server. */
  tmuxArgs: string[];
  /** Adapter options every test starts from (seeded offline home, pre-trusted worktrees, the model server). */
  options(overrides?: Partial<ClaudeCodeOptions>): ClaudeCodeOptions;
  agent(overrides?: Partial<ClaudeCodeOptions>): AgentAdapter;
  makeRepo(name: string): Promise<string>;
  /** Creates the bed's tmux session (dashboard + worker panes) when it is gone, e.g. after a killed server. */
  ensureSession(): Promise<void>;
  /** A pane's format variable, e.g. "@ccp_task" or "pane_pid". */
  paneVar(paneId: string, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startAgentBed(workers = 2): Promise<AgentBed> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccp-agent-'));
  const socketPath = path.join(dir, 'sock');
  const real = createTmuxAdapter({ socketPath, configFile: '/dev/null' });
  const keys: AgentBed['keys'] = [];
  const tmux: TmuxAdapter = { ...real, socketPath,
    hasSession: (session) => real.hasSession(session),
    sendKeys: async (paneId, ...sent) => {
      keys.push({ paneId, keys: sent });
      await real.sendKeys(paneId, ...sent);
    } };
  const ensureSession = () => tmux.ensureSession({ session: SESSION, workers, cwd: dir,
    dashboardCommand: 'echo dashboard; sleep 3600', idleCommand: (i) => `echo worker ${i} idle; sleep 3600` });
  await ensureSession();
  const model = await startModelServer();
  const tmuxArgs = ['-S', socketPath, '-f', '/dev/null'];
  const options = (overrides: Partial<ClaudeCodeOptions> = {}): ClaudeCodeOptions => ({
    tmux, session: SESSION, runDir: path.join(dir, 'run'), home: path.join(dir, 'home'), seedHome: true,
    preTrustWorktrees: true, env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: API_KEY }, ...overrides,
  });
  return {
    dir, socketPath, tmux, keys, model, tmuxArgs, options, ensureSession,
    agent: (overrides) => createClaudeCodeAgent(options(overrides)),
    async makeRepo(name) {
      const repo = path.join(dir, name);
      await execa('git', ['init', '-q', '-b', 'main', repo]);
      const git = (...args: string[]) => execa('git', ['-C', repo, ...args]);
      await git('config', 'user.email', 'ccp@example.com');
      await git('config', 'user.name', 'ccp test');
      await execa('sh', ['-c', 'echo "# widgets" > README.md'], { cwd: repo });
      await git('add', '-A');
      await git('commit', '-q', '-m', 'initial');
      return repo;
    },
    async paneVar(paneId, name) {
      return (await execa('tmux', [...tmuxArgs, 'display-message', '-p', '-t', paneId, `#{${name}}`])).stdout;
    },
    async close() {
      await model.close();
      await execa('tmux', [...tmuxArgs, 'kill-server'], { reject: false });
      await removeTestDir(dir);
    },
  };
}

export const commits = async (repo: string): Promise<string[]> =>
  (await execa('git', ['-C', repo, 'log', '--format=%s'])).stdout.split('\n');

export { subissue } from './stub-activities.js';

export const sessionRequest = (label: string, worktree: string, sub: CreatedSubissue): AgentSessionRequest =>
  ({ label, worktree, prompt: buildSubissuePrompt(REPO, 1, sub), timeoutMs: 60_000 });

/** Polls `check` until it holds; fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Samples the panes' screens every `everyMs` until stopped; returns every dialog seen (pane, kind, title). */
export function sampleDialogs(tmux: TmuxAdapter, paneIds: () => Promise<string[]>, everyMs = 150) {
  const seen: Array<{ paneId: string; dialog: Dialog }> = [];
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const paneId of await paneIds()) {
        const dialog = detectDialog(await tmux.capturePane(paneId).catch(() => ''));
        samples++;
        if (dialog) seen.push({ paneId, dialog });
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return { seen, samples: () => samples, stop: async () => { running = false; await loop; return seen; } };
}

/** The default policy, except that a Bash command containing `marker` is asked about (needs-you) — a request the
 * policy cannot classify, made deterministic for tests. */
export function askingPolicy(marker: string, base: SessionPolicy = loadSessionPolicy()): SessionPolicy {
  return { ...base, evaluate(request, context) {
    const command = request.input.command;
    if (request.tool === 'Bash' && typeof command === 'string' && command.includes(marker)) {
      return { decision: 'ask', reason: `ccp policy: cannot classify ${marker}`, category: 'unknown' };
    }
    return base.evaluate(request, context);
  } };
}

export interface ToolResultBlock {
  type: string;
  tool_use_id?: string;
  is_error?: boolean;
  content?: unknown;
}

/** Every tool result the model was sent so far (repeated across requests), e.g. to find one by its tool_use_id. */
export function toolResults(model: ModelServer): ToolResultBlock[] {
  const bodies = model.bodies as Array<{ messages?: Array<{ content: unknown }> }>;
  return bodies.flatMap((b) => b.messages ?? [])
    .flatMap((m) => (Array.isArray(m.content) ? m.content : []) as ToolResultBlock[])
    .filter((b) => b.type === 'tool_result');
}

/** The tool result for one scripted step (`toolu_ccp_<subissue>_<step>`). */
export const toolResult = (model: ModelServer, subissueNumber: number, step: number): ToolResultBlock | undefined =>
  toolResults(model).find((b) => b.tool_use_id === `toolu_ccp_${subissueNumber}_${step}`);
