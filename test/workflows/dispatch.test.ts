// The dispatcher's promises on the real dev server, with stub sessions a test holds and releases: group limits,
// live priorities, pauses at every level (and --now), delays of subissues and parents, the retry queue.
import { CcpClient } from '../../src/client/ccp-client.js';
import { parentStatusQuery } from '../../src/shared/messages.js';
import { waitFor } from '../helpers/agent-bed.js';
import { planned, startHeldSessions, type HeldSessions } from '../helpers/held-sessions.js';

const QUEUE = 'ccp-dispatch-test';
const REPO = { owner: 'acme', repo: 'widgets' };
let sessions: HeldSessions;
let ccp: CcpClient;

beforeAll(async () => {
  sessions = await startHeldSessions(QUEUE, REPO);
  ccp = CcpClient.fromTemporal(sessions.stub.env.client, { taskQueue: QUEUE });
  // One agent at a time on the stub host: dispatch order is observable.
  await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 1 });
}, 60_000);

afterAll(async () => {
  await sessions?.close();
});

const started = (): number[] => sessions.started();
const running = (): number[] => sessions.running();
const finish = (sub: number): Promise<void> => sessions.finish(sub);
const waitRunning = (subs: number[], what: string): Promise<void> => sessions.waitRunning(subs, what, () => ccp.dispatcher());
const startParent: HeldSessions['startParent'] = (...args) => sessions.startParent(...args);
const settle = () => new Promise((r) => setTimeout(r, 1500));

beforeEach(() => {
  sessions.events.length = 0;
});

test('a priority raised while queued is dispatched next: dispatch reorders live', async () => {
  // The children ask in no fixed order (the first to ask takes the only slot): #104 is held until all four asked,
  // so that it cannot be first by chance.
  const hold104 = { kind: 'subissue' as const, key: `${REPO.owner}/${REPO.repo}#104` };
  await ccp.dispatch({ kind: 'pause', scope: hold104 });
  const handle = await startParent(10, [planned('a'), planned('b'), planned('c'), planned('d')]);
  await waitFor('one at work, three queued', async () => running().length === 1 && (await ccp.dispatcher()).queue.length === 3);
  const [first] = running();
  // #104 becomes critical, then may go: it is next though it asked no earlier than the others.
  await ccp.setPriority(104, 'critical', { repo: REPO });
  await ccp.dispatch({ kind: 'resume', scope: hold104 });
  await finish(first);
  await waitRunning([104], '#104 to go next');
  const done = new Set([first]);
  for (let i = 0; i < 3; i++) {
    await waitFor('the next', async () => running().some((n) => !done.has(n)));
    const n = running().find((m) => !done.has(m)) as number;
    done.add(n);
    await finish(n);
  }
  await handle.result();
  expect(started().slice(0, 2)).toEqual([first, 104]);
  expect([...started()].sort()).toEqual([101, 102, 103, 104]);
  expect((await handle.query(parentStatusQuery)).subissues.find((s) => s.number === 104)?.priority).toBe('critical');
}, 90_000);

test('a group limit holds across parents: never more of the group at once than its limit', async () => {
  await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 4 });
  await ccp.setGroupLimit('frontend', 1);
  try {
    const a = await startParent(20, [planned('a', { group: 'frontend' }), planned('b', { group: 'frontend' }), planned('c')]);
    const b = await startParent(30, [planned('a', { group: 'frontend' }), planned('b')]);
    await waitFor('the other group to run beside one frontend', async () => running().includes(203) && running().includes(302));
    await settle();
    const front = new Set([201, 202, 301]);
    const maxFront = (): number => {
      let live = 0;
      let max = 0;
      for (const e of sessions.events.filter((x) => front.has(x.sub))) {
        live += e.kind === 'start' ? 1 : -1;
        max = Math.max(max, live);
      }
      return max;
    };
    expect(running().filter((n) => front.has(n))).toHaveLength(1);
    const why = (await ccp.dispatcher()).waiting.filter((w) => front.has(w.subissue)).map((w) => w.why);
    expect(why).toEqual(['group frontend is at its limit (1/1)', 'group frontend is at its limit (1/1)']);
    for (const n of [203, 302]) await finish(n);
    const done = new Set<number>();
    const next = (): number | undefined => running().find((n) => front.has(n) && !done.has(n));
    for (let i = 0; i < 3; i++) {
      await waitFor('the next of the group', async () => next() !== undefined);
      const n = next() as number;
      done.add(n);
      await finish(n);
    }
    await Promise.all([a.result(), b.result()]);
    expect(maxFront()).toBe(1);
  } finally {
    await ccp.setGroupLimit('frontend', null);
    await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 1 });
  }
}, 120_000);

test('pause at every level holds new starts and resume lets them go; --now stops a running agent, which continues', async () => {
  await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 2 });
  try {
    // #403 is held from the start (the dispatcher's pause by key; `ccp pause --sub` below finds it first): the
    // children ask in no fixed order, and whichever two asked first would take the two slots.
    await ccp.dispatch({ kind: 'pause', scope: { kind: 'subissue', key: `${REPO.owner}/${REPO.repo}#403` } });
    const handle = await startParent(40, [planned('a', { group: 'docs' }), planned('b'), planned('c')]);
    await waitRunning([401, 402], 'two to run');
    // Everything paused --now: both stop and wait; resume: both continue their conversation.
    await ccp.pauseAll({ now: true });
    await waitRunning([], 'both stopped by pause --now');
    await settle();
    expect(running()).toEqual([]);
    await ccp.resumeAll();
    await waitRunning([401, 402], 'both back');
    const resumed = sessions.events.filter((e) => e.kind === 'start' && e.resumeReason);
    expect(resumed.map((e) => e.sub).sort()).toEqual([401, 402]);
    expect(resumed[0].resumeReason).toMatch(/ccp stopped this session \(paused now: everything is paused/);
    // A group pause holds only that group; a subissue pause only that one; the parent pause its queued ones.
    await ccp.pauseGroup('docs');
    await ccp.pauseSubissue(403, { repo: REPO });
    await finish(401);
    await finish(402);
    await settle();
    expect(running()).toEqual([]);
    const waits = (await ccp.dispatcher()).waiting.map((w) => `${w.subissue}: ${w.why}`);
    expect(waits).toEqual(['403: #403 is paused (ccp resume --sub 403)']);
    await ccp.resumeSubissue(403, { repo: REPO });
    await waitRunning([403], '#403 after its resume');
    await ccp.pause(REPO, 40, { now: true });
    await waitRunning([], 'parent pause --now stops #403');
    await ccp.resume(REPO, 40);
    await finish(403);
    await ccp.resumeGroup('docs');
    await handle.result();
    expect(sessions.events.filter((e) => e.kind === 'cancelled').map((e) => e.sub).sort()).toEqual([401, 402, 403]);
  } finally {
    await ccp.resumeAll();
    await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 1 });
  }
}, 120_000);

test('a delay holds a subissue until due and `queue delay` moves it; a parent scheduled later begins then', async () => {
  // Far enough ahead that both have asked for a slot by then, on a loaded machine too.
  const soon = new Date(Date.now() + 12_000).toISOString();
  const handle = await startParent(50, [planned('a', { notBefore: soon }), planned('b', { notBefore: new Date(Date.now() + 3_600_000).toISOString() })]);
  await waitFor('both queued', async () => (await ccp.dispatcher()).waiting.filter((w) => w.parent === 50).length === 2);
  const why = Object.fromEntries((await ccp.dispatcher()).waiting.map((w) => [w.subissue, w.why]));
  expect(why).toEqual({ 501: `scheduled for ${soon}`, 502: expect.stringMatching(/^scheduled for /) });
  await waitRunning([501], '#501 when due');
  expect(sessions.events[0].at).toBeGreaterThanOrEqual(Date.parse(soon) - 50);
  // An hour away: moved to now by `ccp queue delay 502 now`.
  await ccp.delay(502, null, { repo: REPO });
  await finish(501);
  await finish(502);
  await handle.result();

  sessions.events.length = 0;
  const later = new Date(Date.now() + 3_600_000);
  const scheduled = await startParent(60, [planned('a'), planned('b')], { notBefore: later.toISOString() });
  await waitFor('scheduled', async () => (await scheduled.query(parentStatusQuery)).phase === 'scheduled');
  await settle();
  expect(started()).toEqual([]);
  await expect(ccp.delay(60, new Date(Date.now() + 1000), { repo: REPO })).resolves.toEqual({ kind: 'parent' });
  await finish(601);
  await finish(602);
  await expect(scheduled.result()).resolves.toMatchObject({ state: 'closed' });
}, 90_000);

test('retry queue round trip: a subissue that failed for good runs again, and what it blocked with it', async () => {
  // Room for #701 and #703 at once: whichever asks first, #701 runs (and fails) at once.
  await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 2 });
  sessions.failNext.add(701);
  const handle = await startParent(70, [planned('a'), planned('b', { dependsOn: ['a'] }), planned('c')]);
  await waitFor('#701 failed, #702 blocked', async () => {
    const subs = (await handle.query(parentStatusQuery)).subissues;
    return subs.length === 3 && subs[0].phase === 'failed' && subs[1].phase === 'blocked';
  });
  expect((await ccp.failed({ repo: REPO })).map((f) => f.sub.number)).toEqual([701]);
  await expect(ccp.retry(701, { repo: REPO })).resolves.toMatchObject({ how: 'signal' });
  await finish(703);
  await finish(701);
  await finish(702);
  await expect(handle.result()).resolves.toMatchObject({ state: 'closed' });
  expect(started().filter((n) => n === 701)).toHaveLength(2);
  await ccp.dispatch({ kind: 'set-workers', host: 'h', workers: 1 });
}, 90_000);
