// ccp gc's rules: running work and unsaved work stay; crash leftovers and finished, pushed workspaces go.
import { formatBytes, planGc, type WorkspaceFacts } from '../../src/core/gc-plan.js';

const ws = (over: Partial<WorkspaceFacts>): WorkspaceFacts =>
  ({ path: '/w/subissue-1', subissue: 1, halfMade: false, inUse: false, uncommitted: 0, unpushed: 0, bytes: 10, ...over });

test('keeps running and unsaved work, removes the rest; --force drops unsaved work', () => {
  const facts = [
    ws({ path: '/w/a', inUse: true, unpushed: 2 }),
    ws({ path: '/w/b', unpushed: 1 }),
    ws({ path: '/w/c', uncommitted: 3 }),
    ws({ path: '/w/d' }),
    ws({ path: '/w/e', halfMade: true, uncommitted: undefined, unpushed: undefined }),
    ws({ path: '/w/f', uncommitted: undefined, unpushed: undefined }),
    ws({ path: '/w/g', recent: true }),
  ];
  expect(planGc(facts).map((d) => `${d.path} ${d.remove ? 'remove' : 'keep'}: ${d.reason}`)).toEqual([
    '/w/a keep: subissue #1 is still running',
    '/w/b keep: holds 1 unpushed commit (ccp gc --force removes it)',
    '/w/c keep: holds 3 uncommitted changes (ccp gc --force removes it)',
    '/w/d remove: finished, everything pushed',
    '/w/e remove: left half-made by a crash',
    '/w/f remove: not a git checkout',
    '/w/g keep: made in the last minutes: it may belong to a subissue starting now',
  ]);
  const forced = planGc(facts, { force: true });
  expect(forced.filter((d) => !d.remove).map((d) => d.path)).toEqual(['/w/a', '/w/g']); // running work: never, not even forced
  expect(forced[1].reason).toBe('finished; 1 unpushed commit dropped (--force)');
});

test('sizes read as people write them', () => {
  expect([0, 1023, 1536, 5 * 1024 * 1024].map(formatBytes)).toEqual(['0 B', '1023 B', '1.5 KB', '5.0 MB']);
});
