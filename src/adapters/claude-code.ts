// Claude Code as ccp's agent: print mode for the analyzer (`ask`), and visible interactive sessions in tmux worker
// panes (`runSession`) whose dialogs ccp answers by policy. See pane-watcher.ts for the session loop and
// claude-code-files.ts for what the pane runs.
import { execa } from 'execa';
import type { AgentAdapter, AgentSessionRequest, AgentSessionResult, AskRequest, ClaudeCodeOptions } from './agent.js';
import { AGENT_BASE_ENV, seedClaudeHome, sessionFiles, writeSessionFiles } from './claude-code-files.js';
import { claimPane, PaneClaimAborted, releasePane } from './pane-pool.js';
import { shellQuote } from '../core/shell.js';
import { watchSession } from './pane-watcher.js';
import { claudeCodeBinary } from '../config/tools.js';
import { redactSecrets } from '../core/env-scrub.js';

const DEFAULT_POLL_MS = 300;
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class AgentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentError';
  }
}

export function createClaudeCodeAgent(options: ClaudeCodeOptions): AgentAdapter {
  const command = options.command ?? claudeCodeBinary();
  const permissionMode = options.permissionMode ?? 'default';
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const agentEnv: Record<string, string> = {
    ...AGENT_BASE_ENV,
    ...(options.env ?? {}),
    ...(options.home ? { HOME: options.home } : {}),
  };
  const apiKey = options.env?.ANTHROPIC_API_KEY;

  /** Nothing from the agent's environment may reach an error message (they end up in logs and on GitHub). */
  const redact = (text: string): string => {
    let out = text;
    for (const value of Object.values(options.env ?? {})) {
      if (value.length >= 4) out = out.split(value).join('***');
    }
    return redactSecrets(out, { ...process.env, ...(options.env ?? {}) });
  };

  const seed = async (worktree?: string): Promise<void> => {
    if (!options.home || !options.seedHome) return;
    await seedClaudeHome({
      home: options.home,
      trustedWorktrees: options.preTrustWorktrees && worktree ? [worktree] : [],
      // Pre-answering the key dialog belongs with pre-trust: both skip start-up dialogs the watcher can answer.
      approvedApiKey: options.preTrustWorktrees ? apiKey : undefined,
    });
  };

  return {
    async ask(request: AskRequest): Promise<string> {
      await seed(request.cwd);
      const env: Record<string, string | undefined> = { ...process.env, ...agentEnv };
      delete env.CLAUDECODE;
      const result = await execa(command, [...(options.extraArgs ?? []), '-p', '--output-format', 'json',
        '--permission-mode', permissionMode, request.prompt], {
        cwd: request.cwd, env, extendEnv: false, stdin: 'ignore', timeout: request.timeoutMs, reject: false,
      });
      if (result.timedOut) throw new AgentError(`agent print mode timed out after ${request.timeoutMs} ms`);
      let parsed: { is_error?: boolean; result?: string; subtype?: string; errors?: unknown } | undefined;
      try {
        parsed = JSON.parse(String(result.stdout)) as typeof parsed;
      } catch {
        parsed = undefined;
      }
      if (result.exitCode !== 0 || !parsed || parsed.is_error || typeof parsed.result !== 'string') {
        const detail = parsed
          ? [parsed.subtype === 'success' ? '' : `${parsed.subtype ?? 'error'}: `,
            parsed.result ?? JSON.stringify(parsed.errors ?? '')].join('')
          : String(result.stderr || result.stdout).trim().slice(-500);
        throw new AgentError(redact(`agent print mode failed (exit ${result.exitCode ?? 'none'}): ${detail}`));
      }
      return parsed.result;
    },

    async runSession(request: AgentSessionRequest): Promise<AgentSessionResult> {
      if (!LABEL_PATTERN.test(request.label)) throw new AgentError(`invalid session label "${request.label}"`);
      const { tmux, session } = options;
      request.onProgress?.({ phase: 'claiming-pane', approvals: 0 });
      let paneId: string;
      try {
        paneId = await claimPane({ tmux, session, label: request.label, signal: request.signal });
      } catch (err) {
        if (err instanceof PaneClaimAborted) {
          return { paneId: '', exitCode: null, endedBy: 'cancelled', approvals: [], lastScreen: '' };
        }
        throw err;
      }
      const files = sessionFiles(options.runDir, request.label);
      try {
        request.onProgress?.({ phase: 'starting', paneId, approvals: 0 });
        await seed(request.worktree);
        await writeSessionFiles({
          files, worktree: request.worktree, prompt: request.prompt, env: agentEnv,
          argv: [command, ...(options.extraArgs ?? []), '--permission-mode', permissionMode,
            '--settings', files.settings],
        });
        await tmux.setPaneTitle(paneId, `${request.label}: running`);
        // pipe-pane needs a live pane (the last session's is dead) and survives respawn-pane: a placeholder first,
        // so the log has the agent's output from its first byte.
        await tmux.respawnPane(paneId, `printf '%s\\n' ${shellQuote(`[ccp] ${request.label}: starting`)}; exec sleep 60`,
          request.worktree);
        await tmux.pipePaneTo(paneId, files.paneLog);
        await tmux.respawnPane(paneId, `sh ${shellQuote(files.wrapper)}`, request.worktree);
        const result = await watchSession({
          tmux, session, paneId, label: request.label, files, timeoutMs: request.timeoutMs, pollIntervalMs,
          signal: request.signal, onProgress: request.onProgress,
        });
        request.onProgress?.({ phase: 'done', paneId, approvals: result.approvals.length });
        return { paneId, ...result };
      } finally {
        // The last screen stays visible (remain-on-exit) until the pane's next session.
        await tmux.setPaneTitle(paneId, `idle (last: ${request.label})`).catch(() => undefined);
        await releasePane(tmux, session, paneId).catch(() => undefined);
      }
    },
  };
}
