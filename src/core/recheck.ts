// How often ccp's workflows look again for what no signal tells them (a workflow terminated by hand, a dispatcher
// gone): a minute at first, twice as long after each look that found nothing, up to 16 minutes — a wait of hours
// costs a few looks, not hundreds.
export const RECHECK_FIRST_MS = 60_000;
const RECHECK_MAX_MS = 16 * 60_000;

/** The interval after a look that found nothing. */
export const nextRecheckMs = (everyMs: number): number => Math.min(2 * everyMs, RECHECK_MAX_MS);
