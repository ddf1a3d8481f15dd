// How a request waiting for a person shows in `ccp status`, the dashboard and `ccp approvals --pending`.
import { renderAnswered, renderWaiting } from '../../src/cli/approve.js';
import { renderStatus } from '../../src/cli/status-view.js';
import type { ParentStatus, PendingApproval } from '../../src/shared/messages.js';

const pending: PendingApproval = { id: 'abc', kind: 'tool', tool: 'Bash', subject: './scripts/deploy.sh staging\n--fast',
  reason: 'ccp policy: ./scripts/deploy.sh is not a known development command', askedAt: '2026-12-01T10:00:00.000Z',
  expiresAt: '2026-12-01T10:30:00.000Z' };

const parent = (needsYou?: PendingApproval, phase: 'agent' | 'pushing' = 'agent'): ParentStatus => ({
  repo: { owner: 'acme', repo: 'widgets' }, number: 1, title: 'Parent', phase: 'running', paused: false,
  subissues: [{ key: 's1', number: 12, title: 'Deploy', priority: 'normal', dependsOn: [], phase, updatedAt: '', needsYou }],
});

test('status marks the subissue NEEDS-YOU on one line, with the request and the commands that answer it', () => {
  const text = renderStatus([parent(pending)], new Date('2026-12-01T10:05:00Z'));
  expect(text).toContain('1 agent needs you: ccp approvals --pending');
  const line = text.split('\n').find((l) => l.includes('#12'))!;
  expect(line).toContain('NEEDS-YOU');
  expect(line).toContain('needs you: Bash ./scripts/deploy.sh staging --fast (ccp approve|deny 12)');
  expect(renderStatus([parent(undefined)], new Date())).not.toContain('needs you');
  // Once the subissue moved on, a stale question is not shown.
  expect(renderStatus([parent(pending, 'pushing')], new Date())).not.toContain('NEEDS-YOU');
});

test('approvals --pending lists each waiting request with its reason, time left and answers', () => {
  const text = renderWaiting([{ subissue: 12, parent: 'acme/widgets#1', workflowId: 'w', pending }],
    new Date('2026-12-01T10:05:00Z'));
  expect(text).toContain('1 request waits for you:');
  expect(text).toContain('#12 (acme/widgets#1) Bash: ./scripts/deploy.sh staging ⏎ --fast');
  expect(text).toContain('denied in 25 min unless answered');
  expect(text).toContain('ccp approve 12 [--always]');
  expect(renderWaiting([])).toBe('Nothing waits for approval.');
});

test('what approve and deny print', () => {
  expect(renderAnswered(12, { question: pending, answer: { decision: 'allow', by: 'person', reason: 'ok', always: true } }))
    .toBe('#12: approved (always) Bash: ./scripts/deploy.sh staging ⏎ --fast');
  expect(renderAnswered(12, { question: pending, answer: { decision: 'deny', by: 'person', reason: 'denied by a person: no' } }))
    .toContain('the agent reads: denied by a person: no');
});

test('colour only on a terminal without NO_COLOR; columns line up either way', async () => {
  const { ansiPaint, paintFor, noPaint } = await import('../../src/cli/paint.js');
  expect(paintFor({ isTTY: false }, {})).toBe(noPaint);
  expect(paintFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(noPaint);
  expect(paintFor({ isTTY: true }, {})).not.toBe(noPaint);
  const coloured = renderStatus([parent(pending)], new Date(0), undefined, ansiPaint());
  expect(coloured).toContain('\x1b[33mNEEDS-YOU\x1b[0m');
  const plain = renderStatus([parent(pending)], new Date(0));
  expect(plain).not.toContain('\x1b[');
  expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plain);
});
