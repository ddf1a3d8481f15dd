// Watches one interactive Claude Code session in a tmux pane: answers dialogs by policy (by option text, after
// seeing the same dialog on two polls), notices the end of the turn through the Stop hook, exits the agent with
// `/exit`, and enforces the timeout and cancellation.
import type { AgentProgress, ApprovalRecord } from '../types.js';
import { readExitCode, readHookEvents, type HookEvent, type SessionFiles } from './session-files.js';
import { sleep } from '../pane-pool.js';
import type { TmuxAdapter } from '../../adapters/tmux.js';
import { decide, toolRequest, type ApprovalPolicy, type PathContext, type ToolRequest } from '../../policy/approval-policy.js';
import { arrowsTo, detectDialog, keysToChoose, noOption, sameDialog, yesOption, type Dialog } from './dialogs.js';

// Ink may apply two keys that arrive in one read to a stale selection: pace them.
const KEY_GAP_MS = 120;
// Typed `/exit` opens the command menu; Enter too early would submit the half-drawn menu.
const EXIT_TYPE_TO_ENTER_MS = 700;
const EXIT_GRACE_MS = 10_000;
// After answering, the old dialog may still be drawn for a moment: do not answer it twice.
const REANSWER_AFTER_MS = 2_000;

export interface WatchInput {
  tmux: TmuxAdapter;
  session: string;
  paneId: string;
  label: string;
  files: SessionFiles;
  timeoutMs: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
  policy?: ApprovalPolicy;
  /** Working directory and home the agent resolves paths against, for path rules. */
  paths?: PathContext;
  /** Where to start reading hook events: 0 for a new session, later when re-attaching. */
  eventsOffset?: number;
  /** Taking over a session another (dead) watcher ran: the dialog on screen may already be answered. */
  reattached?: boolean;
  /** Applied to every text of an approval record (secrets out of results and logs). */
  redact?: (text: string) => string;
  /** Called with each decision before it is carried out (the audit log); a failure stops the watcher. */
  onApproval?: (record: ApprovalRecord) => Promise<void>;
  onProgress?: (progress: AgentProgress) => void;
}

export interface WatchResult {
  exitCode: number | null;
  endedBy: 'stop-hook' | 'exit' | 'timeout' | 'cancelled';
  approvals: ApprovalRecord[];
  lastScreen: string;
}

export async function watchSession(input: WatchInput): Promise<WatchResult> {
  const { paneId, files, signal } = input;
  const approvals: ApprovalRecord[] = [];
  const progress = (phase: AgentProgress['phase']): void =>
    input.onProgress?.({ phase, paneId, approvals: approvals.length });
  const deadline = Date.now() + input.timeoutMs;
  let eventsOffset = input.eventsOffset ?? 0;
  let previous: Dialog | undefined;
  let answered: { dialog: Dialog; at: number } | undefined;
  let lastScreen = '';
  if (input.reattached) {
    // The dead watcher may have answered this dialog just before it died: wait to see that it stays.
    const onScreen = detectDialog(await capture(input));
    if (onScreen) answered = { dialog: onScreen, at: Date.now() };
  }
  // The exact tool input behind the prompt on screen (the screen wraps and shortens commands and paths).
  let permission: HookEvent | undefined;

  progress('running');
  for (;;) {
    if (signal?.aborted) return stopAgent(input, 'cancelled', approvals);
    if (Date.now() >= deadline) return stopAgent(input, 'timeout', approvals);

    const exitCode = await readExitCode(files.exit);
    if (exitCode !== undefined) return { exitCode, endedBy: 'exit', approvals, lastScreen: await capture(input) };
    const read = await readHookEvents(files.events, eventsOffset);
    eventsOffset = read.offset;
    permission = read.events.filter((e) => e.hook_event_name === 'PermissionRequest').pop() ?? permission;
    if (read.events.some((e) => e.hook_event_name === 'Stop')) {
      progress('exiting');
      return exitAgent(input, approvals);
    }
    if (await paneDead(input)) {
      return { exitCode: (await readExitCode(files.exit)) ?? null, endedBy: 'exit', approvals,
        lastScreen: (await capture(input)) || lastScreen };
    }

    lastScreen = await capture(input);
    const dialog = detectDialog(lastScreen);
    const repeat = answered && sameDialog(dialog, answered.dialog) && Date.now() - answered.at < REANSWER_AFTER_MS;
    if (dialog && sameDialog(dialog, previous) && !repeat) {
      progress('approving');
      approvals.push(await answer(input, dialog, dialog.kind === 'tool' ? hookRequest(permission) : undefined));
      if (dialog.kind === 'tool') permission = undefined;
      answered = { dialog, at: Date.now() };
      previous = undefined;
      progress('running');
    } else {
      previous = dialog;
    }
    await sleep(input.pollIntervalMs, signal);
  }
}

function hookRequest(event: HookEvent | undefined): ToolRequest | undefined {
  if (typeof event?.tool_name !== 'string') return undefined;
  const toolInput = event.tool_input;
  return { tool: event.tool_name, input: typeof toolInput === 'object' && toolInput !== null
    ? toolInput as Record<string, unknown> : {} };
}

function subjectOf(request: ToolRequest | undefined): string | undefined {
  const { command, file_path: file, notebook_path: notebook, path, url } = request?.input ?? {};
  const subject = command ?? file ?? notebook ?? path ?? url;
  return typeof subject === 'string' ? subject : undefined;
}

async function answer(input: WatchInput, dialog: Dialog, hook: ToolRequest | undefined): Promise<ApprovalRecord> {
  // The hook's exact tool input when it fits the dialog: the screen wraps and shortens commands and paths.
  const request = dialog.kind === 'tool' ? toolRequest(dialog, hook) : undefined;
  const { decision, reason, rule, tool } = decide(dialog, input.policy, { request, paths: input.paths });
  const redact = input.redact ?? ((text: string) => text);
  const record: ApprovalRecord = { at: new Date().toISOString(), label: input.label, dialog: dialog.kind,
    title: redact(dialog.title), subject: redact(subjectOf(request) ?? dialog.subject), decision,
    reason: redact(reason), ...(tool ? { tool } : {}), ...(rule ? { rule: redact(rule) } : {}) };
  await input.onApproval?.(record);
  if (decision === 'allow') {
    const yes = yesOption(dialog);
    await pressKeys(input, (yes && keysToChoose(dialog, yes.text)) ?? ['Escape']);
    return record;
  }
  const no = noOption(dialog);
  if (dialog.kind === 'tool' && no && /Tab to amend/.test(await capture(input))) {
    // "No" + Tab + reason: the refusal reaches the model as a tool error and the turn goes on (plain Esc would
    // end the turn silently).
    await pressKeys(input, [...arrowsTo(dialog, no), 'Tab']);
    await sleep(KEY_GAP_MS * 2);
    await input.tmux.sendText(input.paneId, record.reason);
    await sleep(KEY_GAP_MS * 2);
    await pressKeys(input, ['Enter']);
  } else {
    await pressKeys(input, (no && keysToChoose(dialog, no.text)) ?? ['Escape']);
  }
  return record;
}

async function pressKeys(input: WatchInput, keys: string[]): Promise<void> {
  for (const [i, key] of keys.entries()) {
    if (i > 0) await sleep(KEY_GAP_MS);
    await input.tmux.sendKeys(input.paneId, key);
  }
}

/** The turn is over: type /exit and wait for the wrapper's exit file (or a dead pane); kill as a last resort. */
async function exitAgent(input: WatchInput, approvals: ApprovalRecord[]): Promise<WatchResult> {
  const exited = await requestExit(input, EXIT_GRACE_MS);
  if (exited) return { exitCode: exited.exitCode, endedBy: 'stop-hook', approvals, lastScreen: exited.screen };
  const lastScreen = await capture(input);
  await kill(input, 'did not exit after /exit');
  return { exitCode: null, endedBy: 'stop-hook', approvals, lastScreen };
}

/** Timeout or cancellation: ask the agent to exit, then kill it; the pane shows why. */
async function stopAgent(input: WatchInput, endedBy: 'timeout' | 'cancelled', approvals: ApprovalRecord[])
  : Promise<WatchResult> {
  input.onProgress?.({ phase: 'exiting', paneId: input.paneId, approvals: approvals.length });
  const lastScreen = await capture(input);
  const exited = await requestExit(input, 3_000);
  if (!exited) await kill(input, endedBy === 'timeout' ? 'timed out' : 'cancelled');
  return { exitCode: exited?.exitCode ?? null, endedBy, approvals, lastScreen: exited?.screen || lastScreen };
}

async function requestExit(input: WatchInput, graceMs: number)
  : Promise<{ exitCode: number | null; screen: string } | undefined> {
  const { tmux, paneId, files } = input;
  try {
    // A dialog or a half-typed line would swallow the command: clear them first.
    if (detectDialog(await capture(input))) await tmux.sendKeys(paneId, 'Escape');
    await tmux.sendText(paneId, '/exit');
    await sleep(EXIT_TYPE_TO_ENTER_MS);
    await tmux.sendKeys(paneId, 'Enter');
  } catch {
    // the pane is gone: fall through to the checks below
  }
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    const exitCode = await readExitCode(files.exit);
    if (exitCode !== undefined) return { exitCode, screen: await capture(input) };
    if (await paneDead(input)) return { exitCode: null, screen: await capture(input) };
    await sleep(input.pollIntervalMs);
  }
  return undefined;
}

async function kill(input: WatchInput, why: string): Promise<void> {
  const message = `[ccp] ${input.label}: agent stopped (${why})`;
  await input.tmux.respawnPane(input.paneId, `printf '%s\\n' '${message.replace(/'/g, '')}'`, '/').catch(() => undefined);
}

/** The pane's process ended (remain-on-exit keeps it), or the pane is gone. */
async function paneDead(input: WatchInput): Promise<boolean> {
  try {
    const pane = (await input.tmux.listPanes(input.session)).find((p) => p.id === input.paneId);
    return !pane || pane.dead;
  } catch {
    return true;
  }
}

async function capture(input: WatchInput): Promise<string> {
  return input.tmux.capturePane(input.paneId).catch(() => '');
}
