// The dispatcher outlives a check it cannot make: with the check of its requests against their workflows failing
// (Temporal or the workers unreachable for a while), it keeps running with its pauses and its queue, instead of
// failing and leaving a new dispatcher to start afresh without them. In workflow time on the time-skipping server.
import { CcpClient } from '../../src/client/ccp-client.js';
import { dispatcherWorkflowId } from '../../src/shared/dispatch.js';
import { waitFor } from '../helpers/agent-bed.js';
import { startScheduleBed, type ScheduleBed } from '../helpers/schedule-bed.js';
import { subissue } from '../helpers/stub-activities.js';

let bed: ScheduleBed;
let checks = 0;

beforeAll(async () => {
  bed = await startScheduleBed('ccp-time-skipping-dispatcher', {
    endedWorkflows: async () => {
      checks++;
      throw new Error('scripted: Temporal did not answer');
    },
  });
});

afterAll(async () => {
  await bed?.close();
});

test('a failing check of requests leaves the dispatcher running with its pause and queue; resumed, the subissue runs', async () => {
  const ccp = CcpClient.fromTemporal(bed.env.client, { taskQueue: bed.taskQueue });
  await ccp.pauseAll();
  const handle = await bed.startParent(350, [subissue(351, 'Held while the check fails')]);
  await waitFor('queued at the dispatcher', async () => (await ccp.dispatcher()).queue.some((r) => r.subissue === 351));
  // Past the first check (a minute after the request) and all its attempts.
  await bed.env.sleep(5 * 60_000);
  await waitFor('the check tried and failed', async () => checks >= 3);
  await bed.env.sleep(60_000);
  const dispatcher = await bed.env.client.workflow.getHandle(dispatcherWorkflowId(bed.taskQueue)).describe();
  expect(dispatcher.status.name).toBe('RUNNING');
  const view = await ccp.dispatcher();
  expect(view.paused.all).toBe(true);
  expect(view.queue.map((r) => r.subissue)).toEqual([351]);
  expect(bed.callsOf(351, 'runAgent')).toEqual([]);

  await ccp.resumeAll();
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  expect(bed.callsOf(351, 'runAgent')).toHaveLength(1);
});
