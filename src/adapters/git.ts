// git adapter: the only module that runs `git`.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { redactSecrets } from '../core/env-scrub.js';

export interface CreateWorktreeInput {
  /** The local clone ccp works from (its "origin" is the GitHub repo). */
  repoPath: string;
  worktreePath: string;
  branch: string;
  /** Ref the branch starts from when it does not exist yet, e.g. "origin/main". */
  startPoint: string;
}

export interface GitAdapter {
  fetch(repoPath: string, remote?: string): Promise<void>;
  /** Idempotent: reuses an existing worktree of the same branch at the same path. */
  createWorktree(input: CreateWorktreeInput): Promise<{ path: string; created: boolean }>;
  /** Commits everything left uncommitted; false when there was nothing to commit. */
  commitAll(worktreePath: string, message: string): Promise<boolean>;
  /** Commits on HEAD that `base` does not have. */
  countCommitsAhead(worktreePath: string, base: string): Promise<number>;
  push(worktreePath: string, branch: string, remote?: string): Promise<void>;
  removeWorktree(repoPath: string, worktreePath: string): Promise<void>;
  currentBranch(repoPath: string): Promise<string>;
  /** The remote's URL with any user:password@ credentials removed (safe to log). */
  remoteUrl(repoPath: string, remote?: string): Promise<string>;
}

export interface GitAdapterOptions {
  gitBinary?: string;
  /** Author/committer identity for commits ccp makes itself. */
  identity?: { name: string; email: string };
}

export class GitError extends Error {
  constructor(message: string, readonly exitCode?: number, readonly stderr = '') {
    super(message);
    this.name = 'GitError';
  }
}

const DEFAULT_IDENTITY = { name: 'ccp', email: 'ccp@localhost' };
const GIT_TIMEOUT_MS = 5 * 60_000;
// Another git process (or the agents' sandbox, which keeps placeholder lock files in the shared clone while a
// command runs) holds a lock: such failures pass within moments, so they are retried here, briefly.
const LOCK_CONTENTION = /could not lock config file|Unable to create '[^']*\.lock': File exists|cannot lock ref|index\.lock/i;
const LOCK_RETRIES = 8;
// ccp's own commits and pushes in a worktree the agent could write to never run the repository's hooks.
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

interface WorktreeEntry {
  path: string;
  /** "refs/heads/…", or undefined when detached or bare. */
  branch?: string;
}

function parseWorktreeList(porcelain: string): WorktreeEntry[] {
  return porcelain.split('\n\n').map((block) => {
    const lines = block.split('\n');
    const line = (key: string): string | undefined =>
      lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1);
    return { path: line('worktree') ?? '', branch: line('branch') };
  }).filter((entry) => entry.path);
}

// Worktree paths from git are real paths; the caller's may go through symlinks (macOS /tmp → /private/tmp).
function samePath(a: string, b: string): boolean {
  const real = (p: string): string => {
    try { return realpathSync(p); } catch { return path.resolve(p); }
  };
  return real(a) === real(b);
}

export function createGitAdapter(options: GitAdapterOptions = {}): GitAdapter {
  const binary = options.gitBinary ?? 'git';
  // Never wait on a credential prompt; C locale so messages are the ones matched below.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

  const exec = (cwd: string, args: string[]) =>
    execa(binary, args, { cwd, env, reject: false, timeout: GIT_TIMEOUT_MS, stdin: 'ignore' });

  const fail = (cwd: string, args: string[], result: { exitCode?: number; stderr: unknown; timedOut: boolean },
    hint = ''): GitError => {
    const stderr = redactSecrets(String(result.stderr).trim(), process.env);
    const reason = result.timedOut ? `timed out after ${GIT_TIMEOUT_MS} ms` : `exit ${result.exitCode}`;
    const message = `git ${args.join(' ')} failed in ${cwd} (${reason})${hint ? `: ${hint}` : ''}: ${stderr}`;
    return new GitError(redactSecrets(message, process.env), result.exitCode, stderr);
  };

  const run = async (cwd: string, args: string[]): Promise<string> => {
    let result = await exec(cwd, args);
    for (let retry = 1; result.exitCode !== 0 && retry <= LOCK_RETRIES && LOCK_CONTENTION.test(String(result.stderr)); retry++) {
      await new Promise((resolve) => setTimeout(resolve, 100 * retry));
      result = await exec(cwd, args);
    }
    if (result.exitCode !== 0) throw fail(cwd, args, result);
    return String(result.stdout).trim();
  };

  /** True/false for commands whose exit code is the answer (1 = no); anything else is an error. */
  const succeeds = async (cwd: string, args: string[]): Promise<boolean> => {
    const result = await exec(cwd, args);
    if (result.exitCode === 0 || result.exitCode === 1) return result.exitCode === 0;
    throw fail(cwd, args, result);
  };

  const listWorktrees = async (repoPath: string): Promise<WorktreeEntry[]> =>
    parseWorktreeList(await run(repoPath, ['worktree', 'list', '--porcelain']));

  // An explicit identity wins; else the user's configured one; else ccp's default.
  const identityArgs = async (cwd: string): Promise<string[]> => {
    let identity = options.identity;
    if (!identity) {
      const configured = await succeeds(cwd, ['config', 'user.name']) && await succeeds(cwd, ['config', 'user.email']);
      if (configured) return [];
      identity = DEFAULT_IDENTITY;
    }
    return ['-c', `user.name=${identity.name}`, '-c', `user.email=${identity.email}`];
  };

  return {
    async fetch(repoPath, remote = 'origin') {
      await run(repoPath, ['fetch', remote]);
    },

    async createWorktree({ repoPath, worktreePath, branch, startPoint }) {
      const target = path.resolve(worktreePath);
      // Entries whose directories were deleted would block re-adding the same path or branch.
      await run(repoPath, ['worktree', 'prune']);
      const worktrees = await listWorktrees(repoPath);
      const ref = `refs/heads/${branch}`;
      const atPath = worktrees.find((entry) => samePath(entry.path, target));
      if (atPath) {
        if (atPath.branch === ref) return { path: target, created: false };
        throw new GitError(`${target} is already a worktree of ${atPath.branch ?? 'a detached HEAD'}, not ${branch}`);
      }
      const elsewhere = worktrees.find((entry) => entry.branch === ref);
      if (elsewhere) throw new GitError(`branch ${branch} is already checked out in ${elsewhere.path}, not ${target}`);

      const branchExists = await succeeds(repoPath, ['rev-parse', '--verify', '--quiet', ref]);
      // --no-track: a branch started from origin/main must not have main as its upstream.
      const args = branchExists
        ? ['worktree', 'add', target, branch]
        : ['worktree', 'add', '--no-track', '-b', branch, target, startPoint];
      await run(repoPath, args);
      return { path: target, created: true };
    },

    async commitAll(worktreePath, message) {
      await run(worktreePath, ['add', '-A']);
      // diff --quiet exits 0 when the index matches HEAD.
      if (await succeeds(worktreePath, ['diff', '--cached', '--quiet'])) return false;
      await run(worktreePath, [...NO_HOOKS, ...await identityArgs(worktreePath), 'commit', '-q', '-m', message]);
      return true;
    },

    async countCommitsAhead(worktreePath, base) {
      return Number(await run(worktreePath, ['rev-list', '--count', `${base}..HEAD`]));
    },

    async push(worktreePath, branch, remote = 'origin') {
      // No -u: setting an upstream writes the shared clone's config, which the agents' sandbox may hold locked.
      const args = [...NO_HOOKS, 'push', remote, `refs/heads/${branch}:refs/heads/${branch}`];
      const result = await exec(worktreePath, args);
      if (result.exitCode === 0) return;
      const rejected = /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first/.test(String(result.stderr));
      throw fail(worktreePath, args, result, rejected
        ? `${remote} refused ${branch}: it has commits this branch lacks (ccp never force-pushes)`
        : '');
    },

    async removeWorktree(repoPath, worktreePath) {
      const target = path.resolve(worktreePath);
      const registered = (await listWorktrees(repoPath)).some((entry) => samePath(entry.path, target));
      if (registered) await run(repoPath, ['worktree', 'remove', '--force', target]);
      await run(repoPath, ['worktree', 'prune']);
    },

    async currentBranch(repoPath) {
      const result = await exec(repoPath, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
      if (result.exitCode === 0) return String(result.stdout).trim();
      throw fail(repoPath, ['symbolic-ref', '--quiet', '--short', 'HEAD'], result,
        result.exitCode === 1 ? 'HEAD is detached' : '');
    },

    async remoteUrl(repoPath, remote = 'origin') {
      const url = await run(repoPath, ['remote', 'get-url', remote]);
      return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
    },
  };
}
