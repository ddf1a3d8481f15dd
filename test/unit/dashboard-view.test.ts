// The dashboard fits its pane: 8 workers and 10 parents in a 28-line pane, header first, every line cut to the width,
// parents beyond the room summed up; workers say what they do and for how long.
import { cutToWidth, duration, renderDashboard, throughputFigures } from '../../src/cli/dashboard-view.js';
import { ansiPaint } from '../../src/cli/paint.js';
import type { ParentStatus, SubissueStatus } from '../../src/shared/messages.js';

const now = new Date('2026-12-01T15:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
const sub = (number: number, phase: SubissueStatus['phase'], extra: Partial<SubissueStatus> = {}): SubissueStatus => ({
  key: `s${number}`, number, title: `Subissue ${number} with a title long enough to need cutting in a narrow pane`,
  priority: 'normal', dependsOn: [], phase, updatedAt: ago(1), ...extra });

function parents(): ParentStatus[] {
  return Array.from({ length: 10 }, (_, i) => ({
    repo: { owner: 'acme', repo: 'widgets' }, number: 100 + i, title: `Parent ${i} with a long descriptive title`,
    phase: i < 2 ? 'closed' : 'running', paused: i === 3,
    subissues: [
      sub(200 + i * 2, i < 2 ? 'merged' : 'agent', { startedAt: ago(30 + i), prOpenedAt: i < 2 ? ago(10) : undefined,
        ...(i === 4 ? { needsYou: { id: 'q', kind: 'tool', tool: 'Bash', subject: './deploy.sh', reason: 'unknown', askedAt: ago(2), expiresAt: ago(-28) } } : {}),
        ...(i === 5 ? { wait: { usageLimitUntil: '2026-12-01T15:45:00Z' } } : {}) }),
      sub(201 + i * 2, i < 2 ? 'merged' : 'waiting', i < 2 ? { startedAt: ago(50), prOpenedAt: ago(20) } : {}),
    ],
  }));
}

const workers = Array.from({ length: 8 }, (_, i) => ({ id: `%${i + 1}`, task: i < 7 ? `subissue-${204 + i * 2}` : '' }));

test('8 workers and 10 parents fit a 28-line pane of 80 columns, header on top', () => {
  const lines = renderDashboard({ parents: parents(), workers, now, upSince: new Date(now.getTime() - 3 * 3_600_000 - 5 * 60_000),
    width: 80, height: 28, paint: ansiPaint() });
  const plain = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''));
  expect(lines.length).toBeLessThanOrEqual(28);
  for (const line of plain) expect([...line].length).toBeLessThanOrEqual(80);
  expect(plain[0]).toMatch(/^ccp 15:00:00 UTC · up 3h05m · 7\/8 workers busy$/);
  expect(plain[1]).toBe('Queue: waiting 8 · working 8 · merged 4 · failed 0 · 1 needs you');
  expect(plain[2]).toMatch(/^PRs: 4 last hour · 4 today · 25\.3 min each · 0\.5\/h per worker · idle \d+%$/);
  // Every worker, with what it does and since when.
  expect(plain.filter((l) => /^ {2}%\d/.test(l))).toHaveLength(8);
  expect(plain).toContain('  %1   #204 for 32m Subissue 204 with a title long enough to need cutting in a …');
  expect(plain.some((l) => l.startsWith('  %3   #208 for 34m — needs you: ccp approve|deny 208'))).toBe(true);
  expect(plain.some((l) => l.startsWith('  %4   #210 for 35m — usage limit until 15:45'))).toBe(true);
  expect(plain).toContain('  %8   idle');
  // A progress bar per parent, the ones in work first.
  const parentRows = plain.filter((l) => l.startsWith('#'));
  expect(parentRows).toHaveLength(10);
  expect(parentRows[0]).toMatch(/^#102 running  ░{12} 0\/2 Parent 2/);
  expect(parentRows.slice(-2).map((l) => l.slice(0, 5))).toEqual(['#100 ', '#101 ']);
  expect(plain.some((l) => l.startsWith('#103 running  paused'))).toBe(true);
});

test('a short pane keeps header and workers and sums up the parents that do not fit', () => {
  const lines = renderDashboard({ parents: parents(), workers, now, width: 80, height: 18 });
  expect(lines).toHaveLength(18);
  expect(lines[0]).toMatch(/^ccp 15:00:00 UTC/);
  expect(lines.filter((l) => l.startsWith('  %'))).toHaveLength(8);
  expect(lines.filter((l) => l.startsWith('#'))).toHaveLength(4);
  expect(lines[17]).toBe('… 6 more: 4 running, 2 closed (ccp status lists all)');
});

test('a tall pane lists every parent and no summary line', () => {
  const lines = renderDashboard({ parents: parents(), workers, now, width: 120, height: 60 });
  expect(lines.filter((l) => l.startsWith('#'))).toHaveLength(10);
  expect(lines.some((l) => l.startsWith('…'))).toBe(false);
  expect(lines.find((l) => l.startsWith('#100'))).toMatch(/^#100 closed   █{12} 2\/2 /);
});

test('cutting keeps colour codes whole and marks the cut', () => {
  const red = ansiPaint()('red', 'abcdefghij');
  expect(cutToWidth(red, 5)).toBe('\x1b[31mabcd…\x1b[0m');
  expect(cutToWidth('short', 10)).toBe('short');
  expect(cutToWidth('exactly10!', 10)).toBe('exactly10!');
  expect(cutToWidth('eleven char', 10)).toBe('eleven ch…');
});

test('durations and idle share read as people say them', () => {
  expect([45_000, 12 * 60_000, 185 * 60_000, 52 * 3_600_000].map(duration)).toEqual(['45s', '12m', '3h05m', '2d4h']);
  // One worker, busy for the last 30 minutes of the hour: half idle.
  const one = (subissues: SubissueStatus[]): ParentStatus[] => [{ ...parents()[0], subissues }];
  expect(throughputFigures(one([sub(1, 'agent', { startedAt: ago(30) })]), 1, now).idlePercent).toBe(50);
  expect(throughputFigures(one([]), 2, now)).toEqual({ lastHour: 0, today: 0, meanMinutes: undefined, perWorkerHour: 0, idlePercent: 100 });
});
