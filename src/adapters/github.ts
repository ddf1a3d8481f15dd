// GitHub adapter: the only module that talks to GitHub (Octokit). Typed interface + factory.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { IssueSummary, PullRequestRef, RepoRef } from '../shared/types.js';
import { describeFailure, GitHubError, statusOf, wrapError, type HttpFailure } from './github-errors.js';

export { GitHubError, subIssuesUnavailable, type GitHubFailureKind } from './github-errors.js';

export interface CreateIssueInput {
  title: string;
  body: string;
  labels?: string[];
}

export interface CreatePullRequestInput {
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface GitHubAdapter {
  getIssue(repo: RepoRef, issueNumber: number): Promise<IssueSummary>;
  createIssue(repo: RepoRef, input: CreateIssueInput): Promise<IssueSummary>;
  /** Look-before-create: an open or closed issue carrying `label` whose body contains `marker`. */
  findIssueByMarker(repo: RepoRef, label: string, marker: string): Promise<IssueSummary | undefined>;
  /** Links `subIssueId` (an issue **id**) under the parent issue number; idempotent. */
  addSubIssue(repo: RepoRef, parentNumber: number, subIssueId: number): Promise<void>;
  /** The parent's sub-issues (GitHub's sub-issues API), in their order there, open and closed. */
  listSubIssues(repo: RepoRef, parentNumber: number): Promise<IssueSummary[]>;
  createPullRequest(repo: RepoRef, input: CreatePullRequestInput): Promise<PullRequestRef>;
  /** The newest PR whose head is `branch` (in the same repo), open or closed. */
  findPullRequestByHead(repo: RepoRef, branch: string): Promise<PullRequestRef | undefined>;
  getPullRequest(repo: RepoRef, pullNumber: number): Promise<PullRequestRef>;
  /**
   * Conditional read for polling: given the ETag of an earlier answer, GitHub answers 304 while nothing changed,
   * and a 304 costs no rate limit.
   */
  pollPullRequest(repo: RepoRef, pullNumber: number, etag?: string): Promise<PolledPullRequest>;
  mergePullRequest(repo: RepoRef, pullNumber: number): Promise<void>;
  /** Points an open PR at another base branch (`PATCH …/pulls/{n}` with `base`); GitHub refuses it for a closed PR. */
  setPullRequestBase(repo: RepoRef, pullNumber: number, base: string): Promise<PullRequestRef>;
  /** One comment per `marker` (a hidden HTML comment inside `body`): updated in place, created only if missing. */
  upsertComment(repo: RepoRef, issueNumber: number, marker: string, body: string): Promise<void>;
  closeIssue(repo: RepoRef, issueNumber: number, reason: 'completed' | 'not_planned'): Promise<void>;
  ensureLabel(repo: RepoRef, name: string, color: string, description: string): Promise<void>;
  getDefaultBranch(repo: RepoRef): Promise<string>;
}

export type PolledPullRequest = { changed: true; pr: PullRequestRef; etag?: string } | { changed: false };

export interface GitHubAdapterOptions {
  token: string;
  /** https://api.github.com by default; the offline stand-in's URL in tests and the demo. */
  baseUrl?: string;
  /** GitHub's write spacing (≥ 1 s) and in-process waits for short limits. Only ever disabled against the local stand-in. */
  throttle?: boolean;
  userAgent?: string;
  /** Longest wait for one answer (30 s by default): a hung request becomes a retryable failure. */
  requestTimeoutMs?: number;
}

const DEFAULT_BASE_URL = 'https://api.github.com';
// GitHub itself gives up on a REST request after 10 s; 30 s leaves room for a slow network.
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
// Limits shorter than this are waited out in-process (twice at most); longer ones surface as rate-limited
// GitHubErrors, which the activities turn into durable Temporal retries (src/activities/github-failures.ts).
const IN_PROCESS_LIMIT_WAIT_S = 5;
const IN_PROCESS_LIMIT_RETRIES = 2;
// 5xx and network failures: two quick in-process retries (1 s, 4 s), then Temporal's backoff takes over.
const IN_PROCESS_RETRIES = 2;

/** Null-body statuses: a Response with a body cannot be built for these. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * fetch with a deadline for the whole answer, body included (a body that stalls halfway would otherwise reach
 * Octokit as an empty result). A timeout becomes an error Octokit retries like any network failure.
 */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    try {
      const response = await fetch(input, { ...init, signal });
      const body = NO_BODY.has(response.status) ? null : await response.arrayBuffer();
      const buffered = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(buffered, 'url', { value: response.url });
      return buffered;
    } catch (error) {
      if (deadline.aborted) throw new Error(`no answer within ${timeoutMs / 1000} s`, { cause: error });
      throw error;
    }
  };
}

type IssueLike = { number: number; id: number; title: string; body?: string | null; state: string; html_url: string };
type PullLike = {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at: string | null;
  head: { ref: string };
  base: { ref: string };
};

const toIssue = (issue: IssueLike): IssueSummary => ({
  number: issue.number,
  id: issue.id,
  title: issue.title,
  body: issue.body ?? '',
  state: issue.state === 'closed' ? 'closed' : 'open',
  url: issue.html_url,
});

// List results carry merged_at but no `merged`.
const toPull = (pull: PullLike): PullRequestRef => ({
  number: pull.number,
  url: pull.html_url,
  state: pull.state === 'closed' ? 'closed' : 'open',
  merged: pull.merged ?? pull.merged_at !== null,
  head: pull.head.ref,
  base: pull.base.ref,
});

export function createGitHubAdapter(options: GitHubAdapterOptions): GitHubAdapter {
  const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
  const Client = Octokit.plugin(throttling, retry);
  type Logger = { log: { warn(message: string): void } };
  const onLimit = (limit: string) => (retryAfter: number, request: { method: string; url: string }, octokit: Logger, retryCount: number) => {
    const again = retryAfter <= IN_PROCESS_LIMIT_WAIT_S && retryCount < IN_PROCESS_LIMIT_RETRIES;
    octokit.log.warn(`GitHub ${limit} rate limit on ${request.method} ${request.url}; ${again ? `retrying in ${retryAfter}s` : `waiting ${retryAfter}s outside this request`}`);
    return again;
  };
  const octokit = new Client({
    auth: options.token,
    baseUrl,
    userAgent: options.userAgent ?? 'ccp',
    request: { fetch: fetchWithTimeout(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) },
    throttle: options.throttle === false
      ? { enabled: false }
      : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
    // Retry only what can be transient (5xx, network, timeouts); 405/409 (not mergeable, head moved) are answers,
    // and 429 must wait as long as GitHub says, not on this plugin's fixed backoff.
    retry: { doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 429, 451], retries: IN_PROCESS_RETRIES },
    // Failed requests surface as GitHubError with a better message; Octokit's own per-request error log is noise.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => console.warn(message), error: () => {} },
  });
  // Octokit shares one `options.request` object between all requests, and the retry plugins keep their
  // retryCount in it: one request's retries would stretch the next one's backoff (1 s → 16 s). Each request gets
  // its own copy. In place: this hook is added last, so it runs first, and the plugins' hooks hold the same
  // per-request options object (before-after-hook binds it; a new object passed on would not reach them).
  octokit.hook.wrap('request', (request, requestOptions) => {
    requestOptions.request = { ...requestOptions.request };
    return request(requestOptions);
  });

  async function call<T>(what: string, repo: RepoRef, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof GitHubError) throw error;
      throw wrapError(error, what, repo, baseUrl);
    }
  }
  const at = (repo: RepoRef) => ({ owner: repo.owner, repo: repo.repo });

  const getPullRequest = (repo: RepoRef, pullNumber: number) =>
    call(`read pull request #${pullNumber}`, repo, async () => toPull((await octokit.rest.pulls.get({ ...at(repo), pull_number: pullNumber })).data));

  const pollPullRequest = (repo: RepoRef, pullNumber: number, etag?: string) =>
    call(`read pull request #${pullNumber}`, repo, async (): Promise<PolledPullRequest> => {
      try {
        const { data, headers } = await octokit.rest.pulls.get({
          ...at(repo),
          pull_number: pullNumber,
          ...(etag ? { headers: { 'if-none-match': etag } } : {}),
        });
        return { changed: true, pr: toPull(data), ...(headers.etag ? { etag: headers.etag } : {}) };
      } catch (error) {
        if (statusOf(error) === 304) return { changed: false };
        throw error;
      }
    });

  /** The newest PR (any state) from `branch` of the repo itself. */
  const latestPullFrom = async (repo: RepoRef, branch: string): Promise<PullRequestRef | undefined> => {
    const { data } = await octokit.rest.pulls.list({
      ...at(repo), head: `${repo.owner}:${branch}`, state: 'all', sort: 'created', direction: 'desc', per_page: 1,
    });
    return data[0] && toPull(data[0]);
  };

  const subIssuesOf = (repo: RepoRef, parentNumber: number) =>
    octokit.paginate(octokit.rest.issues.listSubIssues, { ...at(repo), issue_number: parentNumber, per_page: 100 });

  return {
    getIssue: (repo, issueNumber) =>
      call(`read issue #${issueNumber}`, repo, async () => {
        const { data } = await octokit.rest.issues.get({ ...at(repo), issue_number: issueNumber });
        if (data.pull_request) {
          throw new GitHubError(`#${issueNumber} in ${repo.owner}/${repo.repo} is a pull request, not an issue: pass an issue number`, undefined, { kind: 'refused' });
        }
        return toIssue(data);
      }),

    createIssue: (repo, input) =>
      call(`create issue "${input.title}"`, repo, async () => toIssue((await octokit.rest.issues.create({ ...at(repo), ...input })).data)),

    findIssueByMarker: (repo, label, marker) =>
      // Listing by label, not the search API: search's index lags behind writes by seconds to minutes.
      call(`list issues labelled ${label}`, repo, async () => {
        const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
          ...at(repo),
          labels: label,
          state: 'all',
          sort: 'created',
          direction: 'asc', // the oldest match wins, so duplicates from a race resolve the same way every time
          per_page: 100,
        });
        for await (const page of pages) {
          const found = page.data.find((issue) => !issue.pull_request && (issue.body ?? '').includes(marker));
          if (found) return toIssue(found);
        }
        return undefined;
      }),

    addSubIssue: (repo, parentNumber, subIssueId) =>
      call(`link issue id ${subIssueId} under #${parentNumber}`, repo, async () => {
        try {
          await octokit.rest.issues.addSubIssue({ ...at(repo), issue_number: parentNumber, sub_issue_id: subIssueId });
        } catch (error) {
          if (statusOf(error) !== 422) throw error;
          // 422 covers "already linked" (fine: idempotent) and real refusals; the parent's list tells them apart.
          if (!(await subIssuesOf(repo, parentNumber)).some((child) => child.id === subIssueId)) throw error;
        }
      }),

    listSubIssues: (repo, parentNumber) =>
      call(`list the sub-issues of #${parentNumber}`, repo, async () => (await subIssuesOf(repo, parentNumber)).map(toIssue)),

    createPullRequest: (repo, input) =>
      call(`open a pull request from ${input.head} into ${input.base}`, repo, async () => {
        try {
          return toPull((await octokit.rest.pulls.create({ ...at(repo), ...input })).data);
        } catch (error) {
          if (statusOf(error) !== 422) throw error;
          // A retried create whose first try GitHub carried out (its answer lost to a timeout or a 502) is refused
          // with "A pull request already exists": that open PR from the same head is the one asked for.
          const open = await latestPullFrom(repo, input.head);
          if (open?.state === 'open' && open.base === input.base) return open;
          throw error;
        }
      }),

    findPullRequestByHead: (repo, branch) =>
      call(`list pull requests from ${branch}`, repo, () => latestPullFrom(repo, branch)),

    getPullRequest,
    pollPullRequest,

    mergePullRequest: (repo, pullNumber) =>
      call(`merge pull request #${pullNumber}`, repo, async () => {
        try {
          await octokit.rest.pulls.merge({ ...at(repo), pull_number: pullNumber, merge_method: 'merge' });
        } catch (error) {
          const status = statusOf(error);
          if (status !== 405 && status !== 409) throw error;
          // Retried after a merge whose answer was lost: already merged is success.
          if ((await getPullRequest(repo, pullNumber)).merged) return;
          throw new GitHubError(
            `pull request #${pullNumber} in ${repo.owner}/${repo.repo} cannot be merged (${describeFailure(error as HttpFailure)}): resolve its conflicts or update the branch, then retry`,
            status,
            { cause: error, kind: 'refused' },
          );
        }
      }),

    setPullRequestBase: (repo, pullNumber, base) =>
      call(`point pull request #${pullNumber} at ${base}`, repo, async () =>
        toPull((await octokit.rest.pulls.update({ ...at(repo), pull_number: pullNumber, base })).data)),

    upsertComment: (repo, issueNumber, marker, body) =>
      call(`update the ccp comment on #${issueNumber}`, repo, async () => {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...at(repo), issue_number: issueNumber, per_page: 100 });
        const mine = comments.find((c) => c.body?.includes(marker));
        if (!mine) await octokit.rest.issues.createComment({ ...at(repo), issue_number: issueNumber, body });
        else if (mine.body !== body) await octokit.rest.issues.updateComment({ ...at(repo), comment_id: mine.id, body });
      }),

    closeIssue: (repo, issueNumber, reason) =>
      call(`close issue #${issueNumber}`, repo, async () => {
        await octokit.rest.issues.update({ ...at(repo), issue_number: issueNumber, state: 'closed', state_reason: reason });
      }),

    ensureLabel: (repo, name, color, description) =>
      call(`create label ${name}`, repo, async () => {
        try {
          await octokit.rest.issues.getLabel({ ...at(repo), name });
          return;
        } catch (error) {
          if (statusOf(error) !== 404) throw error;
        }
        try {
          await octokit.rest.issues.createLabel({ ...at(repo), name, color: color.replace(/^#/, ''), description });
        } catch (error) {
          // Someone else created it between our read and write.
          if (statusOf(error) !== 422) throw error;
          await octokit.rest.issues.getLabel({ ...at(repo), name });
        }
      }),

    getDefaultBranch: (repo) =>
      call('read the repository', repo, async () => (await octokit.rest.repos.get(at(repo))).data.default_branch),
  };
}

const run = promisify(execFile);

/**
 * The token ccp uses: GITHUB_TOKEN, then GH_TOKEN, then `gh auth token` (for GH_HOST when set) if the GitHub CLI
 * is installed and logged in; undefined when there is none.
 */
export async function resolveGitHubToken(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  const args = ['auth', 'token', ...(env.GH_HOST ? ['--hostname', env.GH_HOST] : [])];
  try {
    // PATH and HOME so gh can be found and read its login even when the caller passes a minimal environment.
    const { stdout } = await run('gh', args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined; // gh missing or not logged in
  }
}
