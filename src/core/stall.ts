// The health check's clock: a session that shows no progress for `stallMs` is nudged once; quiet for `stallMs`
// after that too and it is stalled. Progress is anything that changes; only the agent's own actions (hook events)
// take a nudged session off notice, since the nudge itself changes the screen and the transcript. Waiting for a
// person or for a usage limit is not idleness. Pure: the caller passes the time.

export interface StallOptions {
  stallMs: number;
}

/** What changed since the last look: the agent's actions (hook events), and anything else it shows. */
export interface Fingerprint {
  actions: number;
  other: string;
}

export type StallVerdict =
  | { action: 'none'; idleMs: number; onNotice: boolean }
  | { action: 'nudge'; idleMs: number; onNotice: true }
  | { action: 'stall'; idleMs: number; onNotice: true };

export interface StallClock {
  /** One observation: the session's fingerprint now, and whether it is waiting for something (not idle then). */
  observe(now: number, fingerprint: Fingerprint, waiting: boolean): StallVerdict;
  /** Since when the session is silent (ms epoch): its last progress before a nudge, else its last progress. */
  readonly silentSince: number;
}

export function createStallClock(options: StallOptions, startedAt: number): StallClock {
  let last: Fingerprint | undefined;
  let lastProgressAt = startedAt;
  let nudged: { at: number; silentSince: number } | undefined;
  return {
    get silentSince() {
      return nudged?.silentSince ?? lastProgressAt;
    },
    observe(now, fingerprint, waiting) {
      const acted = last !== undefined && fingerprint.actions !== last.actions;
      const changed = acted || (last !== undefined && fingerprint.other !== last.other);
      last = fingerprint;
      if (waiting || acted) nudged = undefined;
      if (waiting || changed) lastProgressAt = now;
      const idleMs = now - (nudged?.silentSince ?? lastProgressAt);
      const quietMs = now - Math.max(lastProgressAt, nudged?.at ?? -Infinity);
      if (quietMs < options.stallMs) return { action: 'none', idleMs: waiting || changed ? 0 : idleMs, onNotice: nudged !== undefined };
      if (nudged) return { action: 'stall', idleMs, onNotice: true };
      nudged = { at: now, silentSince: lastProgressAt };
      return { action: 'nudge', idleMs, onNotice: true };
    },
  };
}
