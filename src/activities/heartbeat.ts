// Every long step heartbeats, so with a heartbeat timeout of 30 s a dead worker is noticed within half a minute in
// any phase (not after the step's whole start-to-close timeout), and the retry runs elsewhere or after `ccp up`.
import { Context } from '@temporalio/activity';

export const HEARTBEAT_EVERY_MS = 5_000;

/** Runs `work`, heartbeating every few seconds until it settles. */
export async function heartbeating<T>(work: () => Promise<T>, everyMs = HEARTBEAT_EVERY_MS): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

type AnyActivity = (...args: never[]) => Promise<unknown>;

/** The same activities, each heartbeating while it runs. */
export function withHeartbeats<T extends Record<string, AnyActivity>>(activities: T): T {
  const wrapped: Record<string, AnyActivity> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = (...args: never[]) => heartbeating(() => activity(...args));
  }
  return wrapped as T;
}
