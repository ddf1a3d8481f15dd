// Host activities over a real git clone, run through Temporal's activity test environment.
import { MockActivityEnvironment } from '@temporalio/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createHostActivities } from '../../src/activities/host.js';
import { createGitAdapter } from '../../src/adapters/git.js';
import { createScratchRepo, type ScratchRepo } from '../../src/offline/scratch-repo.js';
import { runningWorkerInfo, workerMismatch } from '../../src/stack/worker-info.js';

let dir: string;
let scratch: ScratchRepo;
const repo = { owner: 'octo', repo: 'hello' };

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-host-');
  scratch = await createScratchRepo(path.join(dir, 'git'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function activities() {
  return createHostActivities({ git: createGitAdapter(), repoPath: scratch.clonePath, worktreesDir: path.join(dir, 'wt'), repo });
}

test('work for another repository is refused, without touching the clone', async () => {
  const env = new MockActivityEnvironment();
  await expect(
    env.run(activities().prepareWorktree, { repo: { owner: 'octo', repo: 'other' }, label: 'subissue-1', branch: 'subissue/1', startPoint: 'origin/main' }),
  ).rejects.toThrow(/clone .* is octo\/hello, not octo\/other: run a ccp worker from a clone of that repository/);
});

test('concurrent worktrees on one clone all succeed (fetches shared, clones a few at a time, removals side by side)', async () => {
  const acts = activities();
  const results = await Promise.all(
    [11, 12, 13, 14].map(
      (n) =>
        new MockActivityEnvironment().run(acts.prepareWorktree, { repo, label: `subissue-${n}`, branch: `subissue/${n}`, startPoint: 'origin/main' }) as Promise<{ path: string }>,
    ),
  );
  expect(results.map((r) => path.basename(r.path))).toEqual(['subissue-11', 'subissue-12', 'subissue-13', 'subissue-14']);
  await Promise.all(results.map((r) => new MockActivityEnvironment().run(acts.removeWorktree, { worktreePath: r.path })));
});

test('a worker serving one repository says why it cannot take another', () => {
  const info = { pid: process.pid, repo, repoPath: '/src/hello', workers: 3 };
  expect(workerMismatch(info, repo)).toBeUndefined();
  expect(workerMismatch(info, { owner: 'octo', repo: 'other' })).toMatch(/works on octo\/hello .* run `ccp down` first/);
  expect(runningWorkerInfo({ paths: { run: dir } } as never)).toBeUndefined();
});
