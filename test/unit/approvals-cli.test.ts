// `ccp approvals`: reading the audit log back and rendering it.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readApprovals, renderApprovals, type ApprovalRecordLine } from '../../src/cli/approvals.js';

const line = (over: Partial<ApprovalRecordLine> = {}): ApprovalRecordLine => ({
  at: '2026-03-01T10:00:05.123Z', label: 'subissue-11', pane: '%3', dialog: 'tool', title: 'Bash command',
  tool: 'Bash', subject: 'npm test', decision: 'allow', reason: 'Bash command is allowed by ccp policy', ...over,
});

describe('readApprovals', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'ccp-approvals-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads every decision in order, filters by label, skips torn lines; no log is no approvals', () => {
    const file = path.join(dir, 'approvals.jsonl');
    const a = line();
    const b = line({ label: 'subissue-12', decision: 'deny', reason: 'ccp policy: no privileged commands' });
    appendFileSync(file, `${JSON.stringify(a)}\n{"torn": \n\n${JSON.stringify(b)}\n["not a record"]\n`);
    expect(readApprovals(file)).toEqual([a, b]);
    expect(readApprovals(file, { label: 'subissue-12' })).toEqual([b]);
    expect(readApprovals(path.join(dir, 'missing.jsonl'))).toEqual([]);
  });
});

describe('renderApprovals', () => {
  test('one row per decision, aligned, with a count', () => {
    const text = renderApprovals([
      line(),
      line({ at: '2026-03-01T10:01:00.000Z', label: 'subissue-7', pane: '%12', decision: 'deny', tool: 'Bash',
        subject: 'git add -A &&\ngit push origin HEAD', reason: 'ccp policy: ccp pushes the branch itself' }),
      line({ dialog: 'trust', title: 'Accessing workspace', tool: undefined, subject: '/w/repo',
        reason: 'the folder is a ccp worktree' }),
    ]);
    expect(text.split('\n')).toEqual([
      'TIME (UTC)           LABEL        PANE  DECISION  WHAT   SUBJECT                               REASON',
      '2026-03-01 10:00:05  subissue-11  %3    allow     Bash   npm test                              Bash command is allowed by ccp policy',
      '2026-03-01 10:01:00  subissue-7   %12   deny      Bash   git add -A && ⏎ git push origin HEAD  ccp policy: ccp pushes the branch itself',
      '2026-03-01 10:00:05  subissue-11  %3    allow     trust  /w/repo                               the folder is a ccp worktree',
      '3 decisions: 2 allowed, 1 denied',
    ]);
  });

  test('long subjects are cut; an empty log says so', () => {
    const text = renderApprovals([line({ subject: `echo ${'x'.repeat(100)}` })]);
    expect(text).toContain(`echo ${'x'.repeat(54)}…`);
    expect(text).toContain('1 decision: 1 allowed, 0 denied');
    expect(renderApprovals([])).toBe('No approvals recorded.');
  });
});
