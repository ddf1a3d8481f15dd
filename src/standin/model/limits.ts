// Scripted limits and silences of the stand-in model, as the real API produces them, so tests see what the real
// Claude Code CLI does with them. A work prompt line `ccp-script: limit: <seconds> [5h|7d]` answers that session's
// requests with 429 and the `anthropic-ratelimit-unified-*` headers of a subscriber's usage limit until <seconds>
// after its first request (signed in with an OAuth token, Claude Code 2.1.329 then shows "You've hit your 5-hour
// limit · resets 8:58pm (UTC)" and fires StopFailure `rate_limit`; with an API key it shows "API Error: Request
// rejected (429)"). `ccp-script: hang` holds the session's requests open without an answer (a silent session).
import type http from 'node:http';

export const LIMIT_MARKER = 'ccp-script: limit:';
export const HANG_MARKER = 'ccp-script: hang';

export interface ScriptedLimit {
  seconds: number;
  claim: 'five_hour' | 'seven_day';
}

export function scriptedLimit(userText: string): ScriptedLimit | undefined {
  const m = new RegExp(`^\\s*${LIMIT_MARKER}\\s*(\\d+)(?:\\s+(5h|7d))?\\s*$`, 'm').exec(userText);
  return m ? { seconds: Number(m[1]), claim: m[2] === '7d' ? 'seven_day' : 'five_hour' } : undefined;
}

export const scriptedHang = (userText: string): boolean => new RegExp(`^\\s*${HANG_MARKER}\\s*$`, 'm').test(userText);

/** Limits per session key: the reset is fixed by the first limited request, as a real window's is. */
export function createLimitBook(now: () => number = Date.now) {
  const resets = new Map<string, number>();
  return {
    /** The reset (ms) while `key` is limited, else undefined. */
    limitedUntil(key: string, limit: ScriptedLimit): number | undefined {
      const resetAt = resets.get(key) ?? now() + limit.seconds * 1000;
      resets.set(key, resetAt);
      return now() < resetAt ? resetAt : undefined;
    },
  };
}

/** The 429 api.anthropic.com sends a subscriber at a usage limit. */
export function sendUsageLimit(res: http.ServerResponse, resetAtMs: number, limit: ScriptedLimit): void {
  const reset = String(Math.ceil(resetAtMs / 1000));
  const window = limit.claim === 'seven_day' ? '7d' : '5h';
  res.writeHead(429, {
    'content-type': 'application/json',
    'request-id': `req_ccp_limit_${reset}`,
    'retry-after': String(Math.max(1, Math.ceil((resetAtMs - Date.now()) / 1000))),
    'x-should-retry': 'false',
    'anthropic-ratelimit-unified-status': 'rejected',
    'anthropic-ratelimit-unified-reset': reset,
    'anthropic-ratelimit-unified-representative-claim': limit.claim,
    [`anthropic-ratelimit-unified-${window}-reset`]: reset,
  });
  res.end(JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: 'usage limit reached' } }));
}
