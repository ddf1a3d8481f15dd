// GitHub failing mid-run, through the whole real stack (Temporal, pueued, tmux, git, Claude Code on the scripted
// model, the OpenAPI-validating stand-in with injected faults): every limit and outage is waited out and the run
// completes; polling for the merge costs 304s, not rate limit.
import type { FaultRule, RequestRecord } from '../../src/standin/github/index.js';
import { GITHUB_RATE_LIMITED, GITHUB_UNAVAILABLE } from '../../src/activities/github-failures.js';
import { SUBISSUE_LABEL } from '../../src/core/templates.js';
import { driveToEnd, seedAndStart } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { activityRuns, runWorkflowIds, waitUntil } from './github-fault-helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 2 });
});

afterAll(async () => {
  await h?.stop();
});

/** Gaps between a faulted answer of `operationId` and the next request for it (how long the caller waited). */
function waitsAfterFaults(requests: RequestRecord[], operationId: string): number[] {
  const mine = requests.filter((r) => r.operationId === operationId);
  return mine.flatMap((r, i) => (r.fault && mine[i + 1] ? [mine[i + 1].at - r.at] : []));
}

test('rate limits, 429, a 5xx burst, slow and hung requests mid-run are waited out and the run completes', async () => {
  const github = h.offline.github;
  const rules: FaultRule[] = [
    // fetchIssue: more 502s than the in-process retries absorb, so Temporal retries the activity too.
    { match: { operation: 'repos/get' }, fault: 'server-error', status: 502, times: 4 },
    // createSubissues: a secondary limit twice, then a 429 while linking.
    { match: { operation: 'issues/create' }, fault: 'secondary-rate-limit', retryAfterSeconds: 3, times: 2 },
    { match: { operation: 'issues/add-sub-issue' }, fault: 'too-many-requests', retryAfterSeconds: 2, times: 1 },
    // openPullRequest: the primary limit, exhausted until a reset 2 s ahead.
    { match: { method: 'POST', path: '/repos/[^/]+/[^/]+/pulls' }, fault: 'rate-limit', resetInSeconds: 2, times: 1 },
    { match: { operation: 'issues/list-comments' }, fault: 'slow', delayMs: 1500, times: 2 },
    // waitForMerge: one conditional poll that never gets an answer.
    { match: { operation: 'pulls/get', conditional: true }, fault: 'no-answer', times: 1 },
  ];
  github.injectFaults(rules);
  const { issueNumber, workflowId } = await seedAndStart(h, {
    title: 'Add a limited module',
    body: 'GitHub is busy today.\n\n- [ ] Write the limited function\n- [ ] Document the limited function\n',
  });

  // The reviewer holds back until the merge polls were answered 304 (nothing changed, no rate limit spent).
  // (Generous: under load planning and two sessions take minutes before the first PR is polled.)
  await waitUntil('merge polls are answered 304', () => github.notModifiedCount('pulls/get') >= 2, 240_000);
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(status.phase).toBe('closed');
  expect(status.subissues.map((s) => s.phase)).toEqual(['merged', 'merged']);
  expect(github.getIssue(h.repo.owner, h.repo.repo, issueNumber)?.state).toBe('closed');
  // Each subissue once, despite createSubissues running several times (look-before-create).
  expect(github.listIssues(h.repo.owner, h.repo.repo).filter((i) => i.labels.includes(SUBISSUE_LABEL))).toHaveLength(2);
  expect(github.subIssues(h.repo.owner, h.repo.repo, issueNumber)).toHaveLength(2);

  // Every fault happened, as many times as it was told to.
  expect(github.faults().map((f) => [f.fault, f.hits])).toEqual(rules.map((r) => [r.fault, r.times]));
  // Waited as long as GitHub said (createSubissues is one activity, so its requests follow one another).
  const requests = github.requests();
  const [createWaits, linkWaits] = [waitsAfterFaults(requests, 'issues/create'), waitsAfterFaults(requests, 'issues/add-sub-issue')];
  expect([createWaits.length, linkWaits.length]).toEqual([2, 1]);
  for (const wait of createWaits) expect(wait).toBeGreaterThanOrEqual(3000);
  for (const wait of linkWaits) expect(wait).toBeGreaterThanOrEqual(2000);
  expect(requests.find((r) => r.fault === 'no-answer')?.status).toBeUndefined();

  // Temporal retried the activities after typed failures, and none failed for good.
  const { runs, failed } = await activityRuns(h, runWorkflowIds(workflowId, status));
  expect(failed).toEqual([]);
  const retried = (type: string) => runs.filter((r) => r.lastFailure?.type === type).map((r) => r.activity);
  expect(retried(GITHUB_RATE_LIMITED)).toEqual(expect.arrayContaining(['createSubissues', 'openPullRequest']));
  expect(retried(GITHUB_UNAVAILABLE)).toContain('fetchIssue');
  expect(runs.find((r) => r.activity === 'createSubissues')?.attempt).toBe(4);
  expect(github.validationErrors).toEqual([]);
}, 480_000);
