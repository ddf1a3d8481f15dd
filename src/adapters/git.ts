// git adapter: the only module that runs `git`.

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
}

export interface GitAdapterOptions {
  gitBinary?: string;
  /** Author/committer identity for commits ccp makes itself. */
  identity?: { name: string; email: string };
}
