// The git adapter against real repositories: a bare "origin" and a clone with an initial commit on main.
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { createGitAdapter } from '../../src/adapters/git.js';

const git = createGitAdapter();
const BRANCH = 'subissue/7';
let root: string;
let bare: string;
let clone: string;
let worktree: string;

// Test setup uses an explicit identity, so it works without any global git config.
const sh = async (cwd: string, ...args: string[]): Promise<string> =>
  String((await execa('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd })).stdout);

beforeAll(async () => {
  root = realpathSync(mkdtempSync(path.join(tmpdir(), 'ccp-git-')));
  bare = path.join(root, 'origin.git');
  clone = path.join(root, 'clone');
  worktree = path.join(root, 'worktrees', 'subissue-7');
  await sh(root, 'init', '-q', '--bare', '-b', 'main', bare);
  await sh(root, 'clone', '-q', bare, clone);
  await sh(clone, 'checkout', '-q', '-b', 'main');
  writeFileSync(path.join(clone, 'README.md'), '# demo\n');
  await sh(clone, 'add', '-A');
  await sh(clone, 'commit', '-q', '-m', 'initial');
  await sh(clone, 'push', '-q', '-u', 'origin', 'main');
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('git adapter', () => {
  it('fetches and knows the current branch and remote', async () => {
    await git.fetch(clone);
    expect(await git.currentBranch(clone)).toBe('main');
    expect(await git.remoteUrl(clone)).toBe(bare);
  });

  it('creates a subissue workspace on a new branch, idempotently: its own clone, pushing to the same origin', async () => {
    const input = { repoPath: clone, workspacePath: worktree, branch: BRANCH, startPoint: 'origin/main' };
    expect(await git.createWorkspace(input)).toEqual({ path: worktree, created: true });
    expect(await git.currentBranch(worktree)).toBe(BRANCH);
    expect(await git.createWorkspace(input)).toEqual({ path: worktree, created: false });
    // Nothing shared with the local clone but objects: its own git dir and config, the same origin.
    expect(await sh(worktree, 'rev-parse', '--absolute-git-dir')).toBe(path.join(worktree, '.git'));
    expect(await git.remoteUrl(worktree)).toBe(bare);
    expect(await sh(worktree, 'rev-parse', 'HEAD')).toBe(await sh(clone, 'rev-parse', 'origin/main'));
    expect(await sh(clone, 'worktree', 'list')).not.toContain(worktree);
    await expect(git.createWorkspace({ ...input, branch: 'subissue/8' })).rejects.toThrow(/already holds a checkout of subissue\/7/);
  });

  it('commits everything once, then has nothing to commit', async () => {
    writeFileSync(path.join(worktree, 'feature.txt'), 'feature\n');
    expect(await git.commitAll(worktree, 'Add feature')).toBe(true);
    expect(await git.commitAll(worktree, 'Nothing')).toBe(false);
    expect(await git.countCommitsAhead(worktree, 'origin/main')).toBe(1);
    expect(await sh(worktree, 'log', '-1', '--format=%s')).toBe('Add feature');
  });

  it('waits out a lock another process holds for a moment, and never runs the repository\'s hooks', async () => {
    const gitDir = await sh(worktree, 'rev-parse', '--absolute-git-dir');
    const lock = path.join(gitDir, 'index.lock');
    writeFileSync(lock, '');
    setTimeout(() => rmSync(lock, { force: true }), 500);
    // A hook the agent could have planted: ccp's own commit must not run it.
    const hooks = path.join(await sh(worktree, 'rev-parse', '--absolute-git-dir'), 'hooks');
    const marker = path.join(root, 'hook-ran');
    writeFileSync(path.join(path.resolve(worktree, hooks), 'pre-commit'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    writeFileSync(path.join(worktree, 'locked.txt'), 'after the lock\n');
    expect(await git.commitAll(worktree, 'Commit after a lock')).toBe(true);
    expect(existsSync(marker)).toBe(false);
    rmSync(path.join(path.resolve(worktree, hooks), 'pre-commit'));
  });

  it('pushes the branch to origin', async () => {
    await git.push(worktree, BRANCH);
    const pushed = await sh(root, '--git-dir', bare, 'rev-parse', BRANCH);
    expect(pushed).toBe(await sh(worktree, 'rev-parse', 'HEAD'));
    await git.push(worktree, BRANCH); // nothing new: still fine
    // No upstream was set: pushing never writes the shared clone's config.
    expect(await sh(worktree, 'config', '--get-regexp', '^branch\\.subissue/7\\.').catch(() => '')).toBe('');
  });

  it('refuses to overwrite remote commits, with a clear error', async () => {
    const other = path.join(root, 'other');
    await sh(root, 'clone', '-q', '-b', BRANCH, bare, other);
    writeFileSync(path.join(other, 'other.txt'), 'other\n');
    await sh(other, 'add', '-A');
    await sh(other, 'commit', '-q', '-m', 'someone else');
    await sh(other, 'push', '-q');
    writeFileSync(path.join(worktree, 'mine.txt'), 'mine\n');
    await git.commitAll(worktree, 'Mine');
    await expect(git.push(worktree, BRANCH)).rejects.toThrow(/git .*push .* refused subissue\/7.*only its own rebases/s);
  });

  it('removes the workspace, and removing twice is fine', async () => {
    await git.removeWorkspace(clone, worktree);
    expect(existsSync(worktree)).toBe(false);
    await git.removeWorkspace(clone, worktree);
  });

  it('re-creates a workspace for a branch pushed earlier: it starts from the pushed commits', async () => {
    await git.fetch(clone);
    const input = { repoPath: clone, workspacePath: worktree, branch: BRANCH, startPoint: 'origin/main' };
    expect((await git.createWorkspace(input)).created).toBe(true);
    // Add feature + Commit after a lock (pushed by ccp) + someone else's: the branch kept its commits.
    expect(await git.countCommitsAhead(worktree, 'origin/main')).toBe(3);
    rmSync(worktree, { recursive: true, force: true });
    expect((await git.createWorkspace(input)).created).toBe(true);
    await git.removeWorkspace(clone, worktree);
  });

  it('removes a worktree an earlier ccp made at the workspace path', async () => {
    await sh(clone, 'worktree', 'add', '-q', '-b', 'subissue/9', worktree, 'origin/main');
    await git.removeWorkspace(clone, worktree);
    expect(existsSync(worktree)).toBe(false);
    expect(await sh(clone, 'worktree', 'list')).not.toContain(worktree);
  });

  it('commits as ccp when no identity is configured, or as the explicit one', async () => {
    const saved = { global: process.env.GIT_CONFIG_GLOBAL, nosystem: process.env.GIT_CONFIG_NOSYSTEM };
    process.env.GIT_CONFIG_GLOBAL = '/dev/null';
    process.env.GIT_CONFIG_NOSYSTEM = '1';
    try {
      const anonymous = createGitAdapter();
      const explicit = createGitAdapter({ identity: { name: 'Bot', email: 'bot@example.com' } });
      writeFileSync(path.join(clone, 'a.txt'), 'a\n');
      expect(await anonymous.commitAll(clone, 'by ccp')).toBe(true);
      expect(await sh(clone, 'log', '-1', '--format=%an <%ae>')).toBe('ccp <ccp@localhost>');
      writeFileSync(path.join(clone, 'b.txt'), 'b\n');
      expect(await explicit.commitAll(clone, 'by bot')).toBe(true);
      expect(await sh(clone, 'log', '-1', '--format=%an <%ae>')).toBe('Bot <bot@example.com>');
    } finally {
      for (const [name, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.nosystem]]) {
        if (value === undefined) delete process.env[name as string];
        else process.env[name as string] = value;
      }
    }
  });

  it('says which command failed', async () => {
    await expect(git.countCommitsAhead(clone, 'no-such-ref')).rejects.toThrow(/git rev-list --count no-such-ref\.\.HEAD failed/);
  });
});
