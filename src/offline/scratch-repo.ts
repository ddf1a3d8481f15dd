// A scratch git repository with a bare "origin" (as GitHub would hold it), for the demo and the tests.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ScratchRepo {
  /** Bare repository playing GitHub's copy; the GitHub stand-in merges PRs into it. */
  originPath: string;
  /** The local clone ccp works from. */
  clonePath: string;
  defaultBranch: string;
}


export async function createScratchRepo(dir: string, defaultBranch = 'main'): Promise<ScratchRepo> {
  const originPath = path.join(dir, 'origin.git');
  const clonePath = path.join(dir, 'repo');
  mkdirSync(dir, { recursive: true });
  await execa('git', ['init', '-q', '--bare', `--initial-branch=${defaultBranch}`, originPath]);
  await execa('git', ['init', '-q', `--initial-branch=${defaultBranch}`, clonePath]);
  writeFileSync(path.join(clonePath, 'README.md'), '# Scratch project\n\nA repository ccp works on in its demo.\n');
  const git = (...args: string[]) => execa('git', ['-C', clonePath, ...args]);
  // A repository-local identity, as a developer's clone has: the agent commits in worktrees of this clone, with
  // a HOME of its own that has no global git config.
  await git('config', 'user.name', 'ccp demo');
  await git('config', 'user.email', 'demo@ccp.invalid');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Initial commit');
  await git('remote', 'add', 'origin', originPath);
  await git('push', '-q', '-u', 'origin', defaultBranch);
  return { originPath, clonePath, defaultBranch };
}
