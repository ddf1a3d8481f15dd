// `ccp workers`: counts changed within 0..64 with clear refusals, and who works where from the dispatcher's holders
// joined with this host's panes.
import { emptyDispatchState } from '../../src/core/dispatch.js';
import { countAfter, workersList } from '../../src/core/worker-count.js';
import { renderCountChange, renderWorkersList } from '../../src/cli/workers-view.js';
import type { DispatchView, SlotGrant } from '../../src/shared/dispatch.js';

test('add, remove and set change the count; beyond 0..64 or an unknown host is refused with the reason', () => {
  expect(countAfter('h', 3, { kind: 'add', workers: 2 })).toEqual({ workers: 5 });
  expect(countAfter('h', 3, { kind: 'remove', workers: 3 })).toEqual({ workers: 0 });
  expect(countAfter('h', undefined, { kind: 'set', workers: 4 })).toEqual({ workers: 4 });
  expect(countAfter('h', 3, { kind: 'remove', workers: 5 })).toEqual({ refused: 'host h has 3 workers: cannot remove 5' });
  expect(countAfter('h', 60, { kind: 'add', workers: 5 })).toEqual({ refused: 'host h would have 65 workers: at most 64 run on one host' });
  expect(countAfter('h', undefined, { kind: 'add', workers: 1 })).toEqual({ refused: expect.stringMatching(/host h has no worker count/) });
  expect(countAfter('h', 3, { kind: 'set', workers: 1.5 })).toEqual({ refused: 'give a whole number of workers, not 1.5' });
});

const grant = (subissue: number, host: string, extra: Partial<SlotGrant> = {}): SlotGrant => ({
  workflowId: `w${subissue}`, repo: 'acme/widgets', parent: 12, subissue, host, priority: 'normal',
  requestedAt: '2026-12-01T10:00:00.000Z', grantedAt: '2026-12-01T10:01:00.000Z', ...extra });

function view(): DispatchView {
  return { ...emptyDispatchState(), hosts: { a: { workers: 3, updatedAt: '' }, b: { workers: 1, updatedAt: '', removeNow: true } },
    groupLimits: { frontend: 2 },
    holders: [grant(301, 'a', { group: 'frontend' }), grant(302, 'a'), grant(303, 'b', { group: 'frontend' })],
    queue: [{ workflowId: 'w304', repo: 'acme/widgets', parent: 12, subissue: 304, host: 'a', priority: 'normal',
      requestedAt: '2026-12-01T10:02:00.000Z' }], waiting: [] };
}

test('the list joins holders with this host\'s panes; idle and retiring panes show, other hosts\' workers without a pane', () => {
  const list = workersList(view(), 'a', [
    { id: '%1', window: 'grid', task: 'subissue-301', retiring: false },
    { id: '%2', window: 'grid', task: '', retiring: false },
    { id: '%10', window: 'grid-2', task: 'subissue-302', retiring: true },
  ]);
  expect(list.hosts).toEqual([
    { host: 'a', workers: 3, busy: 2, waiting: 1, removingNow: false },
    { host: 'b', workers: 1, busy: 1, waiting: 0, removingNow: true },
  ]);
  expect(list.workers.map((w) => [w.host, w.pane, w.state, w.subissue, w.group])).toEqual([
    ['a', '%1', 'busy', 301, 'frontend'], ['a', '%2', 'idle', undefined, undefined], ['a', '%10', 'retiring', 302, undefined],
    ['b', undefined, 'busy', 303, 'frontend']]);
  expect(list.groupLimits).toEqual([{ group: 'frontend', limit: 2, running: 2 }]);
  const text = renderWorkersList(list, new Date('2026-12-01T10:06:00Z'), 'a').join('\n');
  expect(text).toContain('host a (this host): 3 workers · 2 busy · 1 waiting');
  expect(text).toMatch(/%1 +grid +busy +frontend +#301 \(acme\/widgets\) +since 10:01:00 UTC \(5m\)/);
  expect(text).toMatch(/%10 +grid-2 +retiring +- +#302 \(acme\/widgets\) +since 10:01:00 UTC \(5m\) — goes when its agent ends/);
  expect(text).toContain('host b: 1 worker · 1 busy · stopping the sessions beyond the count');
  expect(text).toContain('group frontend: at most 2 at once, 2 running');
});

test('what a count change says about the agents running beyond it', () => {
  const result = { host: 'a', before: 5, workers: 2, busy: 4, view: view() };
  expect(renderCountChange(result, false)).toBe('host a: 5 → 2 workers; 2 running agents finish first');
  expect(renderCountChange(result, true)).toBe('host a: 5 → 2 workers; 2 running agents stop and go back to the queue');
  expect(renderCountChange({ ...result, workers: 6 }, false)).toBe('host a: 5 → 6 workers');
});
