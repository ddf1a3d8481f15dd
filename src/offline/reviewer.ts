// The offline reviewer: merges every open subissue PR through the GitHub API, as a person approving it would.
import type { GitHubAdapter } from '../adapters/github.js';
import { GitHubError } from '../adapters/github-errors.js';
import type { ParentStatus } from '../shared/messages.js';
import type { RepoRef } from '../shared/types.js';
import { isSubissueBranch } from '../shared/ids.js';

/** Merges the open PRs of subissues in phase pr-open, bottom of a stack first: a PR still based on another
 * subissue's branch waits until ccp moved it onto the base branch. Returns the merged PR numbers. `settled`, kept by
 * a caller that asks again and again, holds the PRs found merged or closed: not asked about again (ccp may say
 * "pr-open" for a while after the merge, until its poll sees it). */
export async function mergeOpenPullRequests(github: GitHubAdapter, repo: RepoRef, statuses: ParentStatus[],
  settled = new Set<number>()): Promise<number[]> {
  const merged: number[] = [];
  for (const sub of statuses.flatMap((p) => p.subissues)) {
    if (sub.phase !== 'pr-open' || !sub.pr || sub.pr.merged || settled.has(sub.pr.number)) continue;
    const pr = await github.getPullRequest(repo, sub.pr.number);
    if (pr.state !== 'open') settled.add(pr.number);
    if (pr.state !== 'open' || isSubissueBranch(pr.base)) continue;
    try {
      await github.mergePullRequest(repo, pr.number);
    } catch (err) {
      // Two merges at once: GitHub says the base moved (409); a person clicks merge again, so does the next call.
      if (err instanceof GitHubError && err.status === 409) continue;
      throw err;
    }
    merged.push(pr.number);
    settled.add(pr.number);
  }
  return merged;
}
