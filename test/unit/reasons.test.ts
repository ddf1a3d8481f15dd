import { oneLineReason } from '../../src/core/reasons.js';

test('a failure reason for lists and GitHub: first line, no pane screen, bounded', () => {
  const agentFailure = 'agent exited with code 1 in pane %3; last screen:\n❯ rm -rf\n  secret screen text';
  expect(oneLineReason(agentFailure)).toBe('agent exited with code 1 in pane %3');
  expect(oneLineReason('GitHub said 404\nstack trace')).toBe('GitHub said 404');
  expect(oneLineReason(`  spaced   out\ttext `)).toBe('spaced out text');
  const long = oneLineReason('x'.repeat(500), 50);
  expect(long).toHaveLength(50);
  expect(long.endsWith('…')).toBe(true);
});
