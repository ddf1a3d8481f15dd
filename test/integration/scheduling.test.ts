// Scheduling on real parts: dependencies order the children, pause/resume and stop steer a running parent.
import { subissueLabel } from '../../src/shared/ids.js';
import { pauseSignal, parentStatusQuery, resumeSignal, stopSignal } from '../../src/shared/messages.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, type Harness } from '../helpers/harness.js';
import { driveToEnd, seedAndStart } from '../helpers/drive.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 2, taskQueue: 'ccp-sched' });
});

afterAll(async () => {
  await h?.stop();
});

async function childStartTime(workflowId: string): Promise<number> {
  const description = await h.env.client.workflow.getHandle(workflowId).describe();
  return description.startTime.getTime();
}

test('with stacked PRs off, a dependent subissue starts only after its dependency is merged, and its body names it', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Layered work',
    body: 'Two layers.\n\n- [ ] Build the base layer\n- [ ] Build the top layer {after:1}\n',
  }, { stackedPrs: false });
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  const [base, top] = status.subissues;
  expect(top.dependsOn).toEqual([base.key]);
  const basePr = await h.github.getPullRequest(h.repo, base.pr!.number);
  expect(basePr.merged).toBe(true);
  // The top layer's child workflow started after the base layer's PR was merged (merge time from GitHub).
  const mergedAt = h.offline.github.listPulls(h.repo.owner, h.repo.repo).find((p) => p.number === basePr.number)?.pull?.mergedAt;
  expect(mergedAt).toBeDefined();
  expect(await childStartTime(top.workflowId!)).toBeGreaterThanOrEqual(Date.parse(mergedAt!));
  expect(h.offline.github.getIssue(h.repo.owner, h.repo.repo, top.number)?.body).toContain(`**Depends On**: #${base.number}`);
});

test('pause holds new subissues back until resume', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Pausable work',
    body: 'Two parts.\n\n- [ ] First pausable part\n- [ ] Second pausable part\n',
  });
  const handle = h.env.client.workflow.getHandle(workflowId);
  await handle.signal(pauseSignal);
  // Planning and subissue creation go on; no child starts while paused.
  for (let i = 0; i < 40 && (await handle.query(parentStatusQuery)).phase !== 'running'; i++) await sleep(250);
  await sleep(3000);
  const paused = await handle.query(parentStatusQuery);
  expect(paused.paused).toBe(true);
  expect(paused.phase).toBe('running');
  expect(paused.subissues.map((s) => s.phase)).toEqual(['waiting', 'waiting']);

  await handle.signal(resumeSignal);
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(status.paused).toBe(false);
  expect(status.subissues.every((s) => s.phase === 'merged')).toBe(true);
});

test('stop cancels running subissues; the mirror and the status say stopped', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Stoppable work',
    body: 'Two parts.\n\n- [ ] First stoppable part\n- [ ] Second stoppable part\n',
  });
  const handle = h.env.client.workflow.getHandle(workflowId);
  // Stop once an agent is at work in a pane.
  for (let i = 0; i < 120; i++) {
    const status = await handle.query(parentStatusQuery);
    if (status.subissues.some((s) => s.phase === 'agent')) break;
    await sleep(250);
  }
  await handle.signal(stopSignal, { reason: 'test stop' });
  const result = (await handle.result()) as { state: string };
  expect(result.state).toBe('stopped');
  const status = await handle.query(parentStatusQuery);
  expect(status.phase).toBe('stopped');
  expect(status.subissues.every((s) => s.phase === 'stopped' || s.phase === 'merged')).toBe(true);
  const stopped = status.subissues.filter((s) => s.phase === 'stopped');
  expect(stopped.length).toBeGreaterThan(0);
  // Every stopped subissue that had reached its host ends Failed(130) in pueue, like a task killed by SIGINT.
  // (The mirror task notices its exit file within a poll, so give it a moment.)
  const labels = stopped.map((sub) => subissueLabel(sub.number));
  let mirrored: Array<{ state: string; exitCode?: number }> = [];
  for (let i = 0; i < 20; i++) {
    mirrored = (await h.deps.pueue.status()).filter((t) => labels.includes(t.label ?? ''));
    if (mirrored.length > 0 && mirrored.every((t) => t.state !== 'Running' && t.state !== 'Stashed')) break;
    await sleep(250);
  }
  expect(mirrored.length).toBeGreaterThan(0);
  for (const task of mirrored) expect(task).toMatchObject({ state: 'Failed', exitCode: 130 });
  // The cancelled agent sessions let go of their panes (cancellation reaches them with their next heartbeat).
  let claimed: string[] = [];
  for (let i = 0; i < 60; i++) {
    claimed = (await h.tmux.listPanes(h.config.tmux.session)).filter((p) => p.role === 'worker' && p.task !== '').map((p) => p.task);
    if (claimed.length === 0) break;
    await sleep(500);
  }
  expect(claimed).toEqual([]);
});
