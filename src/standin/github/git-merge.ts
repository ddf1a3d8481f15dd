// Real merges in a bare repository, the way GitHub merges a pull request server-side: no worktree, just
// `merge-tree --write-tree` (git ≥ 2.38), `commit-tree` and a compare-and-swap `update-ref`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Commits GitHub creates are authored by GitHub; fixed identity so the host's git config does not matter.
const IDENTITY = {
  GIT_AUTHOR_NAME: 'GitHub',
  GIT_AUTHOR_EMAIL: 'noreply@github.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
};

async function git(gitDir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['--git-dir', gitDir, ...args], { env: { ...process.env, ...IDENTITY } });
  return stdout.trim();
}

/** The commit a branch points at, or undefined when the branch does not exist. Read from the ref files (the
 * stand-in answers many reads per second while it serves a run: a git process per read was most of the bench's
 * process starts); git itself for what those files do not say plainly (reftable, symbolic refs). */
export async function branchSha(gitDir: string, branch: string): Promise<string | undefined> {
  const read = await refFromFiles(gitDir, `refs/heads/${branch}`);
  if (read !== 'ask-git') return read;
  try {
    return await git(gitDir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
  } catch {
    return undefined;
  }
}

const SHA = /^[0-9a-f]{40}$/;

/** A ref from the loose file (git writes it atomically), else from packed-refs; 'ask-git' when unsure. */
async function refFromFiles(gitDir: string, ref: string): Promise<string | undefined | 'ask-git'> {
  if (existsSync(path.join(gitDir, 'reftable'))) return 'ask-git';
  const loose = await readFile(path.join(gitDir, ref), 'utf8').then((text) => text.trim(), () => undefined);
  if (loose !== undefined) return SHA.test(loose) ? loose : 'ask-git';
  const packed = await readFile(path.join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  for (const line of packed.split('\n')) {
    const [sha, name] = line.split(' ');
    if (name === ref) return SHA.test(sha) ? sha : 'ask-git';
  }
  return undefined;
}

/** Deletes a branch (as a push --delete or GitHub's automatic head-branch deletion does); fine when it is gone. */
export async function deleteBranch(gitDir: string, branch: string): Promise<void> {
  if (await branchSha(gitDir, branch)) await git(gitDir, ['update-ref', '-d', `refs/heads/${branch}`]);
}

/** Commits on `head` that `base` does not have. */
export async function commitsAhead(gitDir: string, base: string, head: string): Promise<number> {
  return Number(await git(gitDir, ['rev-list', '--count', `refs/heads/${base}..refs/heads/${head}`]));
}

export type MergeOutcome = { merged: true; sha: string } | { merged: false; reason: 'conflict' | 'base-moved' };

/**
 * Merges `head` into `base` (`squash`: one commit with only the base as parent). Fails without touching refs on a
 * conflict, or when the base moved while merging.
 */
export async function mergeBranches(
  gitDir: string,
  input: { base: string; head: string; message: string; squash: boolean },
): Promise<MergeOutcome> {
  const baseSha = await branchSha(gitDir, input.base);
  const headSha = await branchSha(gitDir, input.head);
  if (!baseSha || !headSha) throw new Error(`branch ${baseSha ? input.head : input.base} does not exist in ${gitDir}`);

  let tree: string;
  try {
    tree = (await git(gitDir, ['merge-tree', '--write-tree', '--no-messages', baseSha, headSha])).split('\n')[0];
  } catch (error) {
    // Exit status 1 means "conflicts"; anything else is a real failure.
    if ((error as { code?: unknown }).code === 1) return { merged: false, reason: 'conflict' };
    throw error;
  }
  const parents = input.squash ? ['-p', baseSha] : ['-p', baseSha, '-p', headSha];
  const sha = await git(gitDir, ['commit-tree', tree, ...parents, '-m', input.message]);
  try {
    await git(gitDir, ['update-ref', `refs/heads/${input.base}`, sha, baseSha]);
  } catch {
    return { merged: false, reason: 'base-moved' };
  }
  return { merged: true, sha };
}
