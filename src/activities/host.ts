// Host-bound activities: they touch this machine's git clone and worktrees, so they run on the worker-specific
// task queue of the host that claimed the subissue (Temporal's worker-specific-task-queues pattern).
import { ApplicationFailure } from '@temporalio/activity';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { GitAdapter, RebaseOutcome } from '../adapters/git.js';
import { limited } from '../core/concurrency.js';
import type { RepoRef } from '../shared/types.js';

export interface HostQueues {
  hostId: string;
  /** Worktree, push and mirror activities of this host. */
  hostQueue: string;
  /** Agent sessions of this host: its worker polls with at most one activity per worker pane. */
  agentQueue: string;
}

export function createHostInfoActivities(queues: HostQueues) {
  return {
    /** Runs on the shared queue: whichever host picks it up takes the subissue. */
    async claimHost(): Promise<HostQueues> {
      return queues;
    },
  };
}

export interface HostActivityDeps {
  git: GitAdapter;
  repoPath: string;
  worktreesDir: string;
  /** The GitHub repository this host's clone belongs to, when known: work for another one is refused. */
  repo?: RepoRef;
}

export function createHostActivities({ git, repoPath, worktreesDir, repo }: HostActivityDeps) {
  // A burst of subissues (a plan's worth at once) makes its clones a few at a time, first come first served: the
  // first ones reach their agents at once instead of all of them finishing together after sharing the CPU.
  const cloning = limited(Math.max(2, availableParallelism()));
  return {
    async prepareWorktree(input: { repo: RepoRef; label: string; branch: string; startPoint: string }): Promise<{ path: string }> {
      if (repo && (repo.owner !== input.repo.owner || repo.repo !== input.repo.repo)) {
        throw ApplicationFailure.nonRetryable(
          `this host's clone ${repoPath} is ${repo.owner}/${repo.repo}, not ${input.repo.owner}/${input.repo.repo}: ` +
            'run a ccp worker from a clone of that repository',
          'WrongRepository',
        );
      }
      // Concurrent prepares share fetches (the adapter coalesces them); nothing else here touches the shared clone but
      // reads, so no lock.
      await git.fetch(repoPath);
      const { path: created } = await cloning(() => git.createWorkspace({
        repoPath,
        workspacePath: path.join(worktreesDir, input.label),
        branch: input.branch,
        startPoint: input.startPoint,
      }));
      return { path: created };
    },

    /** Commits what the agent left uncommitted, then pushes (`force`: a branch ccp rebased, with a lease); no commits
     * at all means the agent did nothing. */
    async commitAndPush(input: { worktreePath: string; branch: string; base: string; message: string; force?: boolean })
      : Promise<{ commits: number }> {
      await git.commitAll(input.worktreePath, input.message);
      const commits = await git.countCommitsAhead(input.worktreePath, input.base);
      if (commits === 0) {
        throw ApplicationFailure.nonRetryable(
          `the agent made no changes on ${input.branch}: nothing to open a PR with (see the pane log and re-run)`,
          'AgentProducedNothing',
        );
      }
      await git.push(input.worktreePath, input.branch, 'origin', { force: input.force });
      return { commits };
    },

    /** Stacked PRs: the commit the subissue's branch left its dependency's branch at (what a later rebase cuts off). */
    async forkPoint(input: { worktreePath: string; upstream: string }): Promise<{ sha: string }> {
      return { sha: await git.mergeBase(input.worktreePath, 'HEAD', input.upstream) };
    },

    /**
     * Stacked PRs, the dependency merged: commits what is left uncommitted, then moves the commits after `forkPoint`
     * onto the freshly fetched `onto` (origin/<base>). Stops at conflicts (the workflow has them resolved).
     */
    async rebaseOnto(input: { worktreePath: string; onto: string; forkPoint: string; message: string }): Promise<RebaseOutcome> {
      await git.fetch(repoPath);
      await git.syncRemoteRefs(input.worktreePath, repoPath);
      await git.commitAll(input.worktreePath, input.message);
      return git.rebaseOnto(input.worktreePath, input.onto, input.forkPoint);
    },

    /** Goes on with a rebase stopped at conflicts once they are resolved in the files. */
    async continueRebase(input: { worktreePath: string }): Promise<RebaseOutcome> {
      return git.continueRebase(input.worktreePath);
    },

    async removeWorktree(input: { worktreePath: string }): Promise<void> {
      await git.removeWorkspace(repoPath, input.worktreePath);
    },
  };
}

export type HostInfoActivities = ReturnType<typeof createHostInfoActivities>;
export type HostActivities = ReturnType<typeof createHostActivities>;
