import { scheduledNote } from '../../src/cli/status-view.js';

const now = new Date(2026, 11, 2, 14, 0);

test('a scheduled parent or a delayed subissue shows when it begins; one that began or is due shows nothing', () => {
  const at16 = new Date(2026, 11, 2, 16, 0).toISOString();
  expect(scheduledNote({ phase: 'scheduled', notBefore: at16 }, now)).toBe(' scheduled for 16:00');
  expect(scheduledNote({ phase: 'queued', notBefore: new Date(2026, 11, 3, 9, 0).toISOString() }, now)).toBe(' scheduled for Dec 3 09:00');
  expect(scheduledNote({ phase: 'agent', notBefore: at16 }, now)).toBe('');
  expect(scheduledNote({ phase: 'waiting', notBefore: new Date(2026, 11, 2, 13, 0).toISOString() }, now)).toBe('');
  expect(scheduledNote({ phase: 'waiting' }, now)).toBe('');
});
