// The pueue mirror against a real pueued of its own: every state a subissue can be in maps to its pueue state
// (groups, priorities, dependencies, delays, notes), passes follow the truth as it changes, pueue's own moves are
// undone, a crashed or wiped pueued is rebuilt, and no secret reaches pueue's state.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createPueueAdapter } from '../../src/adapters/pueue.js';
import { applyMirrorPlan } from '../../src/client/mirror-apply.js';
import { parentStatus as parent, startPueueBed, subStatus as sub, type PueueBed } from '../helpers/pueue-bed.js';

const FAKE_SECRETS = {
  GITHUB_TOKEN: 'ghp_testTESTtest0123456789abcdefghijklmn',
  ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdef',
};
const HOUR = 3_600_000;
const inAnHour = () => new Date(Date.now() + HOUR).toISOString();

let bed: PueueBed;
const savedEnv: Record<string, string | undefined> = {};
const task = async (n: number) => (await bed.pueue.findByLabel(`subissue-${n}`))!;

beforeAll(async () => {
  for (const [name, value] of Object.entries(FAKE_SECRETS)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  bed = await startPueueBed();
});

afterAll(async () => {
  await bed?.stop();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

test('refuses a state dir whose socket path would not fit in a unix socket', () => {
  expect(() => createPueueAdapter({ dir: `/tmp/${'x'.repeat(120)}`, pueueBinary: 'pueue', pueuedBinary: 'pueued' }))
    .toThrow(/socket path .* bytes/);
});

test('every subissue state maps to its pueue state, in its group, with its priority and dependencies', async () => {
  const notBefore = inAnHour();
  const run = parent(100, [
    sub(101, 'merged', { group: 'api', priority: 'high', pr: { number: 7, url: 'http://gh.test/pr/7', merged: true } }),
    sub(102, 'agent', { group: 'api', priority: 'critical', dependsOn: ['k101'] }),
    sub(103, 'queued', { group: 'api' }),
    sub(104, 'waiting', { group: 'api', dependsOn: ['k102'], priority: 'low' }),
    sub(105, 'waiting', { group: 'docs', notBefore }),
    sub(106, 'queued', { group: 'docs' }), // nothing of docs runs: pueue could start it, so it waits stashed
    sub(107, 'failed', { error: 'tests failed: 3 of 40' }),
    sub(108, 'blocked', { dependsOn: ['k107'], error: 'dependency #107 failed' }),
    sub(109, 'stopped', { error: 'stopped' }),
    sub(110, 'agent', { needsYou: { id: 'q1', kind: 'tool', tool: 'Bash', subject: 'rm -rf build', reason: 'no rule',
      askedAt: new Date().toISOString(), expiresAt: inAnHour() } }),
    sub(111, 'agent', { wait: { usageLimitUntil: '2030-01-01T10:00:00.000Z' } }),
    sub(112, 'pr-open', { pr: { number: 9, url: 'http://gh.test/pr/9', merged: false } }),
  ]);
  const first = await bed.reconcile([run]);
  expect(first.failed).toEqual([]);
  expect(first.changed).toHaveLength(12);

  await bed.waitForState('subissue-101', 'Success');
  await bed.waitForState('subissue-107', 'Failed');
  await bed.waitForState('subissue-108', 'DependencyFailed');
  await bed.waitForState('subissue-109', 'Failed');
  await bed.waitForState('subissue-112', 'Success');
  await bed.waitForState('subissue-110', 'Paused');
  await bed.waitForState('subissue-111', 'Paused');
  const states = Object.fromEntries(await Promise.all([101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112]
    .map(async (n) => [n, (await task(n)).state])));
  expect(states).toEqual({ 101: 'Success', 102: 'Running', 103: 'Queued', 104: 'Stashed', 105: 'Stashed', 106: 'Stashed',
    107: 'Failed', 108: 'DependencyFailed', 109: 'Failed', 110: 'Paused', 111: 'Paused', 112: 'Success' });
  expect((await task(107)).exitCode).toBe(1);
  expect((await task(109)).exitCode).toBe(130);

  // One pueue group per ccp group; each group's limit is what runs in it, so pueue starts nothing by itself.
  const { groups } = await bed.pueue.snapshot();
  expect(groups.api).toMatchObject({ parallel: 1, status: 'Running' });
  expect(groups.docs).toMatchObject({ parallel: 1 });
  expect(groups.ccp).toMatchObject({ parallel: 2 }); // 110 and 111 hold their slots while they wait
  expect((await task(102)).group).toBe('api');
  expect((await task(107)).group).toBe('ccp');
  expect([(await task(102)).priority, (await task(101)).priority, (await task(103)).priority, (await task(104)).priority])
    .toEqual([2, 1, 0, -1]);
  expect((await task(102)).dependencies).toEqual([(await task(101)).id]);
  expect((await task(104)).dependencies).toEqual([(await task(102)).id]);
  expect((await task(108)).dependencies).toEqual([(await task(107)).id]);
  // pueue takes the time as a delay from now (--delay=N s): a pueue client slow to start under load shifts it by seconds.
  expect(Math.abs(Date.parse((await task(105)).enqueueAt!) - Date.parse(notBefore))).toBeLessThan(10_000);
  expect((await task(102)).command).toMatch(/pueue-follow\.js .* # octo\/shop#100 → #102: Task 102$/);

  // What they print: the result last, and why a paused one waits.
  expect(await bed.output((await task(101)).id)).toContain('[ccp] PR #7 merged: http://gh.test/pr/7');
  expect(await bed.output((await task(107)).id)).toContain('[ccp] tests failed: 3 of 40');
  expect(await bed.output((await task(110)).id)).toContain('[ccp] needs you: Bash rm -rf build — ccp approve|deny 110');
  expect(await bed.output((await task(111)).id)).toContain('[ccp] waits for the usage limit until 2030-01-01T10:00:00.000Z');

  // In line: the next pass changes nothing.
  const again = await bed.reconcile([run]);
  expect(again).toEqual({ changed: [], unchanged: 12, failed: [] });
}, 60_000);

test('a subissue\'s task follows it through its life, a retry included, on the same task', async () => {
  const life = (phase: Parameters<typeof sub>[1], extra = {}) => [parent(200, [sub(201, phase, extra), sub(202, 'agent')])];
  await bed.reconcile(life('waiting'));
  const { id } = await bed.waitForState('subissue-201', 'Stashed');
  await bed.reconcile(life('queued'));
  await bed.waitForState('subissue-201', 'Queued');
  await bed.reconcile(life('agent'));
  await bed.waitForState('subissue-201', 'Running');
  await bed.reconcile(life('agent', { wait: { usageLimitUntil: inAnHour() } }));
  await bed.waitForState('subissue-201', 'Paused');
  await bed.reconcile(life('agent'));
  await bed.waitForState('subissue-201', 'Running');
  await bed.reconcile(life('failed', { error: 'the agent made no changes' }));
  expect((await bed.waitForState('subissue-201', 'Failed')).exitCode).toBe(1);
  // `ccp queue retry`: it waits again, runs again, and ends well — still task `id`.
  await bed.reconcile(life('waiting'));
  await bed.waitForState('subissue-201', 'Stashed');
  await bed.reconcile(life('agent'));
  await bed.waitForState('subissue-201', 'Running');
  await bed.reconcile(life('pr-open', { pr: { number: 12, url: 'http://gh.test/pr/12', merged: false } }));
  expect(await bed.waitForState('subissue-201', 'Success')).toMatchObject({ id });
  expect(await bed.output(id)).toContain('[ccp] PR #12 open: http://gh.test/pr/12');
  // A delay given and taken back while it waits: Stashed with, then without, its enqueue time.
  const delayed = [parent(210, [sub(211, 'waiting', { notBefore: inAnHour() })])];
  await bed.reconcile(delayed);
  expect((await bed.waitForState('subissue-211', 'Stashed')).enqueueAt).toBeDefined();
  await bed.reconcile([parent(210, [sub(211, 'waiting')])]);
  await new Promise((resolve) => setTimeout(resolve, 600));
  const undelayed = await task(211);
  expect(undelayed.state).toBe('Stashed');
  expect(undelayed.enqueueAt).toBeUndefined();
}, 60_000);

test('what pueue did by itself is undone: a task it started goes back to the queue', async () => {
  const ready = [parent(300, [sub(301, 'agent'), sub(302, 'queued')])];
  await bed.reconcile(ready);
  await bed.waitForState('subissue-302', 'Queued');
  await bed.cli('start', String((await task(302)).id)); // as if pueue had found a free slot
  await bed.waitForState('subissue-302', 'Running');
  expect((await bed.reconcile(ready)).failed).toEqual([]);
  await bed.waitForState('subissue-302', 'Queued');
  expect((await task(301)).state).toBe('Running');
}, 60_000);

test('a paused ccp group is a paused pueue group: its running task goes on, its ready ones stay queued', async () => {
  const run = [parent(350, [sub(351, 'agent', { group: 'ui' }), sub(352, 'queued', { group: 'ui' }), sub(353, 'queued', { group: 'lone' })])];
  const pauses = (groups: string[], all = false) => ({ all, groups, parents: [], subissues: [] });
  await bed.reconcile(run, pauses(['ui']));
  await bed.waitForState('subissue-351', 'Running');
  expect((await bed.pueue.snapshot(true)).groups.ui.status).toBe('Paused');
  expect((await task(352)).state).toBe('Queued');
  expect((await task(353)).state).toBe('Stashed'); // nothing of "lone" runs, and it is not paused
  await bed.reconcile(run, pauses([], true)); // everything paused: "lone" too, so its ready task may queue
  expect((await bed.pueue.snapshot(true)).groups.lone.status).toBe('Paused');
  expect((await task(353)).state).toBe('Queued');
  await bed.reconcile(run, pauses([]));
  const { groups } = await bed.pueue.snapshot(true);
  expect([groups.ui.status, groups.lone.status]).toEqual(['Running', 'Running']);
  expect((await task(353)).state).toBe('Stashed');
  expect((await task(351)).state).toBe('Running');
}, 60_000);

test('a crashed pueued\'s killed tasks run again; a wiped one is rebuilt, each task once', async () => {
  const run = [parent(400, [sub(401, 'agent'), sub(402, 'merged', { pr: { number: 4, url: 'u', merged: true } }), sub(403, 'waiting', { dependsOn: ['k401'] })])];
  await bed.reconcile(run);
  await bed.waitForState('subissue-401', 'Running');
  process.kill(Number(readFileSync(path.join(bed.dir, 'pueue.pid'), 'utf8')), 'SIGKILL');
  await bed.pueue.ensureDaemon();
  expect((await task(401)).state).toBe('Killed');
  await bed.reconcile(run);
  await bed.waitForState('subissue-401', 'Running');

  await bed.pueue.shutdown();
  rmSync(path.join(bed.dir, 'state.json'), { force: true });
  rmSync(path.join(bed.dir, 'task_logs'), { recursive: true, force: true });
  await bed.pueue.ensureDaemon();
  expect(await bed.pueue.status()).toEqual([]);
  expect((await bed.reconcile(run)).failed).toEqual([]);
  await bed.waitForState('subissue-401', 'Running');
  await bed.waitForState('subissue-402', 'Success');
  expect((await task(403)).dependencies).toEqual([(await task(401)).id]);
  expect((await bed.reconcile(run)).changed).toEqual([]);
  for (const n of [401, 402, 403]) expect((await bed.pueue.status()).filter((t) => t.label === `subissue-${n}`)).toHaveLength(1);
}, 60_000);

test('keeps secrets out of pueue: scrubbed task env, clean state.json, redacted results', async () => {
  await bed.reconcile([parent(500, [sub(501, 'failed', { error: `push refused for ${FAKE_SECRETS.GITHUB_TOKEN}` })])]);
  const done = await bed.waitForState('subissue-501', 'Failed');
  expect(done.envs.PATH).toBe(process.env.PATH);
  const output = await bed.output(done.id);
  expect(output).toContain('push refused for ***');
  const state = readFileSync(path.join(bed.dir, 'state.json'), 'utf8');
  expect(state).toContain('subissue-501'); // the state file really holds the tasks
  for (const [name, value] of Object.entries(FAKE_SECRETS)) {
    expect(state).not.toContain(name);
    expect(state).not.toContain(value);
    expect(output).not.toContain(value);
    expect(readFileSync(path.join(bed.dir, 'mirror', 'subissue-501.exit'), 'utf8')).not.toContain(value);
  }
  for (const listed of await bed.pueue.status()) expect(Object.keys(listed.envs)).not.toContain('GITHUB_TOKEN');
}, 30_000);

test('starting a task pueue started meanwhile (its group had room) is no mirror falling behind', async () => {
  const id = await bed.pueue.add({ label: 'subissue-601', group: 'default', cwd: bed.dir, priority: 0, after: [],
    command: 'sleep 30', mode: 'start' });
  await bed.waitForState('subissue-601', 'Running');
  // The plan was made from a read in which it still waited.
  expect(await applyMirrorPlan(bed.pueue, [{ do: 'start', label: 'subissue-601' }], bed.dir)).toEqual({ failed: [] });
  // A start pueue refuses for another reason still fails.
  await bed.pueue.control('kill', [id]);
  await bed.waitForState('subissue-601', 'Killed');
  const { failed } = await applyMirrorPlan(bed.pueue, [{ do: 'start', label: 'subissue-601' }], bed.dir);
  expect(failed).toEqual([expect.objectContaining({ label: 'subissue-601', error: expect.stringMatching(/pueue start/) })]);
  await bed.pueue.control('remove', [id]);
}, 30_000);
