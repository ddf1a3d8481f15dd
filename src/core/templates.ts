// GitHub texts ccp writes: subissue bodies (the design's template), PR bodies and the parent's closing summary.
// Hidden markers make creation look-before-create, so a retried activity finds what it already made.
import type { CreatedSubissue, IssueSummary, PlannedSubissue, Priority } from '../shared/types.js';

export const SUBISSUE_LABEL = 'ccp:subissue';

const PRIORITY_TITLES: Record<Priority, string> = {
  critical: 'Critical',
  high: 'High',
  normal: 'Normal',
  low: 'Low',
};

export function subissueMarker(parentNumber: number, key: string): string {
  return `<!-- ccp:subissue parent=${parentNumber} key=${key} -->`;
}

export function subissueTitle(parentNumber: number, sub: PlannedSubissue): string {
  return `[#${parentNumber}] ${sub.title}`;
}

export function renderSubissueBody(parent: IssueSummary, sub: PlannedSubissue, dependsOnNumbers: number[]): string {
  const lines = [
    `**Parent Issue**: #${parent.number}`,
    `**Estimated Hours**: ${sub.estimatedHours}`,
    `**Priority**: ${PRIORITY_TITLES[sub.priority]}`,
  ];
  if (dependsOnNumbers.length > 0) lines.push(`**Depends On**: ${dependsOnNumbers.map((n) => `#${n}`).join(', ')}`);
  lines.push(
    '',
    '## Description',
    sub.description,
    '',
    '## Acceptance Criteria',
    ...sub.acceptanceCriteria.map((c) => `- [ ] ${c}`),
    '',
    '## Technical Context',
    sub.technicalContext || '_none given_',
    '',
    '---',
    `Automated subissue from parent #${parent.number}`,
    subissueMarker(parent.number, sub.key),
  );
  return lines.join('\n');
}

export function pullRequestTitle(sub: Pick<CreatedSubissue, 'number' | 'title'>): string {
  return `[Subissue #${sub.number}] ${sub.title}`;
}

export function pullRequestBody(parentNumber: number, sub: Pick<CreatedSubissue, 'number' | 'title'>): string {
  return [
    `Closes #${sub.number}`,
    `Part of #${parentNumber}`,
    '',
    `Implements subissue #${sub.number}: ${sub.title}.`,
    '',
    '_Opened by ccp (Claude Code Parallel)._',
  ].join('\n');
}

export interface SummaryRow {
  number: number;
  title: string;
  prNumber?: number;
  outcome: string;
}

/** The parent's one progress comment: kept up to date while work runs, then turned into the final summary. */
export function progressMarker(parentNumber: number): string {
  return `<!-- ccp:progress parent=${parentNumber} -->`;
}

export type ProgressStage = 'running' | 'closing' | 'unfinished';

export function parentSummaryComment(parentNumber: number, rows: SummaryRow[], stage: ProgressStage): string {
  const merged = rows.filter((r) => r.outcome === 'merged').length;
  const header = {
    running: `ccp is working on #${parentNumber}: ${merged} of ${rows.length} subissues merged so far.`,
    closing: `All ${rows.length} subissues of #${parentNumber} are merged: closing this issue.`,
    unfinished: `Not every subissue of #${parentNumber} finished: this issue stays open.`,
  }[stage];
  return [
    progressMarker(parentNumber),
    header,
    '',
    '| Subissue | Pull request | Outcome |',
    '|---|---|---|',
    ...rows.map((r) => `| #${r.number} ${r.title} | ${r.prNumber ? `#${r.prNumber}` : '—'} | ${r.outcome} |`),
    '',
    '_ccp (Claude Code Parallel)_',
  ].join('\n');
}
