// The dispatcher's rules without a workflow: who is granted, who waits and why, who loses a slot.
import { applyChange, decideDispatch, emptyDispatchState, refusal, settleRemovals, waitReason } from '../../src/core/dispatch.js';
import type { DispatchState, SlotRequest } from '../../src/shared/dispatch.js';

const NOW = '2026-12-02T10:00:00.000Z';
const request = (subissue: number, extra: Partial<SlotRequest> = {}): SlotRequest => ({ workflowId: `wf-${subissue}`,
  repo: 'acme/widgets', parent: 1, subissue, host: 'h1', priority: 'normal', requestedAt: `2026-12-02T09:00:0${subissue % 10}.000Z`, ...extra });
const stateWith = (queue: SlotRequest[], change?: (s: DispatchState) => void): DispatchState => {
  const state = emptyDispatchState();
  state.queue = queue;
  change?.(state);
  return state;
};
const granted = (state: DispatchState) => decideDispatch(state, NOW).grant.map((r) => r.subissue);

test('grants by priority, then request time, within the host count', () => {
  const state = stateWith([request(1), request(2, { priority: 'high' }), request(3)], (s) => {
    s.hosts.h1 = { workers: 2, updatedAt: NOW };
  });
  expect(granted(state)).toEqual([2, 1]);
  expect(waitReason(state, request(3), NOW)).toBe('next when a slot frees');
  state.priorities['acme/widgets#3'] = 'critical';
  expect(granted(state)).toEqual([3, 2]);
});

test('a host without a count is not limited here (its panes are); another host counts apart', () => {
  const state = stateWith([request(1), request(2), request(3, { host: 'h2' })], (s) => {
    s.hosts.h2 = { workers: 0, updatedAt: NOW };
  });
  expect(granted(state)).toEqual([1, 2]);
});

test('group limits count holders of the group on every host', () => {
  const state = stateWith([request(1, { group: 'ui' }), request(2, { group: 'ui', host: 'h2' }), request(3)], (s) => {
    s.groupLimits.ui = 1;
    s.holders = [{ ...request(9, { group: 'ui', host: 'h2' }), grantedAt: NOW }];
  });
  expect(granted(state)).toEqual([3]);
  expect(waitReason(state, request(1, { group: 'ui' }), NOW)).toBe('group ui is at its limit (1/1)');
});

test('pauses at each level hold what they cover, and resume lets it go', () => {
  const queue = [request(1, { group: 'ui' }), request(2, { parent: 7 }), request(3)];
  const state = stateWith(queue);
  applyChange(state, { kind: 'pause', scope: { kind: 'group', name: 'ui' } }, NOW);
  applyChange(state, { kind: 'pause', scope: { kind: 'parent', key: 'acme/widgets#7' } }, NOW);
  applyChange(state, { kind: 'pause', scope: { kind: 'subissue', key: 'acme/widgets#3' } }, NOW);
  expect(granted(state)).toEqual([]);
  expect(queue.map((r) => waitReason(state, r, NOW))).toEqual(['group ui is paused (ccp resume --group ui)',
    'parent #7 is paused (ccp resume 7)', '#3 is paused (ccp resume --sub 3)']);
  applyChange(state, { kind: 'resume', scope: { kind: 'parent', key: 'acme/widgets#7' } }, NOW);
  expect(granted(state)).toEqual([2]);
  applyChange(state, { kind: 'pause', scope: { kind: 'all' } }, NOW);
  applyChange(state, { kind: 'resume', scope: { kind: 'group', name: 'ui' } }, NOW);
  expect(granted(state)).toEqual([]);
  applyChange(state, { kind: 'resume', scope: { kind: 'all' } }, NOW);
  expect(granted(state)).toEqual([1, 2]);
});

test('pause --now revokes holders in its scope only; a plain pause revokes nothing', () => {
  const state = stateWith([], (s) => {
    s.holders = [{ ...request(1, { group: 'ui' }), grantedAt: NOW }, { ...request(2), grantedAt: NOW }];
  });
  applyChange(state, { kind: 'pause', scope: { kind: 'group', name: 'ui' } }, NOW);
  expect(decideDispatch(state, NOW).revoke).toEqual([]);
  applyChange(state, { kind: 'pause', scope: { kind: 'group', name: 'ui' }, now: true }, NOW);
  expect(decideDispatch(state, NOW).revoke.map((r) => [r.holder.subissue, r.reason]))
    .toEqual([[1, 'paused now: group ui is paused (ccp resume --group ui)']]);
});

test('workers removed --now: the newest holders beyond the count give their slot back, once', () => {
  const state = stateWith([], (s) => {
    s.holders = [1, 2, 3].map((n) => ({ ...request(n), grantedAt: `2026-12-02T09:3${n}:00.000Z` }));
  });
  applyChange(state, { kind: 'set-workers', host: 'h1', workers: 1, now: true }, NOW);
  const { revoke } = decideDispatch(state, NOW);
  expect(revoke.map((r) => r.holder.subissue)).toEqual([2, 3]);
  state.holders = state.holders.filter((h) => h.subissue === 1);
  settleRemovals(state);
  expect(state.hosts.h1.removeNow).toBeUndefined();
});

test('delays: held until due (with when to decide again); `queue delay` overrides the plan\'s, "" lifts it', () => {
  const state = stateWith([request(1, { notBefore: '2026-12-02T11:00:00.000Z' }), request(2)]);
  expect(decideDispatch(state, NOW)).toMatchObject({ grant: [expect.objectContaining({ subissue: 2 })], wakeAt: '2026-12-02T11:00:00.000Z' });
  expect(waitReason(state, request(1, { notBefore: '2026-12-02T11:00:00.000Z' }), NOW)).toBe('scheduled for 2026-12-02T11:00:00.000Z');
  applyChange(state, { kind: 'set-delay', subissue: 'acme/widgets#1', notBefore: null }, NOW);
  expect(granted(state)).toEqual([1, 2]);
  applyChange(state, { kind: 'set-delay', subissue: 'acme/widgets#2', notBefore: '2026-12-02T12:00:00.000Z' }, NOW);
  expect(granted(state)).toEqual([1]);
});

test('requeue revokes that holder once', () => {
  const state = stateWith([], (s) => {
    s.holders = [{ ...request(1), grantedAt: NOW }];
  });
  applyChange(state, { kind: 'requeue', subissue: 'acme/widgets#1' }, NOW);
  expect(decideDispatch(state, NOW).revoke.map((r) => r.reason)).toEqual(['put back in the queue by a person']);
  settleRemovals(state);
  expect(decideDispatch(state, NOW).revoke).toEqual([]);
});

test('refusals say what is wrong', () => {
  expect(refusal({ kind: 'set-workers', host: 'h', workers: 65 })).toBe('workers must be a whole number from 0 to 64, not 65');
  expect(refusal({ kind: 'set-group-limit', group: 'g', limit: -1 })).toMatch(/whole number ≥ 0/);
  expect(refusal({ kind: 'set-delay', subissue: 'a#1', notBefore: 'tomorrow' })).toBe('"tomorrow" is not a time');
  expect(refusal({ kind: 'set-workers', host: 'h', workers: 3 })).toBeUndefined();
});
