// What a failed GitHub call means for the caller: refused (stop), rate-limited (wait as long as GitHub says),
// token rejected (wait for a new token), unavailable (retry with backoff). Messages name the object and the fix.
import type { RepoRef } from '../shared/types.js';

export type GitHubFailureKind = 'refused' | 'rate-limited' | 'token-rejected' | 'unavailable';

/** A failed GitHub call, with a message that says what to do. `status`: GitHub's HTTP status (absent: no answer, or a check of ccp's own). */
export class GitHubError extends Error {
  readonly kind: GitHubFailureKind;
  /** Rate-limited: how long GitHub asks to wait (retry-after, x-ratelimit-reset, or its documented one minute). */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    readonly status: number | undefined,
    options: { cause?: unknown; kind: GitHubFailureKind; retryAfterMs?: number },
  ) {
    super(message, { cause: options.cause });
    this.name = 'GitHubError';
    this.kind = options.kind;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Asking again will not help (missing issue, refused input): callers should stop retrying. */
  get permanent(): boolean {
    return this.kind === 'refused';
  }
}

/** GitHub statuses meaning "sub-issues are not available here" (older GHES, feature off). */
const SUB_ISSUES_UNAVAILABLE = new Set([403, 404, 410, 422]);

/** The sub-issues API is not there for this repository: linking is a nicety, and no issue can have sub-issues. A rate
 * limit (403/429) is not a missing feature: only refusals mean that. */
export function subIssuesUnavailable(err: unknown): err is GitHubError {
  return err instanceof GitHubError && err.kind === 'refused' && err.status !== undefined && SUB_ISSUES_UNAVAILABLE.has(err.status);
}

const SECOND = 1000;
// GitHub's advice when a limit names no time: "wait for at least one minute before retrying".
const UNNAMED_LIMIT_WAIT_MS = 60 * SECOND;
// Primary limits reset within the hour; a later reset time means a skewed clock, not a longer wait.
const MAX_LIMIT_WAIT_MS = 60 * 60 * SECOND;

type Headers = Record<string, string | number | undefined>;

export interface HttpFailure {
  status?: number;
  message?: string;
  response?: { data?: unknown; headers?: Headers };
}

/**
 * How long GitHub asks to wait, if this answer is a rate limit: 429 always is; 403 is when it carries retry-after,
 * `x-ratelimit-remaining: 0` or says "rate limit" (secondary limits). Order as GitHub documents it: retry-after,
 * then x-ratelimit-reset, then one minute.
 */
export function rateLimitWaitMs(status: number | undefined, headers: Headers, message: string, now = Date.now()): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headers['retry-after'] === undefined ? undefined : String(headers['retry-after']);
  const exhausted = String(headers['x-ratelimit-remaining']) === '0';
  if (status === 403 && retryAfter === undefined && !exhausted && !/rate limit|abuse/i.test(message)) return undefined;
  const wait = (() => {
    if (retryAfter !== undefined) {
      const seconds = Number(retryAfter);
      if (Number.isFinite(seconds)) return seconds * SECOND;
      const at = Date.parse(retryAfter); // retry-after may also be an HTTP date
      if (Number.isFinite(at)) return at - now;
    }
    const reset = Number(headers['x-ratelimit-reset']);
    // One second past the reset, as GitHub advises: the limit is lifted after it, not at it.
    if (exhausted && Number.isFinite(reset) && reset > 0) return reset * SECOND - now + SECOND;
    return UNNAMED_LIMIT_WAIT_MS;
  })();
  return Math.min(Math.max(wait, SECOND), MAX_LIMIT_WAIT_MS);
}

export function describeFailure(error: HttpFailure): string {
  const data = error.response?.data as { message?: string; errors?: Array<{ message?: string; code?: string; field?: string }> } | undefined;
  const details = (data?.errors ?? []).map((e) => e.message ?? [e.field, e.code].filter(Boolean).join(' ')).filter(Boolean);
  return [data?.message ?? error.message ?? 'unknown error', ...details].join('; ');
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as HttpFailure | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Turns Octokit's errors into typed errors whose messages name the object and the fix. Never includes the token. */
export function wrapError(error: unknown, what: string, repo: RepoRef, baseUrl: string): GitHubError {
  const failure = error as HttpFailure;
  // Octokit reports network failures and timeouts as status 500 without a response: no answer, not GitHub's 500.
  const status = failure.response ? statusOf(failure) : undefined;
  const where = `${repo.owner}/${repo.repo}`;
  const detail = describeFailure(failure);
  const cause = error;
  if (status === undefined) {
    const message = `could not reach GitHub at ${baseUrl} while trying to ${what}: ${detail}. Check the network and the API URL`;
    return new GitHubError(message, undefined, { cause, kind: 'unavailable' });
  }
  if (status === 401) {
    const message = `GITHUB_TOKEN is missing or invalid: GitHub answered 401 (${detail}) to ${what}. Set GITHUB_TOKEN or GH_TOKEN to a valid token, or run \`gh auth login\``;
    return new GitHubError(message, status, { cause, kind: 'token-rejected' });
  }
  const waitMs = rateLimitWaitMs(status, failure.response?.headers ?? {}, detail);
  if (waitMs !== undefined) {
    const message = `GitHub rate limit hit while trying to ${what} in ${where} (${status}: ${detail}); waiting ${Math.ceil(waitMs / SECOND)} s as GitHub asks`;
    return new GitHubError(message, status, { cause, kind: 'rate-limited', retryAfterMs: waitMs });
  }
  if (status >= 500) {
    const message = `GitHub failed to ${what} in ${where} (${status}: ${detail}); retrying later`;
    return new GitHubError(message, status, { cause, kind: 'unavailable' });
  }
  const message = (() => {
    switch (status) {
      case 403:
        return `the GitHub token may not ${what} in ${where} (${status}: ${detail}); grant it read/write access to issues and pull requests`;
      case 404:
        return `cannot ${what}: ${where} or the object was not found (404). Check the repository name and number, and that the token can see the repository`;
      case 422:
        return `GitHub rejected the request to ${what} in ${where}: ${detail}`;
      default:
        return `GitHub refused to ${what} in ${where} (${status}: ${detail})`;
    }
  })();
  return new GitHubError(message, status, { cause, kind: 'refused' });
}
