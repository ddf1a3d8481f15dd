// `ccp approvals`: the approval audit log (one JSON line per dialog decision, written by the agent adapter) read
// back and shown as a table.
import { readFileSync } from 'node:fs';
import type { ApprovalRecordLine } from '../agents/types.js';

export type { ApprovalRecordLine };

/** The log's decisions in the order they were made, optionally of one session label; none when there is no log. */
export function readApprovals(file: string, filter: { label?: string } = {}): ApprovalRecordLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines: ApprovalRecordLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let line: Partial<ApprovalRecordLine>;
    try {
      line = JSON.parse(raw) as Partial<ApprovalRecordLine>;
    } catch {
      continue; // a line torn by a crash mid-write: the others still count
    }
    if (typeof line.label !== 'string' || (line.decision !== 'allow' && line.decision !== 'deny')) continue;
    if (filter.label === undefined || line.label === filter.label) lines.push(line as ApprovalRecordLine);
  }
  return lines;
}

const SUBJECT_WIDTH = 60;
const REASON_WIDTH = 60;

/** Text on one line (line breaks shown as ⏎), at most `width` characters. Pure. */
export const oneLine = (text: string, width: number): string => {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

/** A plain-text table, oldest decision first, and a count line. Pure. */
export function renderApprovals(lines: readonly ApprovalRecordLine[]): string {
  if (lines.length === 0) return 'No approvals recorded.';
  const header = ['TIME (UTC)', 'LABEL', 'PANE', 'DECISION', 'WHAT', 'SUBJECT', 'REASON'];
  const rows = lines.map((line) => [
    line.at.replace('T', ' ').slice(0, 19),
    line.label,
    line.pane ?? '',
    line.decision,
    line.dialog === 'tool' ? (line.tool ?? line.title) : line.dialog,
    oneLine(line.subject, SUBJECT_WIDTH),
    oneLine(line.reason, REASON_WIDTH),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const format = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  const denied = lines.filter((line) => line.decision === 'deny').length;
  return [format(header), ...rows.map(format),
    `${lines.length} decision${lines.length === 1 ? '' : 's'}: ${lines.length - denied} allowed, ${denied} denied`]
    .join('\n');
}
