// Pull-request rules of the stand-in: opening one (branches must exist and differ) and merging it as a reviewer
// would, including a real git merge and GitHub's closing keywords.
import { createHash } from 'node:crypto';
import { branchSha, commitsAhead, deleteBranch, mergeBranches } from './git-merge.js';
import { ApiError, type IssueRecord, type PullInfo, type RepoRecord, type Store } from './store.js';

export interface OpenPullInput {
  title: string;
  body?: string;
  head: string;
  base: string;
  draft?: boolean;
}

const fakeSha = (seed: string) => createHash('sha1').update(seed).digest('hex');

function customError(message: string, field?: string): ApiError {
  return new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', code: field ? 'invalid' : 'custom', field, message }]);
}

/** GitHub's `head`: `owner:branch` or `branch` (then the repository's owner). */
export function parseHead(repo: RepoRecord, head: string): { sameOwner: boolean; branch: string } {
  const colon = head.indexOf(':');
  if (colon === -1) return { sameOwner: true, branch: head };
  return { sameOwner: head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase(), branch: head.slice(colon + 1) };
}

export async function openPull(store: Store, repo: RepoRecord, input: OpenPullInput): Promise<IssueRecord & { pull: PullInfo }> {
  const { sameOwner, branch: head } = parseHead(repo, input.head);
  // The stand-in has no forks: a head in another owner's repository cannot exist.
  if (!sameOwner) throw customError(`head ${input.head} is not in this repository`, 'head');
  const duplicate = [...repo.issues.values()].find(
    (issue) => issue.state === 'open' && issue.pull?.head === head && issue.pull.base === input.base,
  );
  if (duplicate) throw customError(`A pull request already exists for ${repo.owner}:${head}.`);

  let headSha = fakeSha(`${repo.id}:${head}:${Date.now()}`);
  let baseSha = fakeSha(`${repo.id}:${input.base}`);
  if (repo.bareRepoPath) {
    const gitDir = repo.bareRepoPath;
    const [liveHead, liveBase] = await Promise.all([branchSha(gitDir, head), branchSha(gitDir, input.base)]);
    if (!liveBase) throw customError(`base branch ${input.base} does not exist`, 'base');
    if (!liveHead) throw customError(`head branch ${head} does not exist`, 'head');
    if ((await commitsAhead(gitDir, input.base, head)) === 0) throw customError(`No commits between ${input.base} and ${head}`);
    [headSha, baseSha] = [liveHead, liveBase];
  }
  const pull: PullInfo = {
    id: store.newId(),
    head,
    base: input.base,
    headSha,
    baseSha,
    draft: input.draft ?? false,
    merged: false,
    mergedAt: null,
    mergeCommitSha: null,
  };
  return store.createItem(repo, { title: input.title, body: input.body ?? null, pull }) as IssueRecord & { pull: PullInfo };
}

/** Pushes after the PR was opened move its head (and base), as on GitHub. */
export async function refreshHead(repo: RepoRecord, pull: PullInfo): Promise<void> {
  if (!repo.bareRepoPath || pull.merged) return;
  pull.headSha = (await branchSha(repo.bareRepoPath, pull.head)) ?? pull.headSha;
  pull.baseSha = (await branchSha(repo.bareRepoPath, pull.base)) ?? pull.baseSha;
}

export interface PullPatch {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  base?: string;
}

/** `PATCH …/pulls/{n}` with GitHub's rules: a closed PR keeps its base, the new base must exist and differ from the head. */
export async function updatePull(store: Store, repo: RepoRecord, issue: IssueRecord & { pull: PullInfo }, patch: PullPatch): Promise<void> {
  const pull = issue.pull;
  if (patch.base !== undefined && patch.base !== pull.base) {
    if (issue.state === 'closed' && patch.state !== 'open') throw customError('Cannot change the base branch of a closed pull request.', 'base');
    if (patch.base === pull.head) throw customError(`The base branch ${patch.base} is the head branch of this pull request`, 'base');
    const baseSha = repo.bareRepoPath ? await branchSha(repo.bareRepoPath, patch.base) : fakeSha(`${repo.id}:${patch.base}`);
    if (!baseSha) throw customError(`Proposed base branch '${patch.base}' was not found`, 'base');
    pull.base = patch.base;
    pull.baseSha = baseSha;
  }
  if (patch.state !== undefined && patch.state !== issue.state) {
    if (pull.merged) throw customError('A merged pull request cannot be reopened', 'state');
    const missing = repo.bareRepoPath && patch.state === 'open'
      ? (await Promise.all([pull.base, pull.head].map(async (b) => ((await branchSha(repo.bareRepoPath as string, b)) ? [] : [b])))).flat()
      : [];
    if (missing.length > 0) throw customError(`Could not open the pull request: branch ${missing.join(', ')} does not exist`, 'state');
    setPullState(store, issue, patch.state);
  }
  if (patch.title !== undefined) issue.title = patch.title;
  if (patch.body !== undefined) issue.body = patch.body;
  store.touch(issue);
}

/** Pull requests have no state reason of their own (their issue's stays null). */
function setPullState(store: Store, issue: IssueRecord, state: 'open' | 'closed'): void {
  store.setState(issue, state);
  issue.stateReason = null;
}

const openPullsOf = (repo: RepoRecord, match: (pull: PullInfo) => boolean) =>
  [...repo.issues.values()].filter((issue): issue is IssueRecord & { pull: PullInfo } =>
    issue.pull !== undefined && issue.state === 'open' && match(issue.pull));

/**
 * A branch deleted by a person (a push --delete, the refs API): GitHub closes the open PRs from it and the open PRs
 * into it; the ones into it cannot be retargeted or reopened afterwards.
 */
export async function deleteBranchByHand(store: Store, repo: RepoRecord, branch: string): Promise<void> {
  if (repo.bareRepoPath) await deleteBranch(repo.bareRepoPath, branch);
  for (const issue of openPullsOf(repo, (pull) => pull.head === branch || pull.base === branch)) setPullState(store, issue, 'closed');
}

/**
 * "Automatically delete head branches" after a merge: GitHub first retargets the open PRs into the merged head to
 * the merged PR's base, then deletes the head branch (the default branch never).
 */
async function deleteMergedHead(repo: RepoRecord, merged: PullInfo): Promise<void> {
  if (!repo.deleteBranchOnMerge || merged.head === repo.defaultBranch) return;
  for (const issue of openPullsOf(repo, (pull) => pull.base === merged.head)) {
    issue.pull.base = merged.base;
    issue.pull.baseSha = merged.mergeCommitSha ?? issue.pull.baseSha;
  }
  if (repo.bareRepoPath) await deleteBranch(repo.bareRepoPath, merged.head);
}

const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+(?:([\w.-]+)\/([\w.-]+))?#(\d+)\b/gi;

/** Issue numbers in `repo` that a PR body closes ("Closes #3", "fixes owner/repo#4", …). */
export function closingReferences(repo: RepoRecord, body: string | null): number[] {
  const numbers = new Set<number>();
  for (const match of (body ?? '').matchAll(CLOSING)) {
    const [, owner, name, number] = match;
    const sameRepo = !owner || (owner.toLowerCase() === repo.owner.toLowerCase() && name.toLowerCase() === repo.name.toLowerCase());
    if (sameRepo) numbers.add(Number(number));
  }
  return [...numbers];
}

export interface MergeRequest {
  sha?: string;
  method: 'merge' | 'squash' | 'rebase';
  commitTitle?: string;
  commitMessage?: string;
}

/** Merges like a reviewer pressing the button; returns the merge commit. Throws GitHub's errors. */
export async function mergePull(store: Store, repo: RepoRecord, issue: IssueRecord & { pull: PullInfo }, request: MergeRequest): Promise<string> {
  const pull = issue.pull;
  if (pull.merged || issue.state === 'closed' || pull.draft) throw new ApiError(405, 'Pull Request is not mergeable');
  await refreshHead(repo, pull);
  if (request.sha && request.sha !== pull.headSha) {
    throw new ApiError(409, 'Head branch was modified. Review and try the merge again.');
  }
  if (request.method === 'rebase') throw new ApiError(405, 'Rebase merges are not allowed on this repository.');

  const title = request.commitTitle ?? (request.method === 'squash' ? `${issue.title} (#${issue.number})` : `Merge pull request #${issue.number} from ${repo.owner}/${pull.head}`);
  const message = request.commitMessage ?? (request.method === 'squash' ? '' : issue.title);
  let sha = fakeSha(`${pull.id}:merge`);
  if (repo.bareRepoPath) {
    const outcome = await mergeBranches(repo.bareRepoPath, {
      base: pull.base,
      head: pull.head,
      message: message ? `${title}\n\n${message}` : title,
      squash: request.method === 'squash',
    });
    if (!outcome.merged) {
      throw outcome.reason === 'conflict'
        ? new ApiError(405, 'Pull Request is not mergeable')
        : new ApiError(409, 'Base branch was modified. Review and try the merge again.');
    }
    sha = outcome.sha;
  }

  pull.merged = true;
  pull.mergeCommitSha = sha;
  store.setState(issue, 'closed');
  pull.mergedAt = issue.closedAt;
  issue.stateReason = null;
  if (pull.base === repo.defaultBranch) {
    for (const number of closingReferences(repo, issue.body)) {
      const target = repo.issues.get(number);
      if (target && !target.pull && target.state === 'open') store.setState(target, 'closed', 'completed');
    }
  }
  await deleteMergedHead(repo, pull);
  return sha;
}
