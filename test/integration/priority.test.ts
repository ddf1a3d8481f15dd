// Proves priority dispatch on the real dev server: agent sessions waiting for a worker start by priority (the
// dispatcher's order, with the host's one worker registered as the worker process does), not by when they were queued.
import { setTimeout as sleep } from 'node:timers/promises';
import { changeDispatch, dispatchView } from '../../src/client/dispatch.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { driveToEnd, seedAndStart } from '../helpers/drive.js';

let h: Harness;

beforeAll(async () => {
  // One worker, and dispatch paused: sessions pile up in the dispatcher's queue.
  h = await startHarness({ workers: 1, taskQueue: 'ccp-prio' });
  await changeDispatch(h.env.client, h.config.taskQueue, { kind: 'pause', scope: { kind: 'all' } });
});

afterAll(async () => {
  await h?.stop();
});

/** Waits until the dispatcher holds `count` requests for an agent, none granted, and knows the host's one worker. */
async function agentsQueued(count: number): Promise<number[]> {
  for (let i = 0; i < 240; i++) {
    const view = await dispatchView(h.env.client, h.config.taskQueue);
    if (view.queue.length === count && view.holders.length === 0 && view.hosts['test-host']?.workers === 1) {
      return view.queue.map((r) => r.subissue);
    }
    await sleep(250);
  }
  throw new Error(`${count} agent sessions never got queued`);
}

test('queued agent sessions start in priority order, whatever order they were queued in', async () => {
  const early = await seedAndStart(h, { title: 'Chores', body: 'Later.\n\n- [ ] Tidy one {priority:low}\n- [ ] Tidy two {priority:low}\n' });
  const lowOnes = await agentsQueued(2);
  const late = await seedAndStart(h, { title: 'Outage', body: 'Now.\n\n- [ ] Fix it {priority:critical}\n- [ ] Guard it {priority:high}\n' });
  const urgentOnes = (await agentsQueued(4)).filter((n) => !lowOnes.includes(n));

  await changeDispatch(h.env.client, h.config.taskQueue, { kind: 'resume', scope: { kind: 'all' } });
  const [a, b] = await Promise.all([driveToEnd(h, early.workflowId), driveToEnd(h, late.workflowId)]);
  expect([a.workflowStatus, b.workflowStatus]).toEqual(['COMPLETED', 'COMPLETED']);

  // The order sessions really ran in: the scripted model's first request of each.
  const sessionOrder = h.offline.model.requests
    .filter((r) => r.subissue !== undefined && r.step === 0)
    .map((r) => r.subissue as number);
  const priorityOf = new Map([...a.status.subissues, ...b.status.subissues].map((s) => [s.number, s.priority]));
  expect(sessionOrder.map((n) => priorityOf.get(n))).toEqual(['critical', 'high', 'low', 'low']);
  expect(sessionOrder.slice(0, 2).sort()).toEqual([...urgentOnes].sort());
  expect(sessionOrder.slice(2).sort()).toEqual([...lowOnes].sort());
});
