// Proves priority dispatch on the real dev server: agent sessions waiting for a worker pane start by priority
// (Temporal priorityKey on the agent activity), not by when they were queued.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentStatusQuery } from '../../src/shared/messages.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { driveToEnd, seedAndStart } from '../helpers/drive.js';

let h: Harness;

beforeAll(async () => {
  // One pane, and nobody polling the agent queue yet: sessions pile up in it.
  h = await startHarness({ workers: 1, deferAgentWorker: true, taskQueue: 'ccp-prio' });
});

afterAll(async () => {
  await h?.stop();
});

/** Waits until every subissue of the parent has its agent session queued (scheduled, not started). */
async function agentsQueued(workflowId: string): Promise<number[]> {
  const parent = h.env.client.workflow.getHandle(workflowId);
  for (let i = 0; i < 120; i++) {
    const status = await parent.query(parentStatusQuery);
    const ids = status.subissues.map((s) => s.workflowId).filter((id): id is string => id !== undefined);
    if (ids.length === status.subissues.length && ids.length > 0) {
      const pending = await Promise.all(
        ids.map(async (id) => (await h.env.client.workflow.getHandle(id).describe()).raw.pendingActivities ?? []),
      );
      if (pending.every((list) => list.some((a) => a.activityType?.name === 'runAgent'))) return status.subissues.map((s) => s.number);
    }
    await sleep(250);
  }
  throw new Error(`agent sessions of ${workflowId} never got queued`);
}

test('queued agent sessions start in priority order, whatever order they were queued in', async () => {
  const early = await seedAndStart(h, { title: 'Chores', body: 'Later.\n\n- [ ] Tidy one {priority:low}\n- [ ] Tidy two {priority:low}\n' });
  const lowOnes = await agentsQueued(early.workflowId);
  const late = await seedAndStart(h, { title: 'Outage', body: 'Now.\n\n- [ ] Fix it {priority:critical}\n- [ ] Guard it {priority:high}\n' });
  const urgentOnes = await agentsQueued(late.workflowId);

  await h.startAgentWorker();
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
