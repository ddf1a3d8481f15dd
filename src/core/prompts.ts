// Prompt texts ccp sends to the agent, and the markers the offline scripted model keys on. Pure.
import { MAX_SUBISSUES, MIN_SUBISSUES, type CreatedSubissue, type IssueSummary, type RepoRef } from '../shared/types.js';
import { ANSWER_FORMAT, DEFAULT_PLAN_TEMPLATE, renderPlanTemplate } from './plan-template.js';

export const ANALYZER_MARKER = 'ccp:analyze-issue';
export const SUBISSUE_MARKER = 'ccp:work-on-subissue';
export const REBASE_CONFLICT_MARKER = 'ccp:rebase-conflict';

/** Issue bodies beyond this are shortened (with a note) before planning: enough for any real plan. */
export const MAX_ISSUE_BODY_CHARS = 60_000;

/** The issue body as planning input: issue-form HTML comments dropped, a huge body shortened with a note. */
export function planningBody(body: string): string {
  const withoutComments = body.replace(/<!--[\s\S]*?-->/g, '').replace(/\n{3,}/g, '\n\n').trim();
  if (withoutComments.length <= MAX_ISSUE_BODY_CHARS) return withoutComments;
  const dropped = withoutComments.length - MAX_ISSUE_BODY_CHARS;
  return `${withoutComments.slice(0, MAX_ISSUE_BODY_CHARS)}\n\n[ccp: the rest of the body (${dropped} characters) was left out]`;
}

/** The planning prompt: ccp's marker (the offline model keys on it), then the template filled in — the default, or
 * the user's, checked by checkPlanTemplate. */
export function buildAnalyzerPrompt(repo: RepoRef, issue: IssueSummary, template: string = DEFAULT_PLAN_TEMPLATE): string {
  const body = planningBody(issue.body);
  const filled = renderPlanTemplate(template, {
    repo: `${repo.owner}/${repo.repo}`,
    number: String(issue.number),
    title: issue.title,
    body,
    issue_json: JSON.stringify({ number: issue.number, title: issue.title, body }),
    answer_format: ANSWER_FORMAT,
    min_subissues: String(MIN_SUBISSUES),
    max_subissues: String(MAX_SUBISSUES),
  });
  return `<!-- ${ANALYZER_MARKER} -->\n${filled}`;
}

/** `stackedOn`: the dependency whose branch (PR still in review) the worktree starts from (stacked PRs). */
export function buildSubissuePrompt(repo: RepoRef, parentNumber: number, sub: CreatedSubissue,
  stackedOn?: { number: number; branch: string }): string {
  return [
    `<!-- ${SUBISSUE_MARKER} #${sub.number} -->`,
    `Work on subissue #${sub.number} of ${repo.owner}/${repo.repo} (part of #${parentNumber}): ${sub.title}`,
    '',
    sub.description,
    '',
    'Acceptance criteria:',
    ...sub.acceptanceCriteria.map((c) => `- ${c}`),
    '',
    `Technical context: ${sub.technicalContext}`,
    '',
    ...(stackedOn ? [`Your branch starts from ${stackedOn.branch}, the work of #${stackedOn.number} (its PR is still in review): ` +
      'build on it and leave its changes as they are; ccp moves your commits onto the base branch once it is merged.', ''] : []),
    'You are in a git worktree on its own branch. Make the change, commit it with a clear message, then stop.',
    'Do not push and do not open a pull request: ccp does that.',
  ].join('\n');
}

/**
 * The agent's task when rebasing its branch onto the base branch (its dependency merged) stopped at conflicts:
 * resolve the files; ccp stages them and goes on with the rebase (the agent's git policy allows no rebase).
 */
export function buildConflictPrompt(input: { sub: number; dependency: number; base: string; files: string[] }): string {
  return [
    `<!-- ${REBASE_CONFLICT_MARKER} #${input.sub} -->`,
    `ccp: #${input.dependency}, which your branch for subissue #${input.sub} was built on, has been merged into ${input.base}. ` +
      `Moving your commits onto origin/${input.base} stopped at conflicts in:`,
    ...input.files.map((file) => `- ${file}`),
    '',
    'Resolve each of these files in the working tree: keep what both sides meant, and remove every conflict marker ' +
      '(<<<<<<<, =======, >>>>>>>). Then stop. Do not run git add, git commit, git rebase or git push: ccp stages the ' +
      'files and goes on with the rebase, and asks you again if a later commit conflicts too.',
  ].join('\n');
}
