// Agent adapter: runs the coding agent (Claude Code by default) — print mode for the analyzer, and interactive
// sessions in a tmux worker pane, answering approval dialogs by policy. Uses the tmux adapter for panes.
import type { TmuxAdapter } from '../adapters/tmux.js';
import type { ApprovalAnswer, ApprovalQuestion } from '../shared/messages.js';
import type { SessionPolicy } from './policy-port.js';

/** A request no policy rule decides, put to a person (`ccp approve|deny`). */
export type NeedsYouQuestion = ApprovalQuestion;
export type NeedsYouAnswer = ApprovalAnswer;

export interface ApprovalRecord {
  at: string;
  label: string;
  /** "tool" | "trust" | "api-key" | … */
  dialog: string;
  /** Title line of the dialog ("Bash command", "Create file", …). */
  title: string;
  /** Command or path shown in the dialog. */
  subject: string;
  decision: 'allow' | 'deny';
  reason: string;
  /** The tool asked for ("Bash", "Write", …), when known. */
  tool?: string;
  /** The policy rule that decided ("Bash(git push:*)"), when one did. */
  rule?: string;
  /** Who answered: the agent's hook through the approval channel, or the pane watcher with a key. */
  via?: 'hook' | 'pane';
  /** The policy's class of the request ("secrets", "benign", …), when it gave one. */
  category?: string;
  /** The policy said ask: the question put to a person and who answered it. */
  asked?: { id: string; by: NeedsYouAnswer['by']; always?: boolean };
}

/** One line of the approval audit log (JSON Lines, append-only). */
export interface ApprovalRecordLine extends ApprovalRecord {
  /** The tmux pane the session ran in. */
  pane: string;
}

export interface AgentProgress {
  phase: 'claiming-pane' | 'starting' | 'running' | 'approving' | 'needs-you' | 'usage-limit' | 'exiting' | 'done';
  /** While needs-you: what waits for a person. */
  question?: NeedsYouQuestion;
  /** While usage-limit: when the limit resets (ISO); the session continues then. */
  resetsAt?: string;
  /** The session has shown no progress since then (ISO): set once it counts as stalled. */
  stalledSince?: string;
  paneId?: string;
  approvals: number;
}

export interface AgentSessionRequest {
  /** "subissue-12": pane option @ccp_task, file names, pueue label. */
  label: string;
  worktree: string;
  prompt: string;
  /** Session wall-clock limit; then ccp exits the agent and reports a timeout. */
  timeoutMs: number;
  onProgress?: (progress: AgentProgress) => void;
  /** Aborted when the activity is cancelled: the agent is stopped and the pane freed. */
  signal?: AbortSignal;
  /** Aborted when this worker shuts down and leaves its agents running: the watcher stops at once, the agent and
   * its pane label stay (endedBy "detached"), and the next runSession for the label re-attaches. */
  detach?: AbortSignal;
  /** The agent's conversation id (a UUID), the same for every attempt of the subissue: the first attempt starts the
   * conversation with it, later ones continue it instead of starting over. */
  sessionId?: string;
  /** Why an earlier attempt ended, for the prompt that resumes its conversation. */
  resumeReason?: string;
  /** What to tell the continued conversation instead (a new task in the same work, e.g. resolving conflicts); a new
   * conversation gets it as its prompt. */
  instruction?: string;
  /** Puts a request no rule decides to a person and resolves with the answer (the agent waits meanwhile); `signal`
   * aborts when the question went away. Without it such a request is denied. */
  onNeedsYou?: (question: NeedsYouQuestion, signal: AbortSignal) => Promise<NeedsYouAnswer>;
}

export interface AgentSessionResult {
  paneId: string;
  /** Exit code the wrapper recorded; null when the agent did not exit by itself. */
  exitCode: number | null;
  /** "lost": the pane vanished (its tmux server or session went away) before the agent exited cleanly;
   * "detached": the watcher left a running agent on request (`detach`). */
  endedBy: 'stop-hook' | 'exit' | 'timeout' | 'cancelled' | 'lost' | 'detached' | 'stalled';
  /** Why ccp ended it, when it did ("stalled for 12 min"). */
  reason?: string;
  approvals: ApprovalRecord[];
  /** This attempt continued the conversation of an earlier one (`claude --resume`). */
  resumed?: boolean;
  /** The last screen, for failure reports. */
  lastScreen: string;
  /** The session was already running (or had ended) in a pane labelled for it, left by a worker process that died:
   * ccp took it over instead of starting the agent again. `approvals` then holds only the decisions made since. */
  reattached: boolean;
}

export interface AskRequest {
  prompt: string;
  cwd: string;
  timeoutMs: number;
  /** Aborted when the activity is cancelled (or its worker is going away): the print-mode process is stopped. */
  signal?: AbortSignal;
  /** The same for every attempt of one step: an attempt after a dead worker's takes over its still running (or
   * finished) print-mode process instead of asking the model again. None: a one-off call. */
  key?: string;
}

export interface AgentAdapter {
  /** One print-mode call (`claude -p --output-format json`); returns the final text. */
  ask(request: AskRequest): Promise<string>;
  /** One interactive session in a free worker pane of the tmux session; resolves when the agent is done. */
  runSession(request: AgentSessionRequest): Promise<AgentSessionResult>;
}

export interface ClaudeCodeOptions {
  /** Agent executable; default: the pinned Claude Code binary from node_modules. */
  command?: string;
  /** Extra argv before ccp's own flags. */
  extraArgs?: string[];
  /** HOME for the agent; undefined = the user's own HOME (their login). */
  home?: string;
  /** Write `hasCompletedOnboarding` into `<home>/.claude.json` (offline agent homes). */
  seedHome?: boolean;
  /** Pre-accept the trust dialog for each worktree in `<home>/.claude.json` (default on), except for a worktree
   * whose project settings or .mcp.json could run commands: its dialog is then put to a person. */
  preTrustWorktrees?: boolean;
  /** Environment for the agent (e.g. ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY). Written to a 0600 file, never to a
   * command line, pane or log. */
  env?: Record<string, string>;
  /** Claude Code permission mode; "default" so ccp's approval policy is in charge. */
  permissionMode?: string;
  tmux: TmuxAdapter;
  session: string;
  /** Where wrapper scripts, hook event files, exit codes and pane logs go. */
  runDir: string;
  pollIntervalMs?: number;
  /** Recreates the tmux session and its worker panes when they are gone (a lost tmux server); called before a
   * pane is claimed. */
  ensureSession?: () => Promise<void>;
  /** How long a session waits for a free worker pane before giving up (NoFreePane) so its caller can retry. */
  paneWaitMs?: number;
  /** JSON policy `{ "allow": [rules], "deny": [rules], "unmatched": "allow" | "deny" }` in Claude Code's permission
   * rule syntax, merged on top of the default deny rules; read (and checked) when the adapter is created. */
  policyFile?: string;
  /** Append-only audit log: one JSON line (ApprovalRecordLine) per dialog decision, secrets redacted. */
  auditLog?: string;
  /** The policy itself, instead of policyFile (tests, other front ends). */
  policy?: SessionPolicy;
  /** ccp's state dir and where worktrees live: the policy's and the sandbox's scope. */
  stateDir?: string;
  worktreesDir?: string;
  /** ccp's hook decides tool uses through the approval channel (default on); off: the pane watcher answers tool
   * prompts by key, for agents without hooks. */
  hooks?: boolean;
  /** The hook program the settings run (default: ccp's compiled hook.js); tests swap in one that crashes. */
  hookScript?: string;
  /** How long a request may wait for a person; the hook's own time limit is this plus two minutes. */
  needsYouTimeoutMs?: number;
  /** How long the hook keeps trying an unreachable channel (a worker restart) before it denies; default 90 s. */
  channelRetryMs?: number;
  /** Claude Code's OS sandbox for the session's commands (default on). */
  sandbox?: boolean;
  /** No progress for this long: the session is nudged, then ended as stalled (default 10 min; 0 = never). */
  stallMs?: number;
}

/** Every worker pane stayed busy for the adapter's wait: try again later (the caller's slot is better freed). */
export class NoFreePane extends Error {
  constructor(session: string, busy: string[]) {
    super(`no free worker pane in tmux session "${session}" (busy: ${busy.join(', ') || 'none'})`);
    this.name = 'NoFreePane';
  }
}

/** The session's pane, tmux session or tmux server went away under it: not the agent's failure. The caller retries,
 * and the retry resumes the conversation in a new pane. */
export class SessionLost extends Error {
  constructor(label: string, detail: string) {
    super(`${label}: the agent's tmux pane was lost (${detail}); its conversation resumes in a new pane`);
    this.name = 'SessionLost';
  }
}

/** This host's agents are at a usage limit until `until`: no new session starts before then (the caller retries). */
export class UsageLimited extends Error {
  constructor(readonly until: Date) {
    super(`usage limit: no new agent sessions on this host until ${until.toISOString()}`);
    this.name = 'UsageLimited';
  }
}
