// What the pueue mirror should show for each subissue, and the order of the calls that get pueue there.
import { planMirror, type MirrorAction, type MirrorFiles } from '../../src/core/mirror-plan.js';
import { mirrorTargets, pueueGroupName } from '../../src/core/mirror-targets.js';
import { parentStatus as parent, pueueSnapshot as snapshot, subStatus as sub } from '../helpers/pueue-bed.js';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const NO_FILES: MirrorFiles = { exits: new Map(), notes: new Map() };
const kinds = (parents: Parameters<typeof mirrorTargets>[0]['parents'], paused?: { all: boolean; groups: string[] }) =>
  Object.fromEntries(mirrorTargets({ parents, now: NOW, paused: paused && { ...paused, parents: [], subissues: [] } })
    .tasks.map((t) => [t.label, t.target.kind]));


test('phases map to pueue states; a delay is an enqueue time; waits are notes', () => {
  const later = '2030-01-01T13:00:00.000Z';
  const targets = mirrorTargets({ now: NOW, parents: [parent(1, [
    sub(2, 'waiting'), sub(3, 'waiting', { notBefore: later }), sub(4, 'queued', { notBefore: later }),
    sub(5, 'agent', { wait: { stalledSince: '2030-01-01T11:00:00.000Z' } }), sub(6, 'queued'),
    sub(7, 'stopped'), sub(8, 'blocked', { error: 'dependency #7 stopped' }),
  ]), parent(9, [sub(10, 'waiting', { notBefore: '2029-12-31T00:00:00.000Z' })])] }).tasks;
  expect(targets.map((t) => [t.label, t.target])).toEqual([
    ['subissue-2', { kind: 'stashed' }],
    ['subissue-3', { kind: 'scheduled', enqueueAt: later }],
    ['subissue-4', { kind: 'scheduled', enqueueAt: later }],
    ['subissue-5', { kind: 'running', note: 'no progress since 2030-01-01T11:00:00.000Z' }],
    ['subissue-6', { kind: 'queued' }],
    ['subissue-7', { kind: 'done', exitCode: 130, summary: 'stopped' }],
    ['subissue-8', { kind: 'dependency-failed', summary: 'dependency #7 stopped' }],
    ['subissue-10', { kind: 'stashed' }], // its delay is over
  ]);
});

test('ready is Queued only where pueue cannot start it: beside a running task, or in a paused group', () => {
  const run = [parent(1, [sub(2, 'queued', { group: 'api' }), sub(3, 'queued', { group: 'web' }), sub(4, 'agent', { group: 'web' }),
    sub(5, 'queued', { group: 'docs' })])];
  expect(kinds(run)).toEqual({ 'subissue-2': 'stashed', 'subissue-3': 'queued', 'subissue-4': 'running', 'subissue-5': 'stashed' });
  expect(kinds(run, { all: false, groups: ['api'] })['subissue-2']).toBe('queued');
  expect(kinds(run, { all: true, groups: [] })['subissue-5']).toBe('queued');
});

test('dependencies come first, groups get pueue names, old finished work is left out', () => {
  const old = '2029-01-01T00:00:00.000Z';
  const { tasks } = mirrorTargets({ now: NOW, horizon: new Date('2029-12-31T00:00:00.000Z'), parents: [parent(1, [
    sub(2, 'waiting', { dependsOn: ['k3'], group: 'front end' }), sub(3, 'waiting', { dependsOn: ['k4'] }), sub(4, 'merged', { updatedAt: old }),
  ])] });
  expect(tasks.map((t) => [t.label, t.after, t.group])).toEqual([['subissue-3', ['subissue-4'], 'ccp'], ['subissue-2', ['subissue-3'], 'front-end']]);
  expect([pueueGroupName(undefined), pueueGroupName('--all'), pueueGroupName('ÿ'), pueueGroupName('a.b_c')]).toEqual(['ccp', 'all', 'ccp', 'a.b_c']);
});

test('no slot is ever free for pueue: limits drop before tasks queue, rise only after starts', () => {
  const targets = mirrorTargets({ now: NOW, parents: [parent(1, [sub(2, 'agent'), sub(3, 'queued'), sub(4, 'agent')])] });
  const actual = snapshot([{ id: 0, label: 'subissue-2', status: { Running: {} } }, { id: 1, label: 'subissue-3', status: { Stashed: {} } }],
    { ccp: { parallel_tasks: 0 } });
  const plan = planMirror(targets, actual, NO_FILES, NOW);
  const at = (match: (a: MirrorAction) => boolean) => plan.findIndex(match);
  expect(plan).toEqual([
    { do: 'parallel', group: 'ccp', parallel: 2 },
    expect.objectContaining({ do: 'add', mode: 'start' }),
    { do: 'enqueue', label: 'subissue-3', id: 1 },
  ]);
  expect(at((a) => a.do === 'parallel')).toBeLessThan(at((a) => a.do === 'enqueue'));
  // Running where ccp says ready: killed before it is queued again; a result is written before its command runs.
  const wrong = snapshot([{ id: 0, label: 'subissue-2', status: { Running: {} } }, { id: 1, label: 'subissue-3', status: { Running: {} } },
    { id: 2, label: 'subissue-4', status: { Running: {} } }], { ccp: { parallel_tasks: 3 } });
  const done = mirrorTargets({ now: NOW, parents: [parent(1, [sub(2, 'agent'), sub(3, 'queued'), sub(4, 'failed')])] });
  expect(planMirror(done, wrong, NO_FILES, NOW)).toEqual([
    { do: 'parallel', group: 'ccp', parallel: 1 },
    { do: 'exit-file', label: 'subissue-4', exitCode: 1, summary: 'failed' },
    { do: 'kill', label: 'subissue-3', id: 1 },
    { do: 'restart', label: 'subissue-3', id: 1, mode: 'queued' },
  ]);
  // In line: nothing to do.
  const inLine = snapshot([{ id: 0, label: 'subissue-2', status: { Running: {} } }, { id: 2, label: 'subissue-4', status: { Done: { result: { Failed: 1 } } } },
    { id: 1, label: 'subissue-3', status: { Queued: {} } }], { ccp: { parallel_tasks: 1 } });
  expect(planMirror(done, inLine, { exits: new Map([['subissue-4', 1]]), notes: new Map() }, NOW)).toEqual([]);
});
