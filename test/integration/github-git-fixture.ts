// A real bare "origin" repository plus a working clone, for the GitHub stand-in's merge tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export interface GitFixture {
  dir: string;
  originPath: string;
  clonePath: string;
  /** git in the clone */
  git(...args: string[]): Promise<string>;
  /** git in the bare origin */
  originGit(...args: string[]): Promise<string>;
  /** Branches off `from`, writes `files`, commits (unless there are none) and pushes. */
  pushBranch(branch: string, from: string, files: Record<string, string>): Promise<void>;
  cleanup(): void;
}

async function gitIn(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, ...IDENTITY } });
  return stdout.trim();
}

export async function createGitFixture(): Promise<GitFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccp-github-standin-'));
  const originPath = path.join(dir, 'origin.git');
  const clonePath = path.join(dir, 'clone');
  await gitIn(dir, ['init', '--quiet', '--bare', '--initial-branch=main', originPath]);
  await gitIn(dir, ['clone', '--quiet', originPath, clonePath]);
  const git = (...args: string[]) => gitIn(clonePath, args);

  const commitFiles = async (files: Record<string, string>, message: string) => {
    for (const [name, content] of Object.entries(files)) writeFileSync(path.join(clonePath, name), content);
    await git('add', '--all');
    await git('commit', '--quiet', '-m', message);
  };
  await git('checkout', '--quiet', '-b', 'main');
  await commitFiles({ 'README.md': '# fixture\n', 'greeting.txt': 'hello\n' }, 'initial commit');
  await git('push', '--quiet', 'origin', 'main');

  return {
    dir,
    originPath,
    clonePath,
    git,
    originGit: (...args) => gitIn(originPath, args),
    pushBranch: async (branch, from, files) => {
      await git('fetch', '--quiet', 'origin');
      await git('checkout', '--quiet', '-B', branch, `origin/${from}`);
      if (Object.keys(files).length > 0) await commitFiles(files, `change on ${branch}`);
      await git('push', '--quiet', '--force', 'origin', branch);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
