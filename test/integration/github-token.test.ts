// A token GitHub stops accepting mid-run (401 for ~20 s, starting right after a subissue's branch was pushed),
// through the whole real stack: the host's GitHub work pauses with "token rejected: set a new token and run
// `ccp up`", nothing finished is failed, and the run completes once the token works again.
import { GITHUB_TOKEN_REJECTED } from '../../src/activities/github-failures.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { driveToEnd, originGit, seedAndStart } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { activityRuns, runWorkflowIds, waitUntil } from './github-fault-helpers.js';

const REJECTED_FOR_SECONDS = 20;

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 2 });
});

afterAll(async () => {
  await h?.stop();
});

test('a 401 burst after the branch was pushed pauses GitHub work; the run completes when the token works again', async () => {
  const github = h.offline.github;
  // openPullRequest looks before it creates (GET /pulls?head=…); slowing that first look holds the window open
  // between "pushed" and "PR created" long enough to switch the token off inside it.
  const [look] = github.injectFaults([{ match: { operation: 'pulls/list' }, fault: 'slow', delayMs: 2000, times: 1 }]);
  const { workflowId } = await seedAndStart(h, {
    title: 'Add a token module',
    body: 'The token is rotated mid-run.\n\n- [ ] Write the token function\n- [ ] Document the token function\n',
  });
  await waitUntil('a pushed subissue looks for its PR', () => github.faults().some((f) => f.id === look.id && f.hits > 0));
  github.clearFaults();
  github.injectFaults([{ fault: 'bad-credentials', forSeconds: REJECTED_FOR_SECONDS }]);
  const rejectedAt = Date.now();
  const pushed = (await originGit(h, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/subissue/')).split('\n').filter(Boolean);
  expect(pushed.length).toBeGreaterThan(0);

  // No reviewing while the token is rejected (the reviewer uses the same token).
  await sleep(REJECTED_FOR_SECONDS * 1000);
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(status.subissues.map((s) => s.phase)).toEqual(['merged', 'merged']);
  const rejected = github.requests().filter((r) => r.fault === 'bad-credentials');
  expect(rejected.length).toBeGreaterThan(0);
  expect(rejected.every((r) => r.status === 401 && r.at >= rejectedAt)).toBe(true);

  // The pushed subissue's PR waited for the token (retried, not failed), with the message that says what to do.
  const { runs, failed } = await activityRuns(h, runWorkflowIds(workflowId, status));
  expect(failed).toEqual([]);
  const paused = runs.filter((r) => r.lastFailure?.type === GITHUB_TOKEN_REJECTED);
  expect(paused.map((r) => r.activity)).toContain('openPullRequest');
  for (const run of paused) expect(run.lastFailure?.message).toMatch(/^token rejected: set a new token and run `ccp up` \(GITHUB_TOKEN is missing or invalid: GitHub answered 401/);
  expect(github.validationErrors).toEqual([]);
});
