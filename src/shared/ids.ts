// Workflow ids derived from repo and issue number: starting the same issue twice finds the same workflow.
import type { RepoRef } from './types.js';

// "owner/name#n": GitHub owners cannot contain "/" and issue numbers are digits, so no two repositories' issues
// share an id (the earlier `ccp-<owner>-<repo>-<n>` made a-b/c#1 and a/b-c#1 the same workflow).
export function parentWorkflowId(repo: RepoRef, issueNumber: number): string {
  return `ccp-${repo.owner}/${repo.repo}#${issueNumber}`;
}

export function subissueWorkflowId(repo: RepoRef, parentNumber: number, subNumber: number): string {
  return `${parentWorkflowId(repo, parentNumber)}.sub-${subNumber}`;
}

/** The id ccp 0.1 gave a parent: runs started then keep it, so commands look it up too. */
export function legacyParentWorkflowId(repo: RepoRef, issueNumber: number): string {
  return `ccp-${repo.owner}-${repo.repo}-${issueNumber}`;
}

export function subissueLabel(subNumber: number): string {
  return `subissue-${subNumber}`;
}

export function subissueBranch(subNumber: number): string {
  return `subissue/${subNumber}`;
}

/** A subissue's branch (a stacked PR's base while its dependency is unmerged). */
export function isSubissueBranch(branch: string): boolean {
  return /^subissue\/\d+$/.test(branch);
}

/** "owner/name" → RepoRef; throws a message that says what to pass. */
export function parseRepo(text: string): RepoRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a repository: pass it as owner/name, e.g. --repo octo/hello`);
  return { owner: match[1], repo: match[2] };
}

/** "123,124" / "#123 124" → [123, 124]; throws a message that says what to pass. */
export function parseIssueNumbers(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('no issue numbers given: pass them like 123 or 123,124');
  // "1,,2" or "1," is a typo, not a list of two: say so rather than guess.
  if (/,\s*,|^,|,$/.test(trimmed)) throw new Error(`"${text}" has an empty item: pass numbers like 123,124`);
  const parts = trimmed.split(/\s*,\s*|\s+/).map((p) => p.replace(/^#/, ''));
  const numbers = parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new Error(`"${p}" is not an issue number: pass numbers like 123,124`);
    return Number(p);
  });
  return [...new Set(numbers)];
}

/** owner/name from a GitHub remote URL (https or ssh form), or undefined. */
export function repoFromRemoteUrl(url: string): RepoRef | undefined {
  const match = /github\.com[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match ? { owner: match[1], repo: match[2] } : undefined;
}
