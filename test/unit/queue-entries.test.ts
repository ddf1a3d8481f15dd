// ccp queue show's reading of the statuses: states in order, dispatch order within a state, and why each waits.
import { queueEntries } from '../../src/core/queue-entries.js';
import type { ParentStatus, SubissueStatus } from '../../src/shared/messages.js';

const sub = (number: number, phase: SubissueStatus['phase'], extra: Partial<SubissueStatus> = {}): SubissueStatus =>
  ({ key: `k${number}`, number, title: `Sub ${number}`, priority: 'normal', dependsOn: [], phase, updatedAt: '', ...extra });
const parent = (number: number, subissues: SubissueStatus[], paused = false): ParentStatus =>
  ({ repo: { owner: 'o', repo: 'r' }, number, title: `P${number}`, phase: 'running', paused, subissues });

test('every subissue not done, by state, in dispatch order, saying why it waits', () => {
  const entries = queueEntries([
    parent(1, [
      sub(11, 'merged'),
      sub(12, 'queued', { priority: 'low' }),
      sub(13, 'queued', { priority: 'critical' }),
      sub(14, 'waiting', { dependsOn: ['k15'] }),
      sub(15, 'pr-open', { pr: { number: 90, url: '', merged: false } }),
      sub(16, 'agent', { paneId: '%3' }),
      sub(17, 'agent', { needsYou: { id: 'q', kind: 'tool', tool: 'Bash', subject: './deploy.sh\n--prod', reason: '', askedAt: '', expiresAt: '' } }),
      sub(18, 'failed', { error: 'agent exited with code 1\nlast screen: …' }),
      sub(19, 'blocked', { error: 'dependency #18 failed' }),
    ]),
    parent(2, [sub(21, 'waiting'), sub(22, 'queued', { priority: 'high' })], true),
  ]);
  expect(entries.map((e) => `${e.state} #${e.number}: ${e.why}`)).toEqual([
    'needs-you #17: Bash ./deploy.sh --prod (ccp approve|deny 17)',
    'running #16: agent at work in pane %3',
    'ready #13: waits for a free worker pane',
    'ready #22: waits for a free worker pane',
    'ready #12: waits for a free worker pane',
    'pending #14: waits for #15 (pr-open)',
    'pending #21: parent #2 is paused (ccp resume 2)',
    'in-review #15: PR #90 waits for its merge',
    'failed #18: agent exited with code 1',
    'blocked #19: dependency #18 failed',
  ]);
});
