// Activity options of every short GitHub activity (fetch, create subissues, open PRs, progress comments, close).
import type { ActivityOptions } from '@temporalio/workflow';

/**
 * No maximumAttempts, on purpose. GitHub's limits and a rejected token are waited out, not counted: the activity
 * fails at once naming the wait (nextRetryDelay from retry-after / x-ratelimit-reset; 30 s growing to 5 min for a
 * rejected token), and Temporal keeps it as a durable retry timer — a worker crash loses nothing and no
 * startToClose runs while waiting. Temporal cannot cap attempts per failure type, and a cap would turn a long
 * limit into a failed run; refusals that asking again cannot fix are nonRetryable (GitHubRefused) instead.
 * 5xx and timeouts back off to one attempt a minute until GitHub answers again.
 * See src/activities/github-failures.ts.
 */
export const GITHUB_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  // The activities heartbeat while they run: a dead worker is noticed within 30 s, not 2 minutes.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
