// Commands given in pueue, told apart from what ccp itself did there and from what pueue did by itself.
import { baselineAfter, holdsInForce, userCommands, type MirrorBaseline } from '../../src/core/mirror-controls.js';
import { planMirror } from '../../src/core/mirror-plan.js';
import { mirrorTargets } from '../../src/core/mirror-targets.js';
import type { DispatchState } from '../../src/shared/dispatch.js';
import { parentStatus as parent, pueueSnapshot as snapshot, subStatus as sub } from '../helpers/pueue-bed.js';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const PID = 4242;
const RUNNING = { Running: {} };
const FAILED = (end: string) => ({ Done: { result: { Failed: 1 }, end } });
const pauses = (groups: string[], all = false): DispatchState['paused'] => ({ all, groups, parents: [], subissues: [] });
const targetsOf = (subs: ReturnType<typeof sub>[], paused?: DispatchState['paused']) =>
  mirrorTargets({ parents: [parent(1, subs)], now: NOW, paused });
const groups = (api: string, web: string, ccp = 'Running') => ({ api: { status: api, parallel_tasks: 1 },
  web: { status: web, parallel_tasks: 1 }, ccp: { status: ccp, parallel_tasks: 1 } });
/** The baseline a pass in line with pueue leaves: pueue as it was. */
const inLine = (snap: ReturnType<typeof snapshot>): MirrorBaseline => baselineAfter(snap, [], new Set(), PID);

const run = [sub(2, 'agent', { group: 'api' }), sub(3, 'agent', { group: 'web' }), sub(4, 'agent')];
const runningTasks = [{ id: 0, label: 'subissue-2', status: RUNNING, group: 'api' },
  { id: 1, label: 'subissue-3', status: RUNNING, group: 'web' }, { id: 2, label: 'subissue-4', status: RUNNING }];

test('a group paused or started in pueue is that ccp group paused or resumed', () => {
  const before = inLine(snapshot(runningTasks, groups('Running', 'Running')));
  const paused = snapshot(runningTasks, groups('Paused', 'Running'));
  expect(userCommands({ baseline: before, now: paused, daemonPid: PID, targets: targetsOf(run) }))
    .toEqual([{ do: 'pause-groups', group: 'api', ccpGroups: ['api'] }]);
  // Started again while ccp holds it paused.
  const started = snapshot(runningTasks, groups('Running', 'Running'));
  expect(userCommands({ baseline: inLine(paused), now: started, daemonPid: PID, targets: targetsOf(run, pauses(['api'])),
    paused: pauses(['api']) })).toEqual([{ do: 'resume-groups', group: 'api', ccpGroups: ['api'], all: false }]);
});

test('ccp\'s own pause and resume reach pueue through the plan and are never read back as a person\'s', () => {
  const snap = snapshot(runningTasks, groups('Running', 'Running'));
  const targets = targetsOf(run, pauses(['api']));
  const actions = planMirror(targets, snap, { exits: new Map(), notes: new Map() }, NOW);
  expect(actions).toContainEqual({ do: 'pause-group', group: 'api' });
  const after = baselineAfter(snap, actions, new Set(), PID);
  const now = snapshot(runningTasks, groups('Paused', 'Running'));
  expect(userCommands({ baseline: after, now, daemonPid: PID, targets, paused: pauses(['api']) })).toEqual([]);
  // ccp resumed meanwhile: pueue still shows Paused, which is the plan's to change, not a command.
  expect(userCommands({ baseline: after, now, daemonPid: PID, targets: targetsOf(run) })).toEqual([]);
  // A pause-group that failed leaves the group unknown: nothing is read into it next time.
  const unknown = baselineAfter(snap, actions, new Set(['group api']), PID);
  expect(userCommands({ baseline: unknown, now, daemonPid: PID, targets: targetsOf(run) })).toEqual([]);
});

test('the default group and every group at once are everything; starting a group lifts the everything-pause too', () => {
  const before = inLine(snapshot(runningTasks, groups('Running', 'Running')));
  const targets = targetsOf(run);
  expect(userCommands({ baseline: before, now: snapshot(runningTasks, groups('Running', 'Running', 'Paused')), daemonPid: PID, targets }))
    .toEqual([{ do: 'pause-all', group: 'ccp' }]);
  expect(userCommands({ baseline: before, now: snapshot(runningTasks, groups('Paused', 'Paused', 'Paused')), daemonPid: PID, targets }))
    .toEqual([{ do: 'pause-all' }]);
  const all = pauses(['web'], true);
  const allPaused = inLine(snapshot(runningTasks, groups('Paused', 'Paused', 'Paused')));
  expect(userCommands({ baseline: allPaused, now: snapshot(runningTasks, groups('Paused', 'Running', 'Paused')), daemonPid: PID,
    targets: targetsOf(run, all), paused: all })).toEqual([{ do: 'resume-groups', group: 'web', ccpGroups: ['web'], all: true }]);
});

test('a task ccp runs killed in pueue is a requeue; killed by ccp, by a lost daemon, or not running in ccp it is not', () => {
  const before = inLine(snapshot(runningTasks, groups('Running', 'Running')));
  const killed = snapshot([{ ...runningTasks[0], status: { Done: { result: 'Killed' } } }, ...runningTasks.slice(1)], groups('Running', 'Running'));
  expect(userCommands({ baseline: before, now: killed, daemonPid: PID, targets: targetsOf(run) }))
    .toEqual([{ do: 'requeue', label: 'subissue-2', subissue: 2, repo: { owner: 'octo', repo: 'shop' }, since: run[0].updatedAt }]);
  // Another daemon (pueued restarted: its running tasks show Killed), or none known yet.
  expect(userCommands({ baseline: before, now: killed, daemonPid: PID + 1, targets: targetsOf(run) })).toEqual([]);
  expect(userCommands({ now: killed, daemonPid: PID, targets: targetsOf(run) })).toEqual([]);
  // ccp's truth says it is no longer at work: the plan kills it (and the baseline says so).
  const queued = [sub(2, 'queued', { group: 'api' }), ...run.slice(1)];
  const snap = snapshot(runningTasks, groups('Running', 'Running'));
  const actions = planMirror(targetsOf(queued), snap, { exits: new Map(), notes: new Map() }, NOW);
  expect(actions).toContainEqual({ do: 'kill', label: 'subissue-2', id: 0 });
  expect(baselineAfter(snap, actions, new Set(), PID).tasks.get('subissue-2')?.state).toBe('Stashed'); // nothing else of api runs
  expect(userCommands({ baseline: before, now: killed, daemonPid: PID, targets: targetsOf(queued) })).toEqual([]);
  // A command ccp still carries out is not read again.
  expect(userCommands({ baseline: before, now: killed, daemonPid: PID, targets: targetsOf(run), held: new Set(['subissue-2']) })).toEqual([]);
  // Its agent finished, ccp pushes and opens the PR (still Running in pueue): nothing to stop, and it says so.
  const pushing = [sub(2, 'pushing', { group: 'api' }), ...run.slice(1)];
  expect(userCommands({ baseline: before, now: killed, daemonPid: PID, targets: targetsOf(pushing) }))
    .toEqual([{ do: 'nothing-to-stop', label: 'subissue-2', subissue: 2 }]);
  // ...which the next pass shows Running again (ccp's truth), as any task pueue ended under a running subissue.
  expect(planMirror(targetsOf(pushing), killed, { exits: new Map(), notes: new Map() }, NOW))
    .toContainEqual({ do: 'restart', label: 'subissue-2', id: 0, mode: 'start' });
});

test('a failed task restarted in place or as a new task is a retry; pueue\'s own start of a ready task is not', () => {
  const failed = [sub(2, 'failed', { error: 'tests failed' }), sub(3, 'agent'), sub(5, 'queued')];
  const tasks = [{ id: 0, label: 'subissue-2', status: FAILED('2030-01-01T11:00:00Z') }, { id: 1, label: 'subissue-3', status: RUNNING },
    { id: 2, label: 'subissue-5', status: { Queued: {} } }];
  const before = inLine(snapshot(tasks, { ccp: { status: 'Running', parallel_tasks: 1 } }));
  const at = (changed: Array<(typeof tasks)[number]>) => userCommands({ baseline: before, daemonPid: PID, targets: targetsOf(failed),
    now: snapshot(changed, { ccp: { status: 'Running', parallel_tasks: 1 } }) });
  const retry = { do: 'retry', label: 'subissue-2', subissue: 2, repo: { owner: 'octo', repo: 'shop' }, since: failed[0].updatedAt };
  expect(at([{ ...tasks[0], status: { Queued: {} } }, ...tasks.slice(1)])).toEqual([retry]);
  // Restarted and ended again (its command read ccp's result) before the pass looked: it ended at another time.
  expect(at([{ ...tasks[0], status: FAILED('2030-01-01T11:59:59Z') }, ...tasks.slice(1)])).toEqual([retry]);
  expect(at([...tasks, { id: 3, label: 'subissue-2', status: { Queued: {} } }])).toEqual([retry]);
  expect(at(tasks)).toEqual([]);
  // pueue started a ready task by itself: the plan undoes it, as before.
  expect(at([...tasks.slice(0, 2), { ...tasks[2], status: RUNNING }])).toEqual([]);
  // A Success restarted: nothing to retry (the plan ends it with its result again).
  const merged = [sub(2, 'merged'), sub(3, 'agent')];
  const ok = snapshot([{ id: 0, label: 'subissue-2', status: { Done: { result: 'Success', end: '2030-01-01T11:00:00Z' } } }], {});
  expect(userCommands({ baseline: inLine(ok), daemonPid: PID, targets: targetsOf(merged),
    now: snapshot([{ id: 0, label: 'subissue-2', status: { Queued: {} } }], {}) })).toEqual([]);
});

test('a hold lasts until the subissue\'s status moves, or its time is up', () => {
  const targets = targetsOf(run);
  const hold = { label: 'subissue-2', since: run[0].updatedAt, until: NOW.getTime() + 1000 };
  expect(holdsInForce([hold], targets, NOW.getTime())).toEqual([hold]);
  expect(holdsInForce([hold], targets, NOW.getTime() + 1000)).toEqual([]);
  expect(holdsInForce([{ ...hold, since: '2029-01-01T00:00:00.000Z' }], targets, NOW.getTime())).toEqual([]);
});
