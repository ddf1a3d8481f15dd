// The adapter under GitHub's failure modes, injected into the OpenAPI-validating stand-in: rate limits carry the
// wait GitHub names (and only short ones are waited out in-process), 401 is a token problem, 5xx and hung requests
// are retried, polling is conditional (304), and the activities hand all of it to Temporal as the right failure.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { rateLimitWaitMs } from '../../src/adapters/github-errors.js';
import { createGitHubAdapter, type GitHubAdapterOptions } from '../../src/adapters/github.js';
import { createGitHubActivities } from '../../src/activities/github.js';
import { GITHUB_RATE_LIMITED, GITHUB_REFUSED, GITHUB_TOKEN_REJECTED, GITHUB_UNAVAILABLE } from '../../src/activities/github-failures.js';
import { startGitHubStandIn, type FaultRule, type GitHubStandIn } from '../../src/standin/github/index.js';
import { rejection } from '../helpers/github-errors.js';

const TOKEN = 'ghp_limitsTestToken';
const repo = { owner: 'acme', repo: 'limited' };
const REPO_GET: FaultRule['match'] = { operation: 'repos/get' };

let standIn: GitHubStandIn;

const adapter = (options: Partial<GitHubAdapterOptions> = {}) => createGitHubAdapter({ token: TOKEN, baseUrl: standIn.url, throttle: false, ...options });
const repoRequests = () => standIn.requests().filter((r) => r.operationId === 'repos/get');


/** Runs `fetchIssue` as an activity of the given attempt and returns the ApplicationFailure it throws. */
async function activityFailure(attempt = 1): Promise<ApplicationFailure> {
  const issue = standIn.seedIssue(repo.owner, repo.repo, { title: 'limited', body: '' });
  const activities = createGitHubActivities({ github: adapter() });
  try {
    await new MockActivityEnvironment({ attempt }).run(activities.fetchIssue, { repo, issueNumber: issue.number });
  } catch (error) {
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }
  throw new Error('expected the activity to fail');
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN, repos: [{ ...repo, defaultBranch: 'main' }] });
});

beforeEach(() => standIn.clearFaults());

afterEach(() => {
  expect(standIn.validationErrors).toEqual([]);
});

afterAll(async () => {
  await standIn?.close();
});

describe('rate limits', () => {
  test('a secondary limit surfaces at once with the retry-after wait (no in-process sleeping)', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'secondary-rate-limit', retryAfterSeconds: 3, times: 1 }]);
    const before = repoRequests().length;
    const error = await rejection(adapter().getDefaultBranch(repo));
    expect(error).toMatchObject({ kind: 'rate-limited', status: 403, retryAfterMs: 3000, permanent: false });
    expect(error.message).toMatch(/rate limit hit while trying to read the repository .*waiting 3 s as GitHub asks/);
    expect(repoRequests().length - before).toBe(1);
  });

  test('with throttling on, a short limit is waited out in-process, a long one is handed back', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'secondary-rate-limit', retryAfterSeconds: 1, times: 1 }]);
    let started = Date.now();
    await expect(adapter({ throttle: true }).getDefaultBranch(repo)).resolves.toBe('main');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    standIn.injectFaults([{ match: REPO_GET, fault: 'secondary-rate-limit', retryAfterSeconds: 30, times: 1 }]);
    started = Date.now();
    const error = await rejection(adapter({ throttle: true }).getDefaultBranch(repo));
    expect(error).toMatchObject({ kind: 'rate-limited', retryAfterMs: 30_000 });
    expect(Date.now() - started).toBeLessThan(15_000); // handed back, not waited out in-process (30 s)
  });

  test('a primary limit waits until one second past x-ratelimit-reset', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'rate-limit', resetInSeconds: 120, times: 1 }]);
    const error = await rejection(adapter().getDefaultBranch(repo));
    expect(error.kind).toBe('rate-limited');
    expect(error.retryAfterMs).toBeGreaterThan(118_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(121_000);
  });

  test('429 honours retry-after, waits GitHub\'s minute without one, and is not retried on a fixed backoff', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'too-many-requests', retryAfterSeconds: 2, times: 1 }]);
    const before = repoRequests().length;
    expect(await rejection(adapter().getDefaultBranch(repo))).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 2000 });
    expect(repoRequests().length - before).toBe(1);
    standIn.injectFaults([{ match: REPO_GET, fault: 'too-many-requests', times: 1 }]);
    expect(await rejection(adapter().getDefaultBranch(repo))).toMatchObject({ kind: 'rate-limited', retryAfterMs: 60_000 });
  });

  test('header rules: retry-after first (seconds or a date), then the reset time, then a minute; a plain 403 is no limit', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(rateLimitWaitMs(403, { 'retry-after': '7', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 99) }, '', now)).toBe(7000);
    expect(rateLimitWaitMs(429, { 'retry-after': 'Wed, 01 Jan 2025 00:00:10 GMT' }, '', now)).toBe(10_000);
    expect(rateLimitWaitMs(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 99) }, '', now)).toBe(100_000);
    expect(rateLimitWaitMs(403, {}, 'You have exceeded a secondary rate limit', now)).toBe(60_000);
    // A reset in the past (clock skew) still waits a second; one far ahead is capped at an hour.
    expect(rateLimitWaitMs(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 - 50) }, '', now)).toBe(1000);
    expect(rateLimitWaitMs(403, { 'retry-after': '86400' }, '', now)).toBe(3_600_000);
    expect(rateLimitWaitMs(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration', now)).toBeUndefined();
    expect(rateLimitWaitMs(404, { 'retry-after': '1' }, '', now)).toBeUndefined();
  });
});

describe('tokens, outages and hung requests', () => {
  test('401 is a rejected token, not a refusal', async () => {
    standIn.injectFaults([{ fault: 'bad-credentials', times: 1 }]);
    const error = await rejection(adapter().getDefaultBranch(repo));
    expect(error).toMatchObject({ kind: 'token-rejected', status: 401, permanent: false });
    expect(error.message).toMatch(/GITHUB_TOKEN is missing or invalid: GitHub answered 401 \(Bad credentials\)/);
  });

  test('a short 5xx burst is retried in-process; a lasting one surfaces as unavailable', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'server-error', status: 502, times: 2 }]);
    let before = repoRequests().length;
    await expect(adapter().getDefaultBranch(repo)).resolves.toBe('main');
    expect(repoRequests().length - before).toBe(3);

    standIn.injectFaults([{ match: REPO_GET, fault: 'server-error', status: 503 }]);
    before = repoRequests().length;
    const error = await rejection(adapter().getDefaultBranch(repo));
    expect(error).toMatchObject({ kind: 'unavailable', status: 503 });
    expect(error.message).toMatch(/GitHub failed to read the repository in acme\/limited \(503/);
    expect(repoRequests().length - before).toBe(3);
  });

  test('one request\'s retries do not stretch the next one\'s backoff (one adapter, many requests)', async () => {
    const github = adapter();
    for (let i = 0; i < 2; i++) {
      standIn.injectFaults([{ match: REPO_GET, fault: 'server-error', times: 1 }]);
      const started = Date.now();
      await expect(github.getDefaultBranch(repo)).resolves.toBe('main');
      expect(Date.now() - started).toBeLessThan(3000); // the first retry waits 1 s; a leaked count made it 4 s or more
    }
  });

  test('every request has a timeout: a hung one is abandoned and asked again', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'no-answer', times: 1 }]);
    const started = Date.now();
    await expect(adapter({ requestTimeoutMs: 300 }).getDefaultBranch(repo)).resolves.toBe('main');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const [hung, answered] = repoRequests().slice(-2);
    expect(hung.fault).toBe('no-answer');
    expect(hung.status).toBeUndefined();
    expect(answered.status).toBe(200);

    standIn.injectFaults([{ match: REPO_GET, fault: 'no-answer' }]);
    const error = await rejection(adapter({ requestTimeoutMs: 200 }).getDefaultBranch(repo));
    expect(error).toMatchObject({ kind: 'unavailable', status: undefined });
    expect(error.message).toMatch(/could not reach GitHub at .* no answer within 0.2 s/);
  });

  test('a pull request GitHub opened but whose answer was lost is the one returned when the retry is refused', async () => {
    standIn.injectFaults([{ match: { method: 'POST', path: '/repos/acme/limited/pulls' }, fault: 'answer-lost', times: 1 }]);
    const pullsBefore = standIn.requests().filter((r) => r.operationId === 'pulls/create').length;
    const pr = await adapter().createPullRequest(repo, { head: 'subissue/7', base: 'main', title: 'Lost answer', body: '' });
    const creates = standIn.requests().filter((r) => r.operationId === 'pulls/create').slice(pullsBefore);
    // The first create was carried out and answered 502; the in-process retry was refused as a duplicate.
    expect(creates.map((r) => [r.fault, r.status])).toEqual([['answer-lost', 502], [undefined, 422]]);
    expect(pr).toMatchObject({ state: 'open', head: 'subissue/7', base: 'main' });
    await expect(adapter().findPullRequestByHead(repo, 'subissue/7')).resolves.toEqual(pr);
    // Asked again later (an activity's retry): the same PR. A refusal of another kind stays a refusal.
    await expect(adapter().createPullRequest(repo, { head: 'subissue/7', base: 'main', title: 'Again', body: '' }))
      .resolves.toEqual(pr);
    const refused = await rejection(adapter().createPullRequest(repo, { head: 'elsewhere:subissue/7', base: 'main', title: 'Fork', body: '' }));
    expect(refused).toMatchObject({ status: 422 });
  });

  test('a slow answer is waited for', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'slow', delayMs: 400, times: 1 }]);
    const started = Date.now();
    await expect(adapter().getDefaultBranch(repo)).resolves.toBe('main');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('conditional polling', () => {
  test('an unchanged pull request answers 304 to its ETag; a change answers 200 with a new one', async () => {
    const github = adapter();
    const pr = await github.createPullRequest(repo, { head: 'feature/poll', base: 'main', title: 'Poll me', body: '' });
    const first = await github.pollPullRequest(repo, pr.number);
    if (!first.changed) throw new Error('an unconditional read must answer');
    expect(first.etag).toMatch(/^W\/"[0-9a-f]+"$/);
    const before = standIn.notModifiedCount('pulls/get');
    await expect(github.pollPullRequest(repo, pr.number, first.etag)).resolves.toEqual({ changed: false });
    await expect(github.pollPullRequest(repo, pr.number, first.etag)).resolves.toEqual({ changed: false });
    expect(standIn.notModifiedCount('pulls/get') - before).toBe(2);

    await github.closeIssue(repo, pr.number, 'not_planned');
    const after = await github.pollPullRequest(repo, pr.number, first.etag);
    expect(after).toMatchObject({ changed: true, pr: { state: 'closed', merged: false } });
    expect(after.changed && after.etag).not.toBe(first.etag);
  });
});

describe('the admin endpoint and the activities', () => {
  test('POST/GET/DELETE /_ccp/faults switch faults over HTTP', async () => {
    const admin = (method: string, body?: unknown) =>
      fetch(`${standIn.url}/_ccp/faults`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const added = await admin('POST', { rules: [{ match: { method: 'GET', path: '/repos/.*' }, fault: 'too-many-requests', retryAfterSeconds: 4, times: 1 }] });
    expect(added.status).toBe(201);
    expect(await rejection(adapter().getDefaultBranch(repo))).toMatchObject({ status: 429, retryAfterMs: 4000 });
    expect(await (await admin('GET')).json()).toMatchObject({ rules: [{ fault: 'too-many-requests', hits: 1, times: 1 }] });
    expect((await admin('POST', { rules: [{ fault: 'meteor' }] })).status).toBe(400);
    expect((await admin('DELETE')).status).toBe(204);
    expect(standIn.faults()).toEqual([]);
    const stats = (await (await fetch(`${standIn.url}/_ccp/stats`)).json()) as { requests: unknown[]; notModified: number };
    expect(stats.requests.length).toBeGreaterThan(0);
  });

  test('GitHub failures reach Temporal typed: limits with their wait, a rejected token retried slowly, refusals final', async () => {
    standIn.injectFaults([{ match: REPO_GET, fault: 'secondary-rate-limit', retryAfterSeconds: 3, times: 1 }]);
    const limited = await activityFailure();
    expect(limited).toMatchObject({ type: GITHUB_RATE_LIMITED, nonRetryable: false });
    expect(Number(limited.nextRetryDelay)).toBeGreaterThanOrEqual(3000);
    expect(Number(limited.nextRetryDelay)).toBeLessThanOrEqual(3300);

    standIn.injectFaults([{ fault: 'bad-credentials', times: 4 }]);
    const rejected = await activityFailure(1);
    expect(rejected).toMatchObject({ type: GITHUB_TOKEN_REJECTED, nonRetryable: false, nextRetryDelay: 30_000 });
    expect(rejected.message).toMatch(/^token rejected: set a new token and run `ccp up`/);
    expect((await activityFailure(9)).nextRetryDelay).toBe(300_000);

    standIn.injectFaults([{ match: REPO_GET, fault: 'server-error' }]);
    expect(await activityFailure()).toMatchObject({ type: GITHUB_UNAVAILABLE, nonRetryable: false });
    standIn.clearFaults();

    const activities = createGitHubActivities({ github: adapter() });
    await expect(new MockActivityEnvironment().run(activities.fetchIssue, { repo, issueNumber: 9999 })).rejects.toMatchObject({
      type: GITHUB_REFUSED,
      nonRetryable: true,
    });
  });
});
