// The offline reviewer: merges every open subissue PR through the GitHub API, as a person approving it would.
import type { GitHubAdapter } from '../adapters/github.js';
import type { ParentStatus } from '../shared/messages.js';
import type { RepoRef } from '../shared/types.js';

/** Merges the open PRs of subissues in phase pr-open; returns the merged PR numbers. */
export async function mergeOpenPullRequests(github: GitHubAdapter, repo: RepoRef, statuses: ParentStatus[]): Promise<number[]> {
  const merged: number[] = [];
  for (const sub of statuses.flatMap((p) => p.subissues)) {
    if (sub.phase !== 'pr-open' || !sub.pr || sub.pr.merged) continue;
    const pr = await github.getPullRequest(repo, sub.pr.number);
    if (pr.state !== 'open') continue;
    await github.mergePullRequest(repo, pr.number);
    merged.push(pr.number);
  }
  return merged;
}
