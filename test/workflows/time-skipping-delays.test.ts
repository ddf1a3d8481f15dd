// Delays in workflow time on the time-skipping test server: a subissue delayed by two days starts its agent then
// (not before, and not a poll later) while the rest runs; a parent scheduled a day ahead fetches nothing before;
// the dispatcher drops what a terminated workflow left in its queue; a request left queued at a dispatcher that ended
// is asked again.
import { CcpClient } from '../../src/client/ccp-client.js';
import { dispatcherWorkflowId } from '../../src/shared/dispatch.js';
import { waitFor } from '../helpers/agent-bed.js';
import { REAL_TIME_BUDGET_MS, startScheduleBed, type ScheduleBed } from '../helpers/schedule-bed.js';
import { DAY_MS, HOUR_MS, mergedAfter, subissue } from '../helpers/stub-activities.js';

let bed: ScheduleBed;

beforeAll(async () => {
  bed = await startScheduleBed('ccp-time-skipping-delays', { waitForMerge: mergedAfter(HOUR_MS) });
});

afterAll(async () => {
  await bed?.close();
});

const agentStart = (sub: number): number => {
  const call = bed.callsOf(sub, 'runAgent')[0];
  if (!call) throw new Error(`#${sub} never ran its agent`);
  return call.startedAt;
};

test('a subissue delayed two days runs its agent then; the others do not wait for it', async () => {
  const real = Date.now();
  const begun = await bed.now();
  const until = begun + 2 * DAY_MS;
  const handle = await bed.startParent(300, [{ ...subissue(301, 'Later'), notBefore: new Date(until).toISOString() }, subissue(302, 'Now')]);
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  expect(agentStart(301)).toBeGreaterThanOrEqual(until);
  expect(agentStart(301) - until).toBeLessThan(HOUR_MS);
  expect(agentStart(302)).toBeLessThan(begun + HOUR_MS);
  // The dispatcher looks for ended workflows every 16 minutes while #301 waits (about 180 looks in two days): its
  // re-asks, as often, must not bring that back to every minute (which made over 700).
  expect(bed.calls.filter((c) => c.activity === 'endedWorkflows').length).toBeLessThan(250);
  expect(Date.now() - real).toBeLessThan(REAL_TIME_BUDGET_MS);
});

test('a parent scheduled a day ahead fetches its issue then, and shows as scheduled until', async () => {
  const begun = await bed.now();
  const until = begun + DAY_MS;
  const handle = await bed.startParent(310, [subissue(311, 'One'), subissue(312, 'Two')], {}, { notBefore: new Date(until) });
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  const fetched = bed.calls.find((c) => c.activity === 'fetchIssue' && c.workflowId === handle.workflowId);
  expect(fetched?.startedAt).toBeGreaterThanOrEqual(until);
  expect(agentStart(311)).toBeGreaterThanOrEqual(until);
});

test('a request queued at a dispatcher that ended (terminated by hand) is asked again within minutes: the subissue runs', async () => {
  const ccp = CcpClient.fromTemporal(bed.env.client, { taskQueue: bed.taskQueue });
  await ccp.pauseAll();
  try {
    const handle = await bed.startParent(330, [subissue(331, 'Asked again')]);
    const dispatcher = bed.env.client.workflow.getHandle(dispatcherWorkflowId(bed.taskQueue));
    // Queued, and no workflow task of the dispatcher outstanding: this server stops skipping time for good after a
    // workflow is terminated with one.
    await waitFor('queued at the dispatcher, its tasks done', async () => (await ccp.dispatcher()).queue.some((r) => r.subissue === 331)
      && Boolean((await dispatcher.fetchHistory()).events?.filter((e) => e.workflowTaskScheduledEventAttributes
        || e.workflowTaskStartedEventAttributes || e.workflowTaskCompletedEventAttributes).at(-1)?.workflowTaskCompletedEventAttributes));
    const queued = await bed.now();
    // Ended with the request in its queue (and its pause: the next dispatcher starts afresh, from the request).
    await dispatcher.terminate('test: ended by hand');
    await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
    // Asked again of a dispatcher that was gone: the activity started a new one along with the request.
    expect(bed.callsOf(331, 'requestAgentSlot')).toHaveLength(1);
    expect(agentStart(331) - queued).toBeLessThan(2 * 60_000);
  } finally {
    await ccp.resumeAll();
  }
});

test('a request whose workflow was terminated is dropped by the dispatcher\'s check within minutes', async () => {
  const ccp = CcpClient.fromTemporal(bed.env.client, { taskQueue: bed.taskQueue });
  await ccp.pauseAll();
  try {
    const handle = await bed.startParent(320, [subissue(321, 'Held'), subissue(322, 'Held too')]);
    await waitFor('both queued at the dispatcher', async () => (await ccp.dispatcher()).queue.length === 2);
    await bed.env.client.workflow.getHandle(`${handle.workflowId}.sub-321`).terminate('test: gone without a word');
    await bed.env.sleep(3 * 60_000);
    expect((await ccp.dispatcher()).queue.map((r) => r.subissue)).toEqual([322]);
    await handle.terminate('test over');
  } finally {
    await ccp.resumeAll();
  }
});
