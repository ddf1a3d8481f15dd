// Usage limits in a running Claude Code session: a pause, not a failure. The watcher feeds each poll's hook events
// and screen here; a limit (the StopFailure hook's `rate_limit`, or the limit notice on screen) puts the session in
// "usage-limit" until its reset, raises the host's gate (no new sessions start before the reset), and the session
// continues in its pane.
//
// How this lives with Claude Code's own means (decided on 2.1.329, seen offline against the stand-in model):
// - Its "continue automatically at usage limit" setting (autoContinueAtUsageLimit, on by default) is left on: the CLI
//   knows the exact reset (ccp reads minutes off the screen) and continues by itself about a minute after it, even
//   while no ccp worker runs. ccp only steps in when that did not happen: at a limit it will not wait out itself
//   (over 24 h, or the setting off) it opens a menu, where ccp picks "Wait here, then continue automatically"; with
//   no auto-continue on screen ccp types "continue" at the reset, and after a grace period in any case.
// - CLAUDE_CODE_RETRY_WATCHDOG=1 is set for every session (session-files.ts AGENT_BASE_ENV): transient 429/529s
//   are retried by the CLI with backoff instead of ending the turn; its "retrying" line counts as waiting, not as a
//   stall. A 429 it gives up on (an API key's "Request rejected (429)", no reset time) is treated as a limit of
//   GUESSED_LIMIT_WAIT_MS.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { limitFromStopFailure, parseUsageLimit, type UsageLimit } from '../../core/usage-limit.js';
import type { HookEvent } from './session-files.js';
import { UsageLimited } from '../types.js';

/** The host-wide gate in the run dir: the ISO time before which no new agent session starts. */
export const limitGateFile = (runDir: string): string => path.join(runDir, 'usage-limit-until');

/** The gate's time while it is still ahead, else undefined. */
export async function readLimitGate(file: string, now = new Date()): Promise<Date | undefined> {
  const text = (await readFile(file, 'utf8').catch(() => '')).trim();
  const until = new Date(text);
  return Number.isFinite(until.getTime()) && until > now ? until : undefined;
}

/** Moves the gate to `until` unless it already holds longer. */
export async function raiseLimitGate(file: string, until: Date): Promise<void> {
  const current = await readLimitGate(file, new Date(0));
  if (current && current >= until) return;
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${until.toISOString()}\n`);
  await rename(tmp, file);
}

// Claude Code's own notices below the input box: it will continue by itself, or is retrying a 429/529.
const AUTO_CONTINUE = /continuing automatically|Continuing shortly/i;
const LIMIT_NOTICE = /Usage limit reached · limit resets/;
const RETRYING = /\b(?:429|529)\b.*retrying in \d+/i;
/** After the reset, how long Claude Code's own auto-continue gets before ccp types "continue". */
const AUTO_CONTINUE_GRACE_MS = 3 * 60_000;
/** The CLI shows the reset to the minute (8:57pm for 20:57:40): the limit is surely over a minute later. */
export const SHOWN_MINUTE_MS = 60_000;
/** Without auto-continue on screen: a moment after that. */
const CONTINUE_AFTER_MS = SHOWN_MINUTE_MS + 5_000;
/** A limit hit again right after "continue" (still refused) is typed at again only after this long. */
const CONTINUE_REPEAT_MS = 2 * 60_000;
/** Hook events that mean the agent works again. */
const WORKING_EVENTS = new Set(['PreToolUse', 'PermissionRequest', 'Stop', 'SessionEnd']);

export interface LimitObservation {
  /** The limit the session waits for, when it waits for one. */
  limit?: UsageLimit;
  /** It just began (report it, raise the gate). */
  started: boolean;
  /** ccp should type "continue" now. */
  continueNow: boolean;
  /** The CLI is retrying a transient 429/529 by itself: waiting, not stalled. */
  retrying: boolean;
}

export interface LimitTracker {
  observe(now: Date, events: HookEvent[], screen: string): LimitObservation;
}

export function createLimitTracker(options: { zone?: string; graceMs?: number } = {}): LimitTracker {
  let limit: UsageLimit | undefined;
  // The notice may stay on screen after its limit ended: the newest reset handled, and when ccp last typed.
  let handled = -Infinity;
  let typedAt = -Infinity;
  const end = (): void => {
    if (limit) handled = Math.max(handled, limit.resetsAt.getTime());
    limit = undefined;
  };
  return {
    observe(now, events, screen) {
      const notices = belowInputBox(screen);
      let started = false;
      for (const event of events) {
        const hit = limitFromStopFailure(event, now, options.zone);
        if (hit) {
          // The event's own text may lack a time the notice on screen has.
          const shown = LIMIT_NOTICE.test(notices) ? parseUsageLimit(notices, now, options.zone) : undefined;
          limit = hit.guessed && shown ? shown : hit;
          started = true;
        } else if (limit && WORKING_EVENTS.has(event.hook_event_name) && now >= limit.resetsAt) {
          end();
        }
      }
      if (!limit && LIMIT_NOTICE.test(notices)) {
        // Seen on screen only (re-attached, or the event not written yet).
        const shown = parseUsageLimit(notices, now, options.zone);
        if (shown && shown.resetsAt.getTime() > handled) {
          limit = shown;
          started = true;
        }
      }
      const retrying = RETRYING.test(notices) || RETRYING.test(lastLines(screen, 12));
      if (!limit) return { started, continueNow: false, retrying };
      const grace = AUTO_CONTINUE.test(notices) ? options.graceMs ?? AUTO_CONTINUE_GRACE_MS
        : limit.guessed ? 0 : CONTINUE_AFTER_MS;
      const continueNow = now.getTime() >= limit.resetsAt.getTime() + grace
        && now.getTime() - typedAt >= CONTINUE_REPEAT_MS;
      const current = limit;
      // Typed once: from then on the session is watched as any other (a new limit starts over).
      if (continueNow) {
        typedAt = now.getTime();
        end();
      }
      return { limit: current, started, continueNow, retrying };
    },
  };
}

/** The notices Claude Code draws under its input box (between the box's bottom rule and the screen's end). */
export function belowInputBox(screen: string): string {
  const lines = screen.split('\n');
  const rules = lines.map((l, i) => (/^\s*─{10,}\s*$/.test(l) ? i : -1)).filter((i) => i >= 0);
  return rules.length >= 2 ? lines.slice(rules[rules.length - 1] + 1).join('\n') : '';
}

const lastLines = (screen: string, n: number): string => screen.trimEnd().split('\n').slice(-n).join('\n');

/** Before a session claims a pane: UsageLimited while the host's gate holds, unless the session re-attaches to its
 * agent still in a pane (that one waits out the limit where it is). */
export async function checkLimitGate(runDir: string, label: string,
  labelledPanes: () => Promise<Array<{ task: string }>>): Promise<void> {
  const until = await readLimitGate(limitGateFile(runDir));
  if (!until) return;
  if ((await labelledPanes().catch(() => [])).some((p) => p.task === label)) return;
  throw new UsageLimited(until);
}
