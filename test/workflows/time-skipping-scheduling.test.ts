// ccp's scheduling promises in workflow time, on the time-skipping test server: days of merge waits pass in seconds.
// Every assertion is on workflow time (the journal of stub calls) and on what the parent recorded; real time is
// checked only loosely, as a sanity check that the layer stays fast.
import { WorkflowFailedError } from '@temporalio/client';
import { pauseSignal, resumeSignal } from '../../src/shared/messages.js';
import { waitFor } from '../helpers/agent-bed.js';
import { REAL_TIME_BUDGET_MS, startScheduleBed, type ScheduleBed } from '../helpers/schedule-bed.js';
import { agentFails, bySubissue, DAY_MS, HOUR_MS, mergedAfter, subissue } from '../helpers/stub-activities.js';

let bed: ScheduleBed;

beforeAll(async () => {
  bed = await startScheduleBed('ccp-time-skipping-scheduling', {
    waitForMerge: bySubissue({ 201: mergedAfter(3 * DAY_MS), 221: mergedAfter(DAY_MS), 231: mergedAfter(DAY_MS) }, mergedAfter(HOUR_MS)),
    runAgent: bySubissue({ 211: agentFails() }, async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [],
      reattached: false })),
  });
});

afterAll(async () => {
  await bed?.close();
});

const defined = (value: number | undefined, what: string): number => {
  if (value === undefined) throw new Error(`${what} never happened`);
  return value;
};

test('a dependent starts only once its dependency merged, after a 3-day merge wait; the rest runs meanwhile', async () => {
  const real = Date.now();
  const first = subissue(201, 'Schema');
  const handle = await bed.startParent(200, [first, { ...subissue(202, 'API'), dependsOn: [first.key] },
    { ...subissue(203, 'Docs'), dependsOn: [] }]);
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });

  const firstStarted = defined(bed.startedAt(201), '#201 start');
  const firstMerged = defined(bed.mergedAt(201), '#201 merge');
  expect(firstMerged - firstStarted).toBeGreaterThanOrEqual(3 * DAY_MS);
  // The dependent waited for the merge (not for the PR to open), and started right after it, not a poll later.
  expect(defined(bed.startedAt(202), '#202 start')).toBeGreaterThanOrEqual(firstMerged);
  expect(defined(bed.startedAt(202), '#202 start') - firstMerged).toBeLessThan(HOUR_MS);
  // The independent one did not wait for anyone.
  expect(defined(bed.mergedAt(203), '#203 merge')).toBeLessThan(firstMerged);
  const status = await bed.status(handle);
  expect(status.subissues.map((s) => [s.number, s.phase])).toEqual([[201, 'merged'], [202, 'merged'], [203, 'merged']]);
  expect(Date.now() - real).toBeLessThan(REAL_TIME_BUDGET_MS);
});

test('a failed dependency blocks its dependents and theirs, which never start; the parent fails naming them', async () => {
  const failing = subissue(211, 'Migrate');
  const blocked = { ...subissue(212, 'Backfill'), dependsOn: [failing.key] };
  const handle = await bed.startParent(210, [failing, blocked, { ...subissue(213, 'Report'), dependsOn: [blocked.key] },
    subissue(214, 'Unrelated')]);
  await expect(bed.result(handle)).rejects.toBeInstanceOf(WorkflowFailedError);

  expect(bed.callsOf(212)).toEqual([]);
  expect(bed.callsOf(213)).toEqual([]);
  const status = await bed.status(handle);
  expect(status.subissues).toEqual([
    expect.objectContaining({ number: 211, phase: 'failed' }),
    expect.objectContaining({ number: 212, phase: 'blocked', error: 'dependency #211 failed' }),
    expect.objectContaining({ number: 213, phase: 'blocked', error: 'dependency #212 blocked' }),
    expect.objectContaining({ number: 214, phase: 'merged' }),
  ]);
  expect(status.error).toMatch(/^3 of 4 subissues did not finish: #211 failed .*; #212 blocked \(dependency #211 failed\); #213 blocked/);
});

test('starts go most urgent first, then by number: at the start and when a merge releases several dependents', async () => {
  const gate = subissue(221, 'Gate');
  const handle = await bed.startParent(220, [
    { ...subissue(222, 'Low'), priority: 'low' }, { ...subissue(223, 'Normal') }, { ...gate, priority: 'critical' },
    { ...subissue(224, 'High'), priority: 'high' },
    { ...subissue(225, 'Low after gate'), priority: 'low', dependsOn: [gate.key] },
    { ...subissue(226, 'Critical after gate'), priority: 'critical', dependsOn: [gate.key] },
    { ...subissue(227, 'Normal after gate'), dependsOn: [gate.key] },
  ]);
  await bed.result(handle);

  // The parent's own record of what it started, in order (its history), with each child's priority key.
  const started = (await handle.fetchHistory()).events?.flatMap((event) => {
    const attributes = event.startChildWorkflowExecutionInitiatedEventAttributes;
    return attributes ? [{ sub: Number(/sub-(\d+)$/.exec(attributes.workflowId ?? '')?.[1]), key: attributes.priority?.priorityKey }] : [];
  });
  expect(started?.map((s) => s.sub)).toEqual([221, 224, 223, 222, 226, 227, 225]);
  expect(started?.map((s) => s.key)).toEqual([1, 2, 3, 4, 1, 3, 4]);
  const gateMerged = defined(bed.mergedAt(221), '#221 merge');
  for (const dependent of [225, 226, 227]) expect(defined(bed.startedAt(dependent), `#${dependent} start`)).toBeGreaterThanOrEqual(gateMerged);
});

test('pause holds new starts while running work goes on; resume releases them at once', async () => {
  const first = subissue(231, 'Model');
  const handle = await bed.startParent(230, [first, { ...subissue(232, 'View'), dependsOn: [first.key] }]);
  // Workflow time stands still until the test waits for a result or sleeps: polling the journal meanwhile is safe.
  await waitFor('#231 to wait for its merge', async () => bed.callsOf(231, 'waitForMerge').length > 0);
  await handle.signal(pauseSignal);
  await bed.env.sleep(3 * DAY_MS); // #231 merges after one day, while paused

  const merged = defined(bed.mergedAt(231), '#231 merge');
  expect(bed.callsOf(232)).toEqual([]);
  expect(await bed.status(handle)).toMatchObject({ paused: true, subissues: [{ number: 231, phase: 'merged' }, { number: 232, phase: 'waiting' }] });

  const resumed = await bed.now();
  expect(resumed - merged).toBeGreaterThanOrEqual(2 * DAY_MS - HOUR_MS);
  await handle.signal(resumeSignal);
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  const second = defined(bed.startedAt(232), '#232 start');
  expect(second).toBeGreaterThanOrEqual(resumed);
  expect(second - resumed).toBeLessThan(HOUR_MS);
});
