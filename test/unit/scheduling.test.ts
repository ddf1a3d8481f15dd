import { allTerminal, decideStarts } from '../../src/core/scheduling.js';
import type { SubissueStatus } from '../../src/shared/messages.js';

const status = (number: number, key: string, extra: Partial<SubissueStatus> = {}): SubissueStatus => ({
  key,
  number,
  title: key,
  priority: 'normal',
  dependsOn: [],
  phase: 'waiting',
  updatedAt: '',
  ...extra,
});

describe('which subissues start', () => {
  test('independent ones start, most urgent first', () => {
    const subs = [status(1, 'a', { priority: 'low' }), status(2, 'b', { priority: 'critical' }), status(3, 'c')];
    expect(decideStarts(subs, false).start.map((s) => s.number)).toEqual([2, 3, 1]);
  });

  test('dependents wait for the dependency to be merged', () => {
    const subs = [status(1, 'a', { phase: 'pr-open' }), status(2, 'b', { dependsOn: ['a'] })];
    expect(decideStarts(subs, false).start).toEqual([]);
    subs[0].phase = 'merged';
    expect(decideStarts(subs, false).start.map((s) => s.number)).toEqual([2]);
  });

  test('dependents of a failed subissue are blocked', () => {
    const subs = [status(1, 'a', { phase: 'failed' }), status(2, 'b', { dependsOn: ['a'] })];
    const decision = decideStarts(subs, false);
    expect(decision.block).toEqual([{ sub: subs[1], because: 'dependency #1 failed' }]);
  });

  test('nothing starts while paused, but blocking still applies', () => {
    const subs = [status(1, 'a'), status(2, 'b', { phase: 'failed' }), status(3, 'c', { dependsOn: ['b'] })];
    const decision = decideStarts(subs, true);
    expect(decision.start).toEqual([]);
    expect(decision.block.map((b) => b.sub.number)).toEqual([3]);
  });

  test('terminal when every subissue ended', () => {
    expect(allTerminal([status(1, 'a', { phase: 'merged' }), status(2, 'b', { phase: 'blocked' })])).toBe(true);
    expect(allTerminal([status(1, 'a', { phase: 'merged' }), status(2, 'b', { phase: 'pr-open' })])).toBe(false);
  });
});
