// Prompt texts ccp sends to the agent, and the markers the offline scripted model keys on. Pure.
import type { CreatedSubissue, IssueSummary, RepoRef } from '../shared/types.js';

export const ANALYZER_MARKER = 'ccp:analyze-issue';
export const SUBISSUE_MARKER = 'ccp:work-on-subissue';

export function buildAnalyzerPrompt(repo: RepoRef, issue: IssueSummary): string {
  const issueJson = JSON.stringify({ number: issue.number, title: issue.title, body: issue.body });
  return [
    `<!-- ${ANALYZER_MARKER} -->`,
    `You are planning work on GitHub issue #${issue.number} of ${repo.owner}/${repo.repo}.`,
    'Split it into 2 to 5 concrete subissues that can each be implemented independently in 2-4 hours.',
    'Answer with one JSON object and nothing else, of this shape:',
    '{"subissues": [{"key": "short-id", "title": "…", "estimatedHours": 3, "priority": "critical|high|normal|low",',
    '  "description": "…", "acceptanceCriteria": ["…"], "technicalContext": "…", "dependsOn": ["other-key"]}]}',
    'Keys are short, unique, lowercase; dependsOn lists keys of subissues that must be done first (often none).',
    'The issue:',
    '```json',
    issueJson,
    '```',
  ].join('\n');
}

export function buildSubissuePrompt(repo: RepoRef, parentNumber: number, sub: CreatedSubissue): string {
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
    'You are in a git worktree on its own branch. Make the change, commit it with a clear message, then stop.',
    'Do not push and do not open a pull request: ccp does that.',
  ].join('\n');
}
