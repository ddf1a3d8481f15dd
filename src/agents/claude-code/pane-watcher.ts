// Watches one interactive Claude Code session in a tmux pane: answers the dialogs hooks cannot (trust, API key; tool
// prompts only for agents without ccp's hook), by option text and after seeing the same dialog on two polls; puts a
// dialog it does not recognise to a person instead of pressing anything; notices the end of the turn through the
// Stop hook, ends the agent (session-end.ts), and enforces the timeout and cancellation.
import type { AgentProgress, ApprovalRecord } from '../types.js';
import { readExitCode, readHookEvents, type HookEvent } from './session-files.js';
import { sleep } from '../pane-pool.js';
import { capture, endedOutcome, exitAgent, paneState, stopAgent, type SessionPane, type WatchResult }
  from './session-end.js';
import type { ToolRequest } from '../../policy/types.js';
import { toolRequest } from './dialog-request.js';
import type { Outcome } from '../decider.js';
import { acceptOption, arrowsTo, detectDialog, keysToChoose, noOption, sameDialog, type Dialog } from './dialogs.js';
import { createSessionMonitor } from './monitor.js';
import { pauseUntilChanged, screenReader } from './pane-reads.js';

// Ink may apply two keys that arrive in one read to a stale selection: pace them.
const KEY_GAP_MS = 120;
// After answering, the old dialog may still be drawn for a moment: do not answer it twice.
const REANSWER_AFTER_MS = 2_000;
// A dialog a person is asked about counts as gone (answered in the pane) after this many polls without it.
const GONE_AFTER_POLLS = 2;

export type { WatchResult };

export interface WatchInput extends SessionPane {
  timeoutMs: number;
  /** Aborted: the agent is stopped (cancellation). */
  signal?: AbortSignal;
  /** Aborted: the watcher leaves at once without touching the agent or its pane (this worker shuts down; the next
   * one re-attaches). */
  detach?: AbortSignal;
  /** "hook": the agent's hook answers tool prompts and the watcher leaves them alone; "pane": the watcher answers
   * them by key (agents without ccp's hook), judged by `judgeTool`. */
  toolDialogs: 'hook' | 'pane';
  /** Judges a tool prompt's request (the policy, maybe a person); required for toolDialogs "pane". */
  judgeTool?: (request: ToolRequest, title: string, signal: AbortSignal) => Promise<Outcome>;
  /** Puts a dialog ccp does not recognise (or a trust dialog that warns) to a person. */
  askPerson?: (dialog: Dialog, signal: AbortSignal) => Promise<Outcome>;
  /** Whether the policy allows trusting a folder whose trust dialog warns about hooks or MCP servers. */
  trustAllowed?: (dialog: Dialog) => boolean;
  /** Where to start reading hook events: 0 for a new session, later when re-attaching. */
  eventsOffset?: number;
  /** Taking over a session another (dead) watcher ran: the dialog on screen may already be answered. */
  reattached?: boolean;
  /** Applied to every text of an approval record (secrets out of results and logs). */
  redact?: (text: string) => string;
  /** Called with each decision the watcher makes before it is carried out (the audit log). */
  onApproval?: (record: ApprovalRecord) => Promise<void>;
  /** Health check: no progress for this long and the agent is nudged, then ended as stalled (0/none: off). */
  stallMs?: number;
  /** A request of the session waits for a person (needs-you): not a stall. */
  waitingForPerson?: () => boolean;
  /** The host's usage-limit gate file (limits.ts), raised when the session hits a limit. */
  limitGate?: string;
}

/** A dialog whose answer is being worked out (a person may be asked) while the watcher keeps polling. */
interface Pending {
  dialog: Dialog;
  controller: AbortController;
  outcome?: Outcome;
  missing: number;
}

export async function watchSession(input: WatchInput): Promise<WatchResult> {
  const { paneId, files, signal, approvals } = input;
  // Either signal cuts a poll's sleep short.
  const wake = input.detach && signal ? AbortSignal.any([signal, input.detach]) : input.detach ?? signal;
  const progress = (phase: AgentProgress['phase']): void =>
    input.onProgress?.({ phase, paneId, approvals: approvals.length });
  // Moved on by the time spent waiting for a usage limit: a limit never times a session out.
  let deadline = Date.now() + input.timeoutMs;
  const monitor = createSessionMonitor({ tmux: input.tmux, paneId, stallMs: input.stallMs, limitGate: input.limitGate,
    report: (state) => input.onProgress?.({ ...state, paneId, approvals: approvals.length }) });
  let eventsOffset = input.eventsOffset ?? 0;
  let previous: Dialog | undefined;
  let answered: { dialog: Dialog; at: number } | undefined;
  let pending: Pending | undefined;
  // Dialogs a person allowed that show no recognisable yes option: left for the person, not asked again.
  const leftAlone: Dialog[] = [];
  let lastScreen = '';
  if (input.reattached) {
    // The dead watcher may have answered this dialog just before it died: wait to see that it stays.
    const onScreen = detectDialog(await capture(input));
    if (onScreen) answered = { dialog: onScreen, at: Date.now() };
  }
  // The exact tool input behind the prompt on screen (the screen wraps and shortens commands and paths).
  let permission: HookEvent | undefined;
  const withdraw = (): void => {
    pending?.controller.abort();
    pending = undefined;
  };

  const screen = screenReader(() => capture(input), files.paneLog);
  const pauses = pauseUntilChanged([files.exit, files.events]);
  progress('running');
  try {
    for (;;) {
      if (input.detach?.aborted) return { exitCode: null, endedBy: 'detached', approvals, lastScreen };
      if (signal?.aborted) return await stopAgent(input, 'cancelled');
      if (Date.now() >= deadline) return await stopAgent(input, 'timeout');

      const exitCode = await readExitCode(files.exit);
      if (exitCode !== undefined) return { exitCode, endedBy: 'exit', approvals, lastScreen: await capture(input) };
      const read = await readHookEvents(files.events, eventsOffset);
      eventsOffset = read.offset;
      permission = read.events.filter((e) => e.hook_event_name === 'PermissionRequest').pop() ?? permission;
      if (read.events.some((e) => e.hook_event_name === 'Stop')) {
        withdraw();
        progress('exiting');
        return await exitAgent(input);
      }
      const state = await paneState(input);
      if (state !== 'alive') return endedOutcome(input, state, (await capture(input)) || lastScreen);

      lastScreen = await screen();
      const watched = await monitor.poll(read.events, lastScreen, pending !== undefined || Boolean(input.waitingForPerson?.()));
      deadline += watched.pausedMs;
      if (watched.stalled) return { ...(await stopAgent(input, 'timeout')), endedBy: 'stalled', reason: watched.stalled };
      const dialog = detectDialog(lastScreen);
      if (pending) {
        if (!sameDialog(dialog, pending.dialog)) {
          // Answered in the pane by a person (or by the hook): the question is moot.
          if (++pending.missing >= GONE_AFTER_POLLS) withdraw();
        } else if (pending.outcome) {
          await carryOut(input, pending.dialog, pending.outcome, leftAlone);
          answered = { dialog: pending.dialog, at: Date.now() };
          pending = undefined;
          previous = undefined;
          progress('running');
        } else {
          pending.missing = 0;
        }
      } else {
        const repeat = answered && sameDialog(dialog, answered.dialog) && Date.now() - answered.at < REANSWER_AFTER_MS;
        const ignored = !dialog || (dialog.kind === 'tool' && input.toolDialogs === 'hook')
          || leftAlone.some((d) => sameDialog(d, dialog));
        if (dialog && !ignored && sameDialog(dialog, previous) && !repeat) {
          progress('approving');
          const started: Pending = { dialog, controller: new AbortController(), missing: 0 };
          pending = started;
          const hook = dialog.kind === 'tool' ? hookRequest(permission) : undefined;
          if (dialog.kind === 'tool') permission = undefined;
          judge(input, dialog, hook, started.controller.signal).then(
            (outcome) => { started.outcome = outcome; },
            (err: unknown) => { started.outcome = { decision: 'deny', reason: `ccp: ${String(err)}` }; });
        } else {
          previous = dialog;
        }
      }
      await pauses.pause(input.pollIntervalMs, wake);
    }
  } finally {
    pauses.close();
    withdraw();
  }
}

/** What to answer a dialog: trust and API key by ccp's own rules, tool prompts by the policy, the rest by a person. */
async function judge(input: WatchInput, dialog: Dialog, hook: ToolRequest | undefined, signal: AbortSignal)
  : Promise<Outcome> {
  const person = (): Promise<Outcome> => input.askPerson?.(dialog, signal)
    ?? Promise.resolve({ decision: 'deny', reason: `ccp does not know this dialog (${dialog.title || 'untitled'})` });
  if (dialog.kind === 'tool') {
    if (!input.judgeTool) return person();
    return input.judgeTool(toolRequest(dialog, hook), dialog.title, signal);
  }
  if (dialog.kind === 'trust' && dialog.warning && !input.trustAllowed?.(dialog)) return person();
  if (dialog.kind === 'unknown') return person();
  const outcome: Outcome = dialog.kind === 'trust'
    ? { decision: 'allow', reason: dialog.warning ? 'the policy allows trusting this folder' : 'the folder is a ccp worktree' }
    : dialog.kind === 'usage-limit'
      ? { decision: 'allow', reason: 'a usage limit is a pause: wait for its reset and continue' }
      : { decision: 'allow', reason: 'the key is the one ccp configured for the agent' };
  const redact = input.redact ?? ((text: string) => text);
  const record: ApprovalRecord = { at: new Date().toISOString(), label: input.label, via: 'pane', dialog: dialog.kind,
    title: redact(dialog.title), subject: redact(dialog.subject), decision: outcome.decision,
    reason: redact(outcome.reason) };
  input.approvals.push(record);
  await input.onApproval?.(record);
  return outcome;
}

function hookRequest(event: HookEvent | undefined): ToolRequest | undefined {
  if (typeof event?.tool_name !== 'string') return undefined;
  const toolInput = event.tool_input;
  return { tool: event.tool_name, input: typeof toolInput === 'object' && toolInput !== null
    ? toolInput as Record<string, unknown> : {} };
}

/** Presses the keys for an outcome: the yes option for allow; for deny "No" + Tab + reason when the dialog takes a
 * reason (the refusal then reaches the model), else Escape. */
async function carryOut(input: WatchInput, dialog: Dialog, outcome: Outcome, leftAlone: Dialog[]): Promise<void> {
  if (outcome.decision === 'allow') {
    const yes = acceptOption(dialog);
    const keys = yes && keysToChoose(dialog, yes.text);
    // Allowed, but no option says yes: pressing a guess could do anything, so the dialog stays for the person.
    if (keys) await pressKeys(input, keys);
    else leftAlone.push(dialog);
    return;
  }
  const no = noOption(dialog);
  if (dialog.kind === 'tool' && no && /Tab to amend/.test(await capture(input))) {
    // "No" + Tab + reason: the refusal reaches the model as a tool error and the turn goes on (plain Esc would
    // end the turn silently).
    await pressKeys(input, [...arrowsTo(dialog, no), 'Tab']);
    await sleep(KEY_GAP_MS * 2);
    await input.tmux.sendText(input.paneId, outcome.reason);
    await sleep(KEY_GAP_MS * 2);
    await pressKeys(input, ['Enter']);
  } else {
    await pressKeys(input, dialog.kind === 'unknown' ? ['Escape'] : (no && keysToChoose(dialog, no.text)) ?? ['Escape']);
  }
}

async function pressKeys(input: WatchInput, keys: string[]): Promise<void> {
  for (const [i, key] of keys.entries()) {
    if (i > 0) await sleep(KEY_GAP_MS);
    await input.tmux.sendKeys(input.paneId, key);
  }
}

