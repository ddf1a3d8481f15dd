import { allTerminal, decideStarts } from '../../src/core/scheduling.js';
import { dependencyNews } from '../../src/core/stacking.js';
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

describe('stacked PRs: dependents start on their dependency\'s branch', () => {
  const pr = { number: 40, url: 'u', merged: false };
  const stacking = { stacking: true };

  test('a dependent starts once its dependency\'s PR is open, stacked on it', () => {
    const subs = [status(1, 'a', { phase: 'agent' }), status(2, 'b', { dependsOn: ['a'] })];
    expect(decideStarts(subs, false, stacking).start).toEqual([]);
    Object.assign(subs[0], { phase: 'pr-open', pr });
    const decision = decideStarts(subs, false, stacking);
    expect(decision.start.map((s) => s.number)).toEqual([2]);
    expect(decision.stackOn).toEqual({ 2: 1 });
    // Off: the serial way, it waits for the merge.
    expect(decideStarts(subs, false).start).toEqual([]);
  });

  test('with several dependencies it stacks only when all but one are merged', () => {
    const subs = [status(1, 'a', { phase: 'pr-open', pr }), status(2, 'b', { phase: 'pr-open', pr }),
      status(3, 'c', { dependsOn: ['a', 'b'] })];
    expect(decideStarts(subs, false, stacking).start).toEqual([]);
    subs[0].phase = 'merged';
    expect(decideStarts(subs, false, stacking).stackOn).toEqual({ 3: 2 });
    subs[1].phase = 'merged';
    const decision = decideStarts(subs, false, stacking);
    expect(decision.start.map((s) => s.number)).toEqual([3]);
    expect(decision.stackOn).toEqual({}); // everything merged: it starts on the default branch
  });

  test('a chain stacks link by link; paused holds stacking back too', () => {
    const subs = [status(1, 'a', { phase: 'pr-open', pr }), status(2, 'b', { dependsOn: ['a'], phase: 'pr-open', pr }),
      status(3, 'c', { dependsOn: ['b'] })];
    expect(decideStarts(subs, false, stacking).stackOn).toEqual({ 3: 2 });
    expect(decideStarts(subs, true, stacking).start).toEqual([]);
  });

  test('what a stacked subissue is told when its dependency ends', () => {
    expect(dependencyNews(status(1, 'a', { phase: 'pr-open' }))).toBeUndefined();
    expect(dependencyNews(status(1, 'a', { phase: 'agent' }))).toBeUndefined();
    expect(dependencyNews(status(1, 'a', { phase: 'merged' }))).toEqual({ merged: true });
    expect(dependencyNews(status(1, 'a', { phase: 'failed', error: 'PR #40 was closed without merging\nmore' })))
      .toEqual({ merged: false, reason: 'dependency #1 failed: PR #40 was closed without merging' });
    expect(dependencyNews(status(1, 'a', { phase: 'stopped' }))).toEqual({ merged: false, reason: 'dependency #1 stopped' });
  });
});
