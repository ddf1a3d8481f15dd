// Merging through the stand-in performs a real git merge in a bare repository, as GitHub does server-side.
import { createGitHubAdapter, GitHubError, type GitHubAdapter } from '../../src/adapters/github.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/standin/github/index.js';
import { branchSha } from '../../src/standin/github/git-merge.js';
import { createGitFixture, type GitFixture } from './github-git-fixture.js';

const TOKEN = 'ghp_mergeTestToken';
const repo = { owner: 'acme', repo: 'app' };

let fixture: GitFixture;
let standIn: GitHubStandIn;
let github: GitHubAdapter;

beforeAll(async () => {
  fixture = await createGitFixture();
  standIn = await startGitHubStandIn({ token: TOKEN, repos: [{ ...repo, defaultBranch: 'main', bareRepoPath: fixture.originPath }] });
  github = createGitHubAdapter({ token: TOKEN, baseUrl: standIn.url, throttle: false });
});

afterEach(() => {
  expect(standIn.validationErrors).toEqual([]);
});

afterAll(async () => {
  await standIn?.close();
  fixture?.cleanup();
});

describe('reading branches of the bare repository', () => {
  test('loose and packed refs read as git reads them; a deleted branch is gone', async () => {
    await fixture.pushBranch('feature/packed', 'main', { 'packed.txt': 'one\n' });
    const packedSha = await fixture.originGit('rev-parse', 'refs/heads/feature/packed');
    await fixture.originGit('pack-refs', '--all');
    expect(await branchSha(fixture.originPath, 'feature/packed')).toBe(packedSha);
    // A push after packing writes a loose ref, which wins over the packed one.
    await fixture.pushBranch('feature/packed', 'feature/packed', { 'packed.txt': 'two\n' });
    const looseSha = await fixture.originGit('rev-parse', 'refs/heads/feature/packed');
    expect(looseSha).not.toBe(packedSha);
    expect(await branchSha(fixture.originPath, 'feature/packed')).toBe(looseSha);
    await fixture.originGit('update-ref', '-d', 'refs/heads/feature/packed');
    expect(await branchSha(fixture.originPath, 'feature/packed')).toBeUndefined();
    expect(await branchSha(fixture.originPath, 'no-such-branch')).toBeUndefined();
  });
});

describe('merging pull requests in a real bare repository', () => {
  test('merge creates a two-parent merge commit on main and closes the referenced issues', async () => {
    const closes = standIn.seedIssue('acme', 'app', { title: 'needs a farewell', body: '' });
    const resolves = standIn.seedIssue('acme', 'app', { title: 'also this', body: '' });
    const untouched = standIn.seedIssue('acme', 'app', { title: 'merely mentioned', body: '' });
    await fixture.pushBranch('feature/farewell', 'main', { 'farewell.txt': 'goodbye\n' });
    const headSha = await fixture.originGit('rev-parse', 'refs/heads/feature/farewell');
    const mainBefore = await fixture.originGit('rev-parse', 'refs/heads/main');

    const pr = await github.createPullRequest(repo, {
      head: 'feature/farewell',
      base: 'main',
      title: 'Add farewell',
      body: `Closes #${closes.number}\nRESOLVES: acme/app#${resolves.number}\nSee #${untouched.number}`,
    });
    await github.mergePullRequest(repo, pr.number);

    const parents = (await fixture.originGit('rev-list', '--parents', '-n', '1', 'refs/heads/main')).split(' ');
    expect(parents.slice(1)).toEqual([mainBefore, headSha]);
    expect(await fixture.originGit('show', 'refs/heads/main:farewell.txt')).toBe('goodbye');
    expect(await fixture.originGit('log', '-1', '--format=%s', 'refs/heads/main')).toBe(`Merge pull request #${pr.number} from acme/feature/farewell`);

    await expect(github.getPullRequest(repo, pr.number)).resolves.toMatchObject({ merged: true, state: 'closed' });
    expect(standIn.getIssue('acme', 'app', closes.number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(standIn.getIssue('acme', 'app', resolves.number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(standIn.getIssue('acme', 'app', untouched.number)).toMatchObject({ state: 'open' });
    expect(standIn.listPulls('acme', 'app').find((p) => p.number === pr.number)?.pull).toMatchObject({
      merged: true,
      mergeCommitSha: parents[0],
    });
  });

  test('a PR into a branch other than the default merges but closes nothing', async () => {
    const issue = standIn.seedIssue('acme', 'app', { title: 'later', body: '' });
    await fixture.pushBranch('develop', 'main', { 'develop.txt': 'dev\n' });
    await fixture.pushBranch('feature/on-develop', 'develop', { 'extra.txt': 'extra\n' });
    const pr = await github.createPullRequest(repo, { head: 'feature/on-develop', base: 'develop', title: 'Extra', body: `Fixes #${issue.number}` });
    await github.mergePullRequest(repo, pr.number);
    expect(await fixture.originGit('show', 'refs/heads/develop:extra.txt')).toBe('extra');
    expect(standIn.getIssue('acme', 'app', issue.number)).toMatchObject({ state: 'open' });
  });

  test('a conflicting PR is not mergeable: 405, refs untouched, the error says what to do', async () => {
    await fixture.pushBranch('edit/one', 'main', { 'greeting.txt': 'hello from one\n' });
    await fixture.pushBranch('edit/two', 'main', { 'greeting.txt': 'hello from two\n' });
    const first = await github.createPullRequest(repo, { head: 'edit/one', base: 'main', title: 'one', body: '' });
    const second = await github.createPullRequest(repo, { head: 'edit/two', base: 'main', title: 'two', body: '' });
    await github.mergePullRequest(repo, first.number);
    const mainAfterFirst = await fixture.originGit('rev-parse', 'refs/heads/main');

    let error: unknown;
    await github.mergePullRequest(repo, second.number).catch((caught: unknown) => (error = caught));
    expect(error).toBeInstanceOf(GitHubError);
    expect((error as GitHubError).status).toBe(405);
    expect((error as GitHubError).message).toMatch(/cannot be merged .*resolve its conflicts/);
    expect(await fixture.originGit('rev-parse', 'refs/heads/main')).toBe(mainAfterFirst);
    await expect(github.getPullRequest(repo, second.number)).resolves.toMatchObject({ state: 'open', merged: false });
  });

  test('opening a PR needs an existing head with commits the base lacks', async () => {
    const missing = github.createPullRequest(repo, { head: 'no-such-branch', base: 'main', title: 't', body: '' });
    await expect(missing).rejects.toThrow(/head branch no-such-branch does not exist/);
    await fixture.pushBranch('empty', 'main', {});
    const empty = github.createPullRequest(repo, { head: 'empty', base: 'main', title: 't', body: '' });
    await expect(empty).rejects.toThrow(/No commits between main and empty/);
  });
});

describe('stacked pull requests: a PR based on another PR\'s branch', () => {
  // What a person does on GitHub that ccp never does: close or reopen a PR.
  const patchPull = (number: number, patch: { state: 'open' | 'closed' }) => fetch(`${standIn.url}/repos/acme/app/pulls/${number}`, {
    method: 'PATCH', headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  const stack = async (name: string) => {
    await fixture.pushBranch(`${name}/bottom`, 'main', { [`${name}-bottom.txt`]: 'bottom\n' });
    await fixture.pushBranch(`${name}/top`, `${name}/bottom`, { [`${name}-top.txt`]: 'top\n' });
    const bottom = await github.createPullRequest(repo, { head: `${name}/bottom`, base: 'main', title: 'bottom', body: '' });
    const top = await github.createPullRequest(repo, { head: `${name}/top`, base: `${name}/bottom`, title: 'top', body: '' });
    return { bottom, top };
  };

  test('its base can be PATCHed to the default branch; a closed PR keeps its base, a missing base is refused', async () => {
    const { top } = await stack('retarget');
    expect(top.base).toBe('retarget/bottom');
    await expect(github.setPullRequestBase(repo, top.number, 'main')).resolves.toMatchObject({ base: 'main', state: 'open' });
    await expect(github.getPullRequest(repo, top.number)).resolves.toMatchObject({ base: 'main' });
    await expect(github.setPullRequestBase(repo, top.number, 'no-such-branch')).rejects.toThrow(/no-such-branch' was not found/);
    expect((await patchPull(top.number, { state: 'closed' })).status).toBe(200);
    await expect(github.setPullRequestBase(repo, top.number, 'retarget/bottom')).rejects.toThrow(/Cannot change the base branch of a closed pull request/);
  });

  test('merging the top into the bottom branch works like any merge; without auto-delete nothing is retargeted', async () => {
    const { bottom, top } = await stack('plain');
    await github.mergePullRequest(repo, bottom.number);
    expect(await fixture.originGit('rev-parse', '--verify', 'refs/heads/plain/bottom')).toMatch(/^[0-9a-f]{40}$/);
    await expect(github.getPullRequest(repo, top.number)).resolves.toMatchObject({ base: 'plain/bottom', state: 'open' });
    await github.mergePullRequest(repo, top.number);
    expect(await fixture.originGit('show', 'refs/heads/plain/bottom:plain-top.txt')).toBe('top');
  });

  test('with "automatically delete head branches", GitHub retargets the PRs into the merged head, then deletes it', async () => {
    standIn.setRepoSettings('acme', 'app', { deleteBranchOnMerge: true });
    try {
      const { bottom, top } = await stack('auto');
      await github.mergePullRequest(repo, bottom.number);
      await expect(fixture.originGit('rev-parse', '--verify', '--quiet', 'refs/heads/auto/bottom')).rejects.toThrow();
      await expect(github.getPullRequest(repo, top.number)).resolves.toMatchObject({ base: 'main', state: 'open' });
    } finally {
      standIn.setRepoSettings('acme', 'app', { deleteBranchOnMerge: false });
    }
  });

  test('a base branch deleted by hand closes the PRs into it, and they cannot be reopened', async () => {
    const { bottom, top } = await stack('byhand');
    await github.mergePullRequest(repo, bottom.number);
    await standIn.deleteBranch('acme', 'app', 'byhand/bottom');
    await expect(github.getPullRequest(repo, top.number)).resolves.toMatchObject({ base: 'byhand/bottom', state: 'closed', merged: false });
    expect((await patchPull(top.number, { state: 'open' })).status).toBe(422);
  });
});
