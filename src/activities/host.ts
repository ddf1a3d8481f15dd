// Host-bound activities: they touch this machine's git clone and worktrees, so they run on the worker-specific
// task queue of the host that claimed the subissue (Temporal's worker-specific-task-queues pattern).
import { ApplicationFailure } from '@temporalio/activity';
import path from 'node:path';
import type { GitAdapter } from '../adapters/git.js';

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

export function createHostActivities({ git, repoPath, worktreesDir }: { git: GitAdapter; repoPath: string; worktreesDir: string }) {
  return {
    async prepareWorktree(input: { label: string; branch: string; startPoint: string }): Promise<{ path: string }> {
      await git.fetch(repoPath);
      const worktreePath = path.join(worktreesDir, input.label);
      const { path: created } = await git.createWorktree({
        repoPath,
        worktreePath,
        branch: input.branch,
        startPoint: input.startPoint,
      });
      return { path: created };
    },

    /** Commits what the agent left uncommitted, then pushes; no commits at all means the agent did nothing. */
    async commitAndPush(input: { worktreePath: string; branch: string; base: string; message: string }): Promise<{ commits: number }> {
      await git.commitAll(input.worktreePath, input.message);
      const commits = await git.countCommitsAhead(input.worktreePath, input.base);
      if (commits === 0) {
        throw ApplicationFailure.nonRetryable(
          `the agent made no changes on ${input.branch}: nothing to open a PR with (see the pane log and re-run)`,
          'AgentProducedNothing',
        );
      }
      await git.push(input.worktreePath, input.branch);
      return { commits };
    },

    async removeWorktree(input: { worktreePath: string }): Promise<void> {
      await git.removeWorktree(repoPath, input.worktreePath);
    },
  };
}

export type HostInfoActivities = ReturnType<typeof createHostInfoActivities>;
export type HostActivities = ReturnType<typeof createHostActivities>;
