// Claude Code as ccp's agent: print mode for the analyzer (`ask`), and visible interactive sessions in tmux worker
// panes (`runSession`): ccp's hook asks the session's approval channel about every tool use (decider.ts judges it),
// the OS sandbox confines its commands, and the pane watcher (pane-watcher.ts) answers the dialogs hooks cannot.
// session-files.ts and session-setup.ts make what the pane runs.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { statSync } from 'node:fs';
import { SessionLost, type AgentAdapter, type AgentProgress, type AgentSessionRequest, type AgentSessionResult,
  type ApprovalRecord, type AskRequest, type ClaudeCodeOptions } from '../types.js';
import { appendApproval } from '../../policy/policy-file.js';
import { AGENT_BASE_ENV, readExitCode, readHookEventPositions, seedClaudeHome, sessionFiles, writeSessionFiles,
  type SessionFiles } from './session-files.js';
import { claimPane, forgetClaim, PaneClaimAborted, releasePane, type ClaimedPane } from '../pane-pool.js';
import { watchSession } from './pane-watcher.js';
import { runPrint } from '../print-runs.js';
import { checkLimitGate, limitGateFile } from './limits.js';
import type { TmuxAdapter } from '../../adapters/tmux.js';
import { claudeCodeBinary } from '../../config/tools.js';
import { redactSecrets } from '../../core/env-scrub.js';
import { loadSessionPolicy, policyReady, TRUST_TOOL } from '../policy-port.js';
import { createDecider, type Decider } from '../decider.js';
import { sessionSecret, startApprovalChannel, type ApprovalChannel } from '../approval-channel.js';
import { configuresCommands, decisionHook, policyContext, sandboxFor } from './session-setup.js';
import { resumeOffset } from './session-events.js';
import { shellQuote } from '../../core/shell.js';
import { conversationStart, projectsDir } from './resume.js';

const DEFAULT_POLL_MS = 300;
const DEFAULT_STALL_MS = 10 * 60_000;
// Normally a pane is free whenever this worker has a free slot; waiting longer means a crashed worker left panes
// labelled, and the slot is better given back (the caller retries) so the re-attaching session can get it.
const DEFAULT_PANE_WAIT_MS = 10_000;
// Longer than a dead worker's heartbeat timeout plus retry backoff: by then its session would have come back.
const ABANDONED_AFTER_MS = 5 * 60_000;

/** Milliseconds since `file` last changed (Infinity when it does not exist). */
function idleFor(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}
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
  // Read once: a bad policy file stops the worker at start, not each session.
  const policy = options.policy ?? loadSessionPolicy(options.policyFile);
  const hooks = options.hooks ?? true;
  const preTrust = options.preTrustWorktrees ?? true;
  const agentHome = options.home ?? homedir();
  const redactRecord = (text: string): string => redactSecrets(text, { ...process.env, ...(options.env ?? {}) });
  const projects = projectsDir(agentHome, agentEnv);
  // Sessions of this process that find the tmux session gone recreate it once, together.
  let ensuring: Promise<void> | undefined;
  const ensureSession = async (): Promise<void> => {
    if (!options.ensureSession || await options.tmux.hasSession(options.session)) return;
    ensuring ??= options.ensureSession().finally(() => { ensuring = undefined; });
    await ensuring;
  };

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
      trustedWorktrees: preTrust && worktree && !configuresCommands(worktree) ? [worktree] : [],
      // Pre-answering the key dialog belongs with pre-trust: both skip start-up dialogs the watcher can answer.
      approvedApiKey: preTrust ? apiKey : undefined,
    });
  };

  return {
    async ask(request: AskRequest): Promise<string> {
      await seed(request.cwd);
      const env: Record<string, string | undefined> = { ...process.env, ...agentEnv };
      delete env.CLAUDECODE;
      // The prompt goes by stdin (a file): an issue body of any size would overflow a command-line argument. The
      // run outlives this worker; a retry with the same key takes it over instead of asking the model again.
      const result = await runPrint({
        dir: options.runDir, key: request.key, command, cwd: request.cwd, env, input: request.prompt,
        args: [...(options.extraArgs ?? []), '-p', '--output-format', 'json', '--permission-mode', permissionMode],
        timeoutMs: request.timeoutMs, signal: request.signal,
      });
      if (result.endedBy === 'cancelled') throw new AgentError('agent print mode cancelled');
      if (result.endedBy === 'timeout') throw new AgentError(`agent print mode timed out after ${request.timeoutMs} ms`);
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
      await policyReady();
      const { tmux, session, auditLog } = options;
      request.onProgress?.({ phase: 'claiming-pane', approvals: 0 });
      // A usage limit holds every new session of this host until its reset (the caller retries then).
      await checkLimitGate(options.runDir, request.label, () => tmux.listPanes(session));
      let claimed: ClaimedPane;
      try {
        await ensureSession();
        claimed = await claimPane({
          tmux,
          session,
          label: request.label,
          signal: request.detach && request.signal ? AbortSignal.any([request.signal, request.detach])
            : request.detach ?? request.signal,
          maxWaitMs: options.paneWaitMs ?? DEFAULT_PANE_WAIT_MS,
          // A dead pane left labelled by a crashed worker, whose session nobody came back for: free it.
          reclaimable: (pane) => pane.dead && idleFor(sessionFiles(options.runDir, pane.task).paneLog) > ABANDONED_AFTER_MS,
        });
      } catch (err) {
        if (err instanceof PaneClaimAborted) {
          return { paneId: '', exitCode: null, endedBy: request.detach?.aborted ? 'detached' : 'cancelled', approvals: [], lastScreen: '', reattached: false };
        }
        throw await lostOr(err, request.label);
      }
      const paneId = claimed.id;
      const files = sessionFiles(options.runDir, request.label);
      let channel: ApprovalChannel | undefined;
      let endedBy: AgentSessionResult['endedBy'] | undefined;
      let resumed = false;
      try {
        // A worker process that died left this pane labelled: take its session over rather than start the agent
        // again (which would redo its work and its side effects).
        const earlier = claimed.wasLabelled ? await earlierSession(tmux, session, paneId, files) : undefined;
        if (earlier?.ended) {
          request.onProgress?.({ phase: 'done', paneId, approvals: 0 });
          return { paneId, exitCode: earlier.exitCode, endedBy: 'exit', approvals: [], reattached: true,
            lastScreen: await tmux.capturePane(paneId).catch(() => '') };
        }
        const context = policyContext({ label: request.label, worktree: request.worktree, home: agentHome,
          stateDir: options.stateDir, worktreesDir: options.worktreesDir });
        const running = earlier ? `${request.label}: running (re-attached)` : `${request.label}: running`;
        const decider = sessionDecider(request, paneId, context, running);
        if (hooks) {
          // Same path and secret as the attempt that started the agent: its hooks find this worker.
          const secret = await sessionSecret(files.secret, !earlier);
          channel = await startApprovalChannel({ socketPath: files.socket, secret, decide: async (asked, signal) => {
            const outcome = await decider.decideTool({ tool: asked.tool_name, input: asked.tool_input }, signal,
              { event: asked.event });
            return { behavior: outcome.decision, message: outcome.reason };
          } });
        }
        if (earlier) await tmux.setPaneTitle(paneId, running);
        else resumed = await startSession(request, paneId, files);
        const result = await watchSession({
          tmux, session, paneId, label: request.label, files, timeoutMs: request.timeoutMs, pollIntervalMs,
          signal: request.signal, detach: request.detach, onProgress: request.onProgress, redact: redactRecord,
          toolDialogs: hooks ? 'hook' : 'pane',
          judgeTool: (asked, title, signal) => decider.decideTool(asked, signal, { via: 'pane', title }),
          askPerson: (dialog, signal) => decider.askAboutDialog({ title: dialog.title,
            text: dialog.text ?? [dialog.title, dialog.subject, dialog.warning].filter(Boolean).join('\n'),
            reason: dialog.kind === 'trust' ? `the folder's settings can run commands: ${dialog.warning ?? ''}`
              : 'ccp does not recognise this dialog' }, signal),
          trustAllowed: (dialog) => policy.evaluate({ tool: TRUST_TOOL,
            input: { path: dialog.subject || request.worktree, warning: dialog.warning ?? '' } }, context).decision === 'allow',
          reattached: Boolean(earlier), approvals: decider.records,
          eventsOffset: earlier ? resumeOffset(await readHookEventPositions(files.events)) : 0,
          onApproval: auditLog ? (record) => appendApproval(auditLog, { ...record, pane: paneId }) : undefined,
          stallMs: options.stallMs ?? DEFAULT_STALL_MS, waitingForPerson: decider.waitingForPerson,
          limitGate: limitGateFile(options.runDir),
        });
        endedBy = result.endedBy;
        if (endedBy !== 'detached') request.onProgress?.({ phase: 'done', paneId, approvals: result.approvals.length });
        return { paneId, ...result, reattached: Boolean(earlier), resumed };
      } catch (err) {
        const thrown = await lostOr(err, request.label);
        if (thrown instanceof SessionLost) endedBy = 'lost';
        throw thrown;
      } finally {
        await channel?.close().catch(() => undefined);
        if (endedBy === 'detached' || endedBy === 'lost') {
          // Detached: the agent runs on and its label leads the next worker to it. Lost: the id may already name
          // a pane of a new tmux server, which is not ours to touch.
          forgetClaim(tmux, session, paneId);
        } else {
          // The last screen stays visible (remain-on-exit) until the pane's next session.
          await tmux.setPaneTitle(paneId, `idle (last: ${request.label})`).catch(() => undefined);
          await releasePane(tmux, session, paneId).catch(() => undefined);
        }
      }
    },
  };

  /** The session's decisions: the policy in its scope, needs-you through the request, each one in the audit log. */
  function sessionDecider(request: AgentSessionRequest, paneId: string, context: ReturnType<typeof policyContext>,
    running: string): Decider & { waitingForPerson: () => boolean } {
    const { tmux, auditLog } = options;
    let approvals = 0;
    let now: Omit<AgentProgress, 'paneId' | 'approvals'> = { phase: 'running' };
    let asking = 0;
    const progress = (next = now): void => {
      now = next;
      request.onProgress?.({ ...next, paneId, approvals });
    };
    const decider = createDecider({
      label: request.label, policy, context, redact: redactRecord, onNeedsYou: request.onNeedsYou,
      onRecord: async (record: ApprovalRecord) => {
        approvals++;
        if (auditLog) await appendApproval(auditLog, { ...record, pane: paneId });
        progress();
      },
      onWaiting: async (waiting) => {
        asking = waiting.length;
        const [question] = waiting;
        progress(question ? { phase: 'needs-you', question } : { phase: 'running' });
        const title = question ? `${request.label}: needs you: ${question.tool} ${question.subject.slice(0, 80)}` : running;
        await tmux.setPaneTitle(paneId, title).catch(() => undefined);
      },
    });
    // Waiting for a person is no stall.
    return Object.assign(decider, { waitingForPerson: () => asking > 0 });
  }

  /** A tmux failure because the session or server is gone is SessionLost (retried elsewhere); others stay as they are. */
  async function lostOr(err: unknown, label: string): Promise<unknown> {
    if (err instanceof SessionLost || await options.tmux.hasSession(options.session).catch(() => false)) return err;
    return new SessionLost(label, `tmux session "${options.session}" is gone`);
  }

  /** Starts the agent in the pane: a new conversation, or the earlier attempts' one continued (true). */
  async function startSession(request: AgentSessionRequest, paneId: string, files: SessionFiles): Promise<boolean> {
    const { tmux } = options;
    request.onProgress?.({ phase: 'starting', paneId, approvals: 0 });
    await seed(request.worktree);
    const sandbox = options.sandbox ?? true
      ? await sandboxFor({ worktree: request.worktree, home: agentHome, runDir: options.runDir,
        stateDir: options.stateDir, allowedDomains: policy.web?.allowedDomains, modelUrl: options.env?.ANTHROPIC_BASE_URL,
        env: { ...process.env, ...agentEnv } })
      : undefined;
    const conversation = conversationStart({ sessionId: request.sessionId, prompt: request.prompt,
      resumeReason: request.resumeReason, instruction: request.instruction, projects });
    await writeSessionFiles({
      files, worktree: request.worktree, prompt: conversation.prompt, env: { ...agentEnv, ...(sandbox?.env ?? {}) },
      argv: [command, ...(options.extraArgs ?? []), '--permission-mode', permissionMode, '--settings', files.settings,
        ...conversation.args],
      ...(hooks ? { decisionHook: decisionHook(files, options) } : {}),
      ...(sandbox ? { sandbox: sandbox.settings } : {}),
    });
    await tmux.setPaneTitle(paneId, `${request.label}: running`);
    // pipe-pane needs a live pane (the last session's is dead) and survives respawn-pane: a placeholder first,
    // so the log has the agent's output from its first byte.
    await tmux.respawnPane(paneId, `printf '%s\\n' ${shellQuote(`[ccp] ${request.label}: starting`)}; exec sleep 60`,
      request.worktree);
    await tmux.pipePaneTo(paneId, files.paneLog);
    // exec: the wrapper's pid is the pane's, which is how a re-attaching watcher recognizes its session.
    await tmux.respawnPane(paneId, `exec sh ${shellQuote(files.wrapper)}`, request.worktree);
    return conversation.resumed;
  }
}

/**
 * The session a dead worker process left in its pane: still running, or ended (with the exit code its wrapper
 * recorded, if any). Undefined when the pane does not run this session's wrapper (the worker died before starting it).
 */
async function earlierSession(tmux: TmuxAdapter, session: string, paneId: string, files: SessionFiles)
  : Promise<{ ended: false } | { ended: true; exitCode: number | null } | undefined> {
  const pane = (await tmux.listPanes(session)).find((p) => p.id === paneId);
  const pid = Number((await readFile(files.pid, 'utf8').catch(() => '')).trim());
  if (!pane || !pid || pane.pid !== pid) return undefined;
  const exitCode = await readExitCode(files.exit);
  if (exitCode !== undefined || pane.dead) return { ended: true, exitCode: exitCode ?? null };
  return { ended: false };
}
