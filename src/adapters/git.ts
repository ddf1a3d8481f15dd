// git adapter: the only module that runs `git`.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../stack/run-command.js';
import { coalesced } from '../core/concurrency.js';
import { redactSecrets } from '../core/env-scrub.js';

export interface CreateWorkspaceInput {
  /** The local clone ccp works from (its "origin" is the GitHub repo). */
  repoPath: string;
  workspacePath: string;
  branch: string;
  /** Ref of the local clone the branch starts from when it exists nowhere yet, e.g. "origin/main". */
  startPoint: string;
}

/** Where a rebase stands: finished, or stopped at a commit whose changes conflict in `conflicts` (paths in the checkout). */
export type RebaseOutcome = { done: true } | { done: false; conflicts: string[] };

export interface GitAdapter {
  /** Concurrent calls for one clone and remote share fetches: each returns once a fetch begun after its call is done. */
  fetch(repoPath: string, remote?: string): Promise<void>;
  /**
   * A subissue's own clone of the local clone (objects shared, `git clone --shared`) on `branch`, pushing to the same
   * origin: nothing in it is shared with other subissues (no common config or locks, which the agents' sandbox
   * holds while commands run). Idempotent: reuses an existing one on the branch; a branch already pushed (an
   * earlier attempt) starts from its pushed commits.
   */
  createWorkspace(input: CreateWorkspaceInput): Promise<{ path: string; created: boolean }>;
  /**
   * Removes a workspace (or a worktree of `repoPath` an earlier ccp made there); fine when it is gone. A workspace
   * touches nothing shared, so removals run side by side; only a worktree's metadata in `repoPath` is changed one
   * at a time.
   */
  removeWorkspace(repoPath: string, workspacePath: string): Promise<void>;
  /** What only this checkout holds: changed files not committed, commits on no remote-tracking branch. */
  unsavedWork(workspacePath: string): Promise<{ uncommitted: number; unpushed: number }>;
  /** Commits everything left uncommitted; false when there was nothing to commit. */
  commitAll(worktreePath: string, message: string): Promise<boolean>;
  /** Commits on HEAD that `base` does not have. */
  countCommitsAhead(worktreePath: string, base: string): Promise<number>;
  /** `force`: with a lease on what the remote-tracking branch says was pushed (none: the branch must not exist). */
  push(worktreePath: string, branch: string, remote?: string, options?: { force?: boolean }): Promise<void>;
  /** The best common ancestor of two commits. */
  mergeBase(worktreePath: string, a: string, b: string): Promise<string>;
  /** Updates the checkout's remote-tracking branches from the local clone's (fetched before). */
  syncRemoteRefs(worktreePath: string, repoPath: string): Promise<void>;
  /** `git rebase --onto <onto> <upstream>`: the commits after `upstream` replayed on `onto`; stops at conflicts. */
  rebaseOnto(worktreePath: string, onto: string, upstream: string): Promise<RebaseOutcome>;
  /**
   * Goes on with a stopped rebase once its conflicts are resolved in the files (conflict markers gone): stages
   * everything and continues, until it is done or stops at the next conflicts. Files still holding markers are
   * returned as they are. Fine when no rebase is in progress.
   */
  continueRebase(worktreePath: string): Promise<RebaseOutcome>;
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

function isDirectory(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

export function createGitAdapter(options: GitAdapterOptions = {}): GitAdapter {
  const binary = options.gitBinary ?? 'git';
  // Never wait on a credential prompt; C locale so messages are the ones matched below.
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

  const exec = (cwd: string, args: string[]) =>
    runCommand(binary, args, { cwd, env, timeout: GIT_TIMEOUT_MS, stdin: 'ignore' });

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

  // Per clone: fetches coalesced (a burst of prepares costs two fetches, not one each in a row) and changes to its
  // worktree metadata one at a time.
  const fetches = new Map<string, () => Promise<void>>();
  const metadata = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(repoPath: string, task: () => Promise<T>): Promise<T> => {
    const run = (metadata.get(repoPath) ?? Promise.resolve()).then(task, task);
    metadata.set(repoPath, run.catch(() => undefined));
    return run;
  };

  /** The local clone's push URL and identity (any scope, the last value of each as `git config --get` says). */
  const copiedConfig = async (repoPath: string): Promise<Array<[string, string]>> => {
    const result = await exec(repoPath, ['config', '--get-regexp', '^(remote\\.origin\\.pushurl|user\\.name|user\\.email)$']);
    if (result.exitCode === 1) return []; // none set
    if (result.exitCode !== 0) throw fail(repoPath, ['config', '--get-regexp'], result);
    const values = new Map<string, string>();
    for (const line of String(result.stdout).split('\n').filter(Boolean)) {
      const space = line.indexOf(' ');
      values.set(space < 0 ? line : line.slice(0, space), space < 0 ? '' : line.slice(space + 1));
    }
    return [...values];
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

  const addAll = async (worktreePath: string): Promise<void> => {
    // The agent sandbox's mount points (empty files a killed agent's sandbox leaves behind) are not its work: ignored
    // here as the agent's own git ignores them, through the excludes file ccp writes for its sessions.
    const excludes = path.join(await run(worktreePath, ['rev-parse', '--absolute-git-dir']), 'ccp-sandbox-exclude');
    await run(worktreePath, [...(existsSync(excludes) ? ['-c', `core.excludesFile=${excludes}`] : []), 'add', '-A']);
  };

  const rebasing = async (worktreePath: string): Promise<boolean> => {
    const gitDir = await run(worktreePath, ['rev-parse', '--absolute-git-dir']);
    return existsSync(path.join(gitDir, 'rebase-merge')) || existsSync(path.join(gitDir, 'rebase-apply'));
  };

  const unmergedFiles = async (worktreePath: string): Promise<string[]> =>
    (await run(worktreePath, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);

  /** Runs a rebase step (start, continue, skip) and says where it stands afterwards; other failures throw. */
  const rebaseStep = async (worktreePath: string, args: string[]): Promise<RebaseOutcome> => {
    // No editor (the commit messages stay), no hooks; ccp's identity as committer where the user has none.
    const full = [...NO_HOOKS, '-c', 'core.editor=true', ...await identityArgs(worktreePath), 'rebase', ...args];
    const result = await exec(worktreePath, full);
    if (result.exitCode === 0 && !await rebasing(worktreePath)) return { done: true };
    if (!await rebasing(worktreePath)) throw fail(worktreePath, full, result);
    const conflicts = await unmergedFiles(worktreePath);
    // Stopped without conflicts: the resolved commit turned out empty (its change is already on the new base).
    if (conflicts.length === 0) return rebaseStep(worktreePath, ['--skip']);
    return { done: false, conflicts };
  };

  const CONFLICT_MARKER = /^(?:<{7}|>{7})(?: |$)/m;
  const stillConflicted = (worktreePath: string, file: string): boolean => {
    const full = path.join(worktreePath, file);
    return existsSync(full) && CONFLICT_MARKER.test(readFileSync(full, 'latin1'));
  };

  return {
    async fetch(repoPath, remote = 'origin') {
      const key = `${path.resolve(repoPath)}\0${remote}`;
      let shared = fetches.get(key);
      if (!shared) fetches.set(key, (shared = coalesced(async () => void await run(repoPath, ['fetch', remote]))));
      await shared();
    },

    async createWorkspace({ repoPath, workspacePath, branch, startPoint }) {
      const target = path.resolve(workspacePath);
      if (existsSync(path.join(target, '.git'))) {
        const current = await exec(target, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
        if (current.exitCode === 0 && String(current.stdout).trim() === branch) return { path: target, created: false };
        throw new GitError(`${target} already holds a checkout of ${String(current.stdout).trim() || 'a detached HEAD'}, not ${branch}`);
      }
      await rm(target, { recursive: true, force: true }); // a half-made one from a crash
      mkdirSync(path.dirname(target), { recursive: true });
      const tmp = `${target}.tmp-${process.pid}`;
      await rm(tmp, { recursive: true, force: true });
      // Pushes where the local clone does, with its identity when it has one (the agent commits in here): read in
      // one call, written by the clone itself (each git process counts when a plan's subissues start at once).
      const copied = await copiedConfig(repoPath);
      await run(path.dirname(target), ['clone', '--quiet', '--shared', '--no-checkout',
        ...copied.flatMap(([key, value]) => ['-c', `${key}=${value}`]), repoPath, tmp]);
      // Fetches where the local clone does; sees its remote-tracking branches (origin/main) as its own.
      await run(tmp, ['remote', 'set-url', 'origin', await run(repoPath, ['remote', 'get-url', 'origin'])]);
      await run(tmp, ['fetch', '--quiet', '--no-tags', repoPath, '+refs/remotes/origin/*:refs/remotes/origin/*']);
      // An earlier attempt's commits: the local clone's branch (ccp ≤ 0.1 worktrees), else what was pushed.
      const local = await succeeds(repoPath, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]);
      if (local) await run(tmp, ['fetch', '--quiet', '--no-tags', repoPath, `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
      const pushed = await succeeds(tmp, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`]);
      await run(tmp, ['checkout', '--quiet', '--no-track', '-b', branch, pushed ? `origin/${branch}` : startPoint]);
      renameSync(tmp, target);
      return { path: target, created: true };
    },

    async removeWorkspace(repoPath, workspacePath) {
      const target = path.resolve(workspacePath);
      // A workspace is a clone of its own (.git a directory): removing it changes nothing in repoPath. Async, so a
      // big checkout does not stall the worker's event loop (heartbeats).
      if (isDirectory(path.join(target, '.git'))) return rm(target, { recursive: true, force: true });
      await oneAtATime(repoPath, async () => {
        const registered = (await listWorktrees(repoPath)).some((entry) => samePath(entry.path, target));
        if (registered) await run(repoPath, ['worktree', 'remove', '--force', target]);
        await rm(target, { recursive: true, force: true });
        if (registered) await run(repoPath, ['worktree', 'prune']);
      });
    },

    async unsavedWork(workspacePath) {
      const status = await run(workspacePath, ['status', '--porcelain', '--untracked-files=all']);
      const head = await succeeds(workspacePath, ['rev-parse', '--verify', '--quiet', 'HEAD']);
      const unpushed = head ? Number(await run(workspacePath, ['rev-list', '--count', 'HEAD', '--not', '--remotes'])) : 0;
      return { uncommitted: status === '' ? 0 : status.split('\n').length, unpushed };
    },

    async commitAll(worktreePath, message) {
      await addAll(worktreePath);
      // diff --quiet exits 0 when the index matches HEAD.
      if (await succeeds(worktreePath, ['diff', '--cached', '--quiet'])) return false;
      await run(worktreePath, [...NO_HOOKS, ...await identityArgs(worktreePath), 'commit', '-q', '-m', message]);
      return true;
    },

    async countCommitsAhead(worktreePath, base) {
      return Number(await run(worktreePath, ['rev-list', '--count', `${base}..HEAD`]));
    },

    async push(worktreePath, branch, remote = 'origin', options = {}) {
      // No -u: setting an upstream writes the shared clone's config, which the agents' sandbox may hold locked.
      const lease = options.force ? [`--force-with-lease=refs/heads/${branch}`] : [];
      const args = [...NO_HOOKS, 'push', ...lease, remote, `refs/heads/${branch}:refs/heads/${branch}`];
      const result = await exec(worktreePath, args);
      if (result.exitCode === 0) return;
      const rejected = /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first|stale info/.test(String(result.stderr));
      throw fail(worktreePath, args, result, rejected
        ? `${remote} refused ${branch}: it has commits this branch lacks (ccp force-pushes only its own rebases, with a lease)`
        : '');
    },

    async mergeBase(worktreePath, a, b) {
      return run(worktreePath, ['merge-base', a, b]);
    },

    async syncRemoteRefs(worktreePath, repoPath) {
      await run(worktreePath, ['fetch', '--quiet', '--no-tags', repoPath, '+refs/remotes/origin/*:refs/remotes/origin/*']);
    },

    async rebaseOnto(worktreePath, onto, upstream) {
      return rebaseStep(worktreePath, ['--onto', onto, upstream]);
    },

    async continueRebase(worktreePath) {
      if (!await rebasing(worktreePath)) return { done: true };
      // Staged or not: a file added with its markers still in is no resolution either.
      const changed = (await run(worktreePath, ['diff', '--name-only', 'HEAD'])).split('\n').filter(Boolean);
      const conflicts = changed.filter((file) => stillConflicted(worktreePath, file));
      if (conflicts.length > 0) return { done: false, conflicts };
      await addAll(worktreePath);
      return rebaseStep(worktreePath, ['--continue']);
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
