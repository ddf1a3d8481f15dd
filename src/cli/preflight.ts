// `ccp start` / `ccp add` check what they were given before anything starts: the token works, the repository is
// there, and each issue exists, is open, is an issue (not a pull request) and is not one of ccp's own subissues.
import { GitHubError, type GitHubAdapter } from '../adapters/github.js';
import { SUBISSUE_LABEL } from '../core/templates.js';
import type { IssueSummary, RepoRef } from '../shared/types.js';
import { AuthError, CliError, UsageError } from './errors.js';

export interface PreflightResult {
  /** Issues that may be started. */
  ok: IssueSummary[];
  /** Issues refused, each with why (nothing is started for them). */
  refused: Array<{ number: number; reason: string }>;
}

const SUBISSUE_MARKER_PREFIX = '<!-- ccp:subissue ';

export async function preflightIssues(github: GitHubAdapter, repo: RepoRef, numbers: number[]): Promise<PreflightResult> {
  const where = `${repo.owner}/${repo.repo}`;
  try {
    // One call proves the token works and the repository exists and is visible to it.
    await github.getDefaultBranch(repo);
  } catch (err) {
    if (err instanceof GitHubError && err.status === 401) throw new AuthError(err.message);
    if (err instanceof GitHubError && err.status === 404) {
      throw new UsageError(`repository ${where} was not found, or the token cannot see it: check --repo (or CCP_REPO) and the token's access`);
    }
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  const result: PreflightResult = { ok: [], refused: [] };
  for (const number of numbers) {
    const refuse = (reason: string) => result.refused.push({ number, reason });
    let issue: IssueSummary;
    try {
      issue = await github.getIssue(repo, number);
    } catch (err) {
      if (err instanceof GitHubError && err.status === 401) throw new AuthError(err.message);
      if (err instanceof GitHubError && err.status === 404) refuse(`#${number} does not exist in ${where}`);
      else if (err instanceof GitHubError && err.permanent) refuse(err.message);
      else throw err;
      continue;
    }
    if (issue.state === 'closed') refuse(`#${number} is closed: reopen it to have ccp work on it`);
    else if (issue.body.includes(SUBISSUE_MARKER_PREFIX)) {
      refuse(`#${number} is a subissue ccp created (label ${SUBISSUE_LABEL}): start its parent instead`);
    } else result.ok.push(issue);
  }
  return result;
}
