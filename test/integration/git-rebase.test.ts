// Stacked branches with the git adapter on real repositories: a dependent branched off its dependency's branch is
// rebased onto main once the dependency merged (only its own commits move), conflicts stop the rebase until the
// files are resolved, and the rebased branch is force-pushed with a lease.
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { createGitAdapter } from '../../src/adapters/git.js';

const git = createGitAdapter();
let root: string;
let bare: string;
let clone: string;
let reviewer: string;

const sh = async (cwd: string, ...args: string[]): Promise<string> =>
  String((await execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd })).stdout);

const commitFile = async (cwd: string, file: string, content: string, message: string) => {
  writeFileSync(path.join(cwd, file), content);
  await sh(cwd, 'add', '-A');
  await sh(cwd, 'commit', '-q', '-m', message);
};

/** What GitHub does when a PR is merged (a merge commit on main), done in a clone of the reviewer's. */
const mergeIntoMain = async (branch: string) => {
  await sh(reviewer, 'fetch', '-q', 'origin');
  await sh(reviewer, 'checkout', '-q', '-B', 'main', 'origin/main');
  await sh(reviewer, 'merge', '-q', '--no-ff', '-m', `Merge ${branch}`, `origin/${branch}`);
  await sh(reviewer, 'push', '-q', 'origin', 'main');
};

const workspace = async (n: number, startPoint: string) => {
  await git.fetch(clone);
  return (await git.createWorkspace({ repoPath: clone, workspacePath: path.join(root, 'ws', `subissue-${n}`),
    branch: `subissue/${n}`, startPoint })).path;
};

/** A dependency (subissue/<n>) with one pushed commit, and its dependent stacked on it (subissue/<n+1>) with one. */
const stackedPair = async (n: number, dependentFile: string) => {
  const dep = await workspace(n, 'origin/main');
  await commitFile(dep, `dep-${n}.txt`, 'dependency\n', `dependency ${n}`);
  await git.push(dep, `subissue/${n}`);
  const top = await workspace(n + 1, `origin/subissue/${n}`);
  const forkPoint = await git.mergeBase(top, 'HEAD', `origin/subissue/${n}`);
  await commitFile(top, dependentFile, 'dependent\n', `dependent ${n + 1}`);
  await git.push(top, `subissue/${n + 1}`);
  return { dep, top, forkPoint };
};

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'ccp-git-rebase-')));
  bare = path.join(root, 'origin.git');
  clone = path.join(root, 'clone');
  reviewer = path.join(root, 'reviewer');
  await sh(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await sh(root, 'clone', '-q', bare, clone);
  await sh(clone, 'checkout', '-q', '-b', 'main');
  await commitFile(clone, 'README.md', '# demo\n', 'initial');
  await sh(clone, 'push', '-q', '-u', 'origin', 'main');
  await sh(root, 'clone', '-q', bare, reviewer);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('after the dependency merged, only the dependent\'s own commits move onto main; the push needs a lease', async () => {
  const { dep, top, forkPoint } = await stackedPair(1, 'top-2.txt');
  // A review fix on the dependency after the dependent branched off: it reaches main with the merge, not twice.
  await commitFile(dep, 'dep-1.txt', 'dependency, reviewed\n', 'review fix');
  await git.push(dep, 'subissue/1');
  await mergeIntoMain('subissue/1');

  await git.fetch(clone);
  await git.syncRemoteRefs(top, clone);
  expect(await git.rebaseOnto(top, 'origin/main', forkPoint)).toEqual({ done: true });
  expect((await sh(top, 'log', '--format=%s', 'origin/main..HEAD')).split('\n')).toEqual(['dependent 2']);
  expect(readFileSync(path.join(top, 'dep-1.txt'), 'utf8')).toBe('dependency, reviewed\n');

  // Without force the rewritten branch is refused; with the lease it goes.
  await expect(git.push(top, 'subissue/2')).rejects.toThrow(/refused subissue\/2/);
  await git.push(top, 'subissue/2', 'origin', { force: true });
  expect(await sh(root, '--git-dir', bare, 'rev-parse', 'subissue/2')).toBe(await sh(top, 'rev-parse', 'HEAD'));

  // Someone pushed to the branch since this checkout last looked: the lease refuses to overwrite it.
  const other = path.join(root, 'other');
  await sh(root, 'clone', '-q', '-b', 'subissue/2', bare, other);
  await commitFile(other, 'other.txt', 'other\n', 'someone else');
  await sh(other, 'push', '-q');
  await sh(top, 'commit', '-q', '--amend', '-m', 'dependent 2, amended');
  await expect(git.push(top, 'subissue/2', 'origin', { force: true })).rejects.toThrow(/refused subissue\/2/);
});

/** Main changes `file` after the dependency merged, so the dependent's change of it conflicts. */
const mainWrites = async (file: string, content: string) => {
  await sh(reviewer, 'pull', '-q', 'origin', 'main');
  await commitFile(reviewer, file, content, `main writes ${file}`);
  await sh(reviewer, 'push', '-q', 'origin', 'main');
};

const rebaseAfterMerge = async (n: number, file: string) => {
  const { top, forkPoint } = await stackedPair(n, file);
  await mergeIntoMain(`subissue/${n}`);
  await mainWrites(file, `from main ${n}\n`);
  await git.fetch(clone);
  await git.syncRemoteRefs(top, clone);
  return { top, outcome: await git.rebaseOnto(top, 'origin/main', forkPoint) };
};

test('conflicts stop the rebase until the files are resolved', async () => {
  const { top, outcome } = await rebaseAfterMerge(3, 'shared.txt');
  expect(outcome).toEqual({ done: false, conflicts: ['shared.txt'] });
  expect(readFileSync(path.join(top, 'shared.txt'), 'utf8')).toMatch(/^<<<<<<< /m);
  // Markers left in (staged or not) are no resolution.
  await sh(top, 'add', 'shared.txt');
  expect(await git.continueRebase(top)).toEqual({ done: false, conflicts: ['shared.txt'] });

  writeFileSync(path.join(top, 'shared.txt'), 'from main 3\nand the dependent\n');
  expect(await git.continueRebase(top)).toEqual({ done: true });
  expect(await git.continueRebase(top)).toEqual({ done: true }); // nothing in progress: fine
  expect((await sh(top, 'log', '--format=%s', 'origin/main..HEAD')).split('\n')).toEqual(['dependent 4']);
  expect(readFileSync(path.join(top, 'shared.txt'), 'utf8')).toBe('from main 3\nand the dependent\n');
});

test('a resolution that leaves a commit empty drops that commit', async () => {
  const { top, outcome } = await rebaseAfterMerge(5, 'other-shared.txt');
  expect(outcome).toEqual({ done: false, conflicts: ['other-shared.txt'] });
  writeFileSync(path.join(top, 'other-shared.txt'), 'from main 5\n');
  expect(await git.continueRebase(top)).toEqual({ done: true });
  expect(await sh(top, 'rev-parse', 'HEAD')).toBe(await sh(top, 'rev-parse', 'origin/main'));
});
