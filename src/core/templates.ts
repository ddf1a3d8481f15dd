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

/** What renderSubissueBody wrote, read back from an issue ccp created (maybe edited on GitHub since): the plan's
 * fields, and the numbers it depends on. Undefined for an issue without ccp's marker. */
export function readSubissueBody(body: string):
  (Omit<PlannedSubissue, 'title' | 'dependsOn'> & { parentNumber: number; dependsOnNumbers: number[] }) | undefined {
  const marker = /<!-- ccp:subissue parent=(\d+) key=([^\s>]+) -->/.exec(body);
  if (!marker) return undefined;
  // The footer (from the last rule) holds the marker only; a rule inside the description stays in it.
  const footer = body.lastIndexOf('\n---\n');
  const text = footer >= 0 ? body.slice(0, footer) : body;
  const field = (name: string) => new RegExp(`^\\*\\*${name}\\*\\*: *(.*)$`, 'm').exec(text)?.[1].trim() ?? '';
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) sections.set(heading[1].trim(), (current = []));
    else current?.push(line);
  }
  const section = (name: string) => (sections.get(name) ?? []).join('\n').trim();
  const priority = (Object.keys(PRIORITY_TITLES) as Priority[])
    .find((p) => PRIORITY_TITLES[p].toLowerCase() === field('Priority').toLowerCase()) ?? 'normal';
  const hours = Number(field('Estimated Hours'));
  const technicalContext = section('Technical Context');
  return {
    parentNumber: Number(marker[1]),
    key: marker[2],
    estimatedHours: Number.isFinite(hours) && hours > 0 ? hours : 0,
    priority,
    description: section('Description'),
    acceptanceCriteria: (sections.get('Acceptance Criteria') ?? []).flatMap((l) => /^\s*- \[[ xX]\] (.+)$/.exec(l)?.[1].trim() ?? []),
    technicalContext: technicalContext === '_none given_' ? '' : technicalContext,
    dependsOnNumbers: [...field('Depends On').matchAll(/#(\d+)/g)].map((m) => Number(m[1])),
  };
}

/** A subissue's title without the "[#<parent>] " ccp puts before it on GitHub. */
export function plannedTitle(githubTitle: string): string {
  return githubTitle.replace(/^\[#\d+\] /, '');
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
