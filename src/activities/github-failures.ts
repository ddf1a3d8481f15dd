// How GitHub activities fail towards Temporal. GitHub's limits and a rejected token are waited out durably: the
// activity fails at once with a retryable ApplicationFailure whose nextRetryDelay is the wait GitHub names, and
// Temporal keeps that wait as a retry timer on the server. No worker holds it (a crash loses nothing), no
// startToClose runs during it, and the GitHub activities' retry policy has no maximumAttempts
// (src/workflows/github-options.ts), so a limit never fails a run.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { GitHubError } from '../adapters/github.js';

/** GitHub refused for good (missing issue, refused input): retrying cannot help. */
export const GITHUB_REFUSED = 'GitHubRefused';
/** A rate limit (primary, secondary, 429): retried after the time GitHub names. */
export const GITHUB_RATE_LIMITED = 'GitHubRateLimited';
/** 401 mid-run: this host's GitHub work pauses until a token works again; finished work is kept. */
export const GITHUB_TOKEN_REJECTED = 'GitHubTokenRejected';
/** 5xx, no answer, timeout: retried with the policy's backoff. */
export const GITHUB_UNAVAILABLE = 'GitHubUnavailable';

const SECOND = 1000;
const TOKEN_RETRY_FIRST_MS = 30 * SECOND;
const TOKEN_RETRY_MAX_MS = 5 * 60 * SECOND;

/** 30 s, 1 min, 2 min, 4 min, then every 5 min: soon enough to notice a new token, rare enough not to hammer. */
export function tokenRetryDelayMs(attempt: number): number {
  return Math.min(TOKEN_RETRY_FIRST_MS * 2 ** Math.max(attempt - 1, 0), TOKEN_RETRY_MAX_MS);
}

/** Up to 10 % (at most 5 s) on top, so activities limited together do not all come back in the same instant. */
function withJitter(ms: number): number {
  return Math.round(ms + Math.random() * Math.min(ms * 0.1, 5 * SECOND));
}

/** The Temporal failure for a GitHubError; anything else is left to Temporal's default handling. */
export function toTemporalFailure(err: unknown, attempt: number): unknown {
  if (!(err instanceof GitHubError)) return err;
  switch (err.kind) {
    case 'refused':
      return ApplicationFailure.nonRetryable(err.message, GITHUB_REFUSED);
    case 'rate-limited':
      return ApplicationFailure.create({
        message: err.message,
        type: GITHUB_RATE_LIMITED,
        nextRetryDelay: withJitter(err.retryAfterMs ?? 60 * SECOND),
      });
    case 'token-rejected':
      return ApplicationFailure.create({
        message: `token rejected: set a new token and run \`ccp up\` (${err.message})`,
        type: GITHUB_TOKEN_REJECTED,
        nextRetryDelay: tokenRetryDelayMs(attempt),
      });
    case 'unavailable':
      return ApplicationFailure.retryable(err.message, GITHUB_UNAVAILABLE);
  }
}

/** Wraps each activity so its GitHubErrors reach Temporal as the failures above. */
export function withGitHubFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toTemporalFailure(err, Context.current().info.attempt);
      }
    };
  }
  return wrapped as T;
}
