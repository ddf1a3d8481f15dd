// A subissue's reports to its parent and its lines for the pueue mirror go out in the background, in order: its
// steps do not wait for them, a mirror that cannot be written does not fail it, and the mirror's finish comes after
// every line before it.
import { ApplicationFailure } from '@temporalio/activity';
import { setTimeout as sleep } from 'node:timers/promises';
import { REAL_TIME_BUDGET_MS, startScheduleBed, type ScheduleBed } from '../helpers/schedule-bed.js';
import { bySubissue, currentSubissue, subissue, type CcpActivities } from '../helpers/stub-activities.js';

let bed: ScheduleBed;

/** #272's mirror lines take a while each (a slow pueued): the session must not wait for them. */
let linesWritten = 0;
let linesWrittenWhenTheAgentStarted: number | undefined;
const slowLine: CcpActivities['mirrorLog'] = async () => {
  await sleep(1500);
  linesWritten++;
};
const agentOf272: CcpActivities['runAgent'] = async () => {
  linesWrittenWhenTheAgentStarted = linesWritten;
  return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
};
const brokenMirror: CcpActivities['mirrorLog'] = async () => {
  throw ApplicationFailure.nonRetryable(`stub: pueued is gone (#${currentSubissue()})`);
};

beforeAll(async () => {
  bed = await startScheduleBed('ccp-notes-in-background', {
    mirrorLog: bySubissue({ 271: brokenMirror, 272: slowLine }, async () => undefined),
    runAgent: bySubissue({ 272: agentOf272 }, async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [],
      reattached: false })),
  });
});

afterAll(async () => {
  await bed?.close();
});

test('a mirror line that cannot be written does not fail the subissue', async () => {
  const real = Date.now();
  const handle = await bed.startParent(270, [subissue(271, 'Mirror broken')]);
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  expect(bed.callsOf(271, 'mirrorLog').length).toBeGreaterThan(0);
  expect(bed.callsOf(271, 'mirrorLog').every((call) => call.failed)).toBe(true);
  expect((await bed.status(handle)).subissues).toEqual([expect.objectContaining({ number: 271, phase: 'merged' })]);
  expect(Date.now() - real).toBeLessThan(REAL_TIME_BUDGET_MS);
});

test('the agent starts without waiting for the mirror, whose finish still comes after its lines', async () => {
  const handle = await bed.startParent(273, [subissue(272, 'Mirror slow')]);
  await expect(bed.result(handle)).resolves.toMatchObject({ state: 'closed' });
  const calls = bed.callsOf(272);
  const finish = calls.filter((c) => c.activity === 'mirrorFinish');
  // The worktree's line ("worktree ready at …") was still being written when the session began.
  expect(calls.filter((c) => c.activity === 'mirrorLog').length).toBeGreaterThanOrEqual(2);
  expect(linesWrittenWhenTheAgentStarted).toBe(0);
  // Every line ended before the mirror's finish began.
  expect(finish).toHaveLength(1);
  for (const line of calls.filter((c) => c.activity === 'mirrorLog')) expect(line.endedAt).toBeLessThanOrEqual(finish[0].startedAt);
});
