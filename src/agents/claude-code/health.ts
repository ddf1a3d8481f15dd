// The health check of a running Claude Code session: progress is what changes — hook events, the transcript's
// size, the pane's text (without the spinner and the status line, which move while nothing happens). No progress
// for the stall time: ccp nudges the agent once (interrupts a hung request and asks); quiet as long again: it ends
// the session as stalled. core/stall.ts keeps the clock; this reads the session.
import { stat } from 'node:fs/promises';
import { createStallClock, type StallVerdict } from '../../core/stall.js';
import type { HookEvent } from './session-files.js';

export const NUDGE_TEXT = 'ccp: are you still working? continue, or stop if you are done';
// Events that fire by themselves while the agent idles (the idle prompt notification) are no progress.
const IDLE_EVENTS = new Set(['Notification']);
// The busy line ("✶ Polishing… (12s · ↓ 300 tokens)") animates while a request hangs.
const SPINNER = /^\s*\S\s+\S+…/;
const RULE = /^\s*─{10,}\s*$/;

export interface HealthCheck {
  /** One poll: the events read since the last one, the screen, and whether the session waits (person, limit). */
  observe(now: number, events: HookEvent[], screen: string, waiting: boolean): Promise<StallVerdict>;
  readonly silentSince: number;
}

export function createHealthCheck(stallMs: number, startedAt: number): HealthCheck {
  const clock = createStallClock({ stallMs }, startedAt);
  let eventCount = 0;
  let transcript: string | undefined;
  return {
    get silentSince() {
      return clock.silentSince;
    },
    async observe(now, events, screen, waiting) {
      for (const event of events) {
        if (typeof event.transcript_path === 'string') transcript = event.transcript_path;
        if (!IDLE_EVENTS.has(event.hook_event_name)) eventCount++;
      }
      const size = transcript ? await stat(transcript).then((s) => s.size, () => -1) : -1;
      return clock.observe(now, { actions: eventCount, other: `${size}|${screenProgress(screen)}` }, waiting);
    },
  };
}

/** The part of a screen that changes only when the session does something. */
export function screenProgress(screen: string): string {
  const lines = screen.split('\n').map((l) => l.trimEnd());
  const rules = lines.map((l, i) => (RULE.test(l) ? i : -1)).filter((i) => i >= 0);
  // Above the input box: the conversation. The box and what is under it hold typing and animated notices.
  const conversation = rules.length >= 2 ? lines.slice(0, rules[rules.length - 2]) : lines;
  return conversation.filter((l) => !SPINNER.test(l)).join('\n').replace(/\d+/g, '#').trim();
}

export const stalledReason = (idleMs: number): string =>
  idleMs < 60_000 ? `stalled for ${Math.round(idleMs / 1000)} s` : `stalled for ${Math.round(idleMs / 60_000)} min`;
