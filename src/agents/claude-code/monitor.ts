// What the pane watcher checks on every poll besides dialogs and the end of the turn: usage limits (limits.ts) and
// the health check (health.ts). Reports the session's state, types "continue" at a limit's reset and the nudge
// when it went silent, and says how long the session was paused (its deadline moves by that much) or that it stalled.
import type { TmuxAdapter } from '../../adapters/tmux.js';
import type { AgentProgress } from '../types.js';
import { sleep } from '../pane-pool.js';
import { createHealthCheck, NUDGE_TEXT, stalledReason } from './health.js';
import { createLimitTracker, raiseLimitGate, SHOWN_MINUTE_MS } from './limits.js';
import type { HookEvent } from './session-files.js';

export const CONTINUE_TEXT = 'continue: the usage limit has reset; carry on where you left off and do not repeat finished work';
// Typed text opens menus and suggestions; Enter too early would act on them.
const TYPE_TO_ENTER_MS = 700;

export interface MonitorInput {
  tmux: TmuxAdapter;
  paneId: string;
  /** 0 or undefined: no health check. */
  stallMs?: number;
  /** The host's usage-limit gate file. */
  limitGate?: string;
  /** The agent's time zone, for reset times shown without one. */
  zone?: string;
  report: (progress: Omit<AgentProgress, 'paneId' | 'approvals'>) => void;
}

export interface MonitorStep {
  /** Milliseconds since the last poll the session spent waiting for a usage limit: not part of its time limit. */
  pausedMs: number;
  /** Set when the session stalled: the reason it is ended with. */
  stalled?: string;
}

export interface SessionMonitor {
  poll(events: HookEvent[], screen: string, waitingForPerson: boolean): Promise<MonitorStep>;
}

export function createSessionMonitor(input: MonitorInput): SessionMonitor {
  const limits = createLimitTracker({ zone: input.zone });
  const health = input.stallMs ? createHealthCheck(input.stallMs, Date.now()) : undefined;
  let lastPoll = Date.now();
  let limited = false;
  let stalledShown = false;

  const type = async (text: string, before: string[] = []): Promise<void> => {
    for (const key of before) {
      await input.tmux.sendKeys(input.paneId, key);
      await sleep(TYPE_TO_ENTER_MS);
    }
    await input.tmux.sendText(input.paneId, text);
    await sleep(TYPE_TO_ENTER_MS);
    await input.tmux.sendKeys(input.paneId, 'Enter');
  };

  return {
    async poll(events, screen, waitingForPerson) {
      const now = new Date();
      const sincePoll = now.getTime() - lastPoll;
      lastPoll = now.getTime();
      const seen = limits.observe(now, events, screen);
      const wasLimited = limited;
      limited = seen.limit !== undefined && !seen.continueNow;
      if (seen.limit && seen.started) {
        // Held to the end of the shown minute, so a session started at the gate does not run into the same limit.
        // Raised before the report: whoever acts on "usage-limit" finds new sessions already held back.
        const until = new Date(seen.limit.resetsAt.getTime() + (seen.limit.guessed ? 0 : SHOWN_MINUTE_MS));
        if (input.limitGate) await raiseLimitGate(input.limitGate, until).catch(() => undefined);
        input.report({ phase: 'usage-limit', resetsAt: seen.limit.resetsAt.toISOString() });
      }
      if (seen.continueNow) await type(CONTINUE_TEXT).catch(() => undefined);
      if (wasLimited && !limited) input.report({ phase: 'running' });
      const pausedMs = wasLimited || limited ? sincePoll : 0;
      if (!health) return { pausedMs };

      const verdict = await health.observe(now.getTime(), events, screen, waitingForPerson || limited || seen.retrying);
      if (verdict.action === 'stall') return { pausedMs, stalled: stalledReason(verdict.idleMs) };
      if (verdict.action === 'nudge') {
        input.report({ phase: 'running', stalledSince: new Date(health.silentSince).toISOString() });
        stalledShown = true;
        // Escape first: a request that hangs would hold the typed text back until it ends.
        await type(NUDGE_TEXT, ['Escape']).catch(() => undefined);
      } else if (stalledShown && !verdict.onNotice) {
        stalledShown = false;
        input.report({ phase: 'running' });
      }
      return { pausedMs };
    },
  };
}
