// A parent's continued run watches the children an earlier run started: they report by signal only, and one
// terminated by hand (the Web UI, `temporal workflow terminate`) never does. In workflow time on the time-skipping
// test server: the parent sees the end within minutes and says so, instead of waiting for ever.
import { parentWorkflowId } from '../../src/shared/ids.js';
import { parentStatusQuery } from '../../src/shared/messages.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { REAL_TIME_BUDGET_MS, REPO, startScheduleBed, type ScheduleBed } from '../helpers/schedule-bed.js';
import { DAY_MS, subissue } from '../helpers/stub-activities.js';
import { DEFAULT_RUN_SETTINGS } from '../../src/shared/types.js';

const QUEUE = 'ccp-time-skipping-adopted';
let bed: ScheduleBed;

beforeAll(async () => {
  bed = await startScheduleBed(QUEUE);
});

afterAll(async () => {
  await bed?.close();
});

test('a child an earlier run started, terminated by hand, ends as failed in the continued run: the parent ends', async () => {
  const real = Date.now();
  const at = new Date().toISOString();
  const created = [subissue(401, 'Done'), subissue(402, 'Cut off')];
  const childId = `${parentWorkflowId(REPO, 400)}.sub-402`;
  // A workflow that waits (a parent scheduled a week ahead) stands in for the earlier run's child: it never signals.
  const child = await bed.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE, workflowId: childId,
    args: [{ repo: REPO, issueNumber: 499, settings: DEFAULT_RUN_SETTINGS, notBefore: new Date(Date.now() + 7 * DAY_MS).toISOString() }] });
  // Terminated only once its first task is done: the test server never skips time again after a workflow was
  // terminated with a task outstanding (it kept a real minute per timer).
  for (;;) {
    const events = (await child.fetchHistory()).events ?? [];
    if (events.some((e) => e.workflowTaskCompletedEventAttributes)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const input: ParentIssueInput = { repo: REPO, issueNumber: 400, settings: { mergePollSeconds: 60, agentTimeoutMinutes: 60,
    agentAttempts: 1, baseBranch: '' }, continued: { baseBranch: 'main', created, status: { repo: REPO, number: 400,
    title: 'Issue 400', phase: 'running', paused: false, subissues: [
      { ...created[0], phase: 'merged', pr: { number: 1, url: 'https://example.test/pull/1', merged: true }, updatedAt: at },
      { ...created[1], phase: 'agent', updatedAt: at, workflowId: childId },
    ] } } };
  // Terminated while no run of the parent was there to hear of it.
  await child.terminate('by hand, from the Web UI');
  const parent = await bed.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE,
    workflowId: parentWorkflowId(REPO, 400), args: [input] });

  await expect(parent.result()).rejects.toThrow();
  const status = await parent.query(parentStatusQuery);
  expect(status.phase).toBe('failed');
  expect(status.subissues.map((s) => [s.number, s.phase])).toEqual([[401, 'merged'], [402, 'failed']]);
  expect(status.subissues[1].error).toMatch(/terminated.*by hand/);
  expect(Date.now() - real).toBeLessThan(REAL_TIME_BUDGET_MS);
});
