// pueue is a projection, never on the critical path: pueued killed and its state wiped while agents work, and
// without a `ccp up` the run still completes; the mirror comes back with one task per subissue, each ending Success.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentStatusQuery } from '../../src/shared/messages.js';
import { subissueLabel } from '../../src/shared/ids.js';
import { syncMirror } from '../../src/client/mirror-sync.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { driveToEnd, seedAndStart, settledMirror } from '../helpers/drive.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 2, taskQueue: 'ccp-pueue-loss' });
});

afterAll(async () => {
  await h?.stop();
});

test('pueued lost with its state mid-run: the work completes and the mirror is rebuilt without duplicates', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Survive the mirror',
    body: 'Two parts.\n\n- [ ] First mirrored part\n- [ ] Second mirrored part\n',
  });
  const handle = h.env.client.workflow.getHandle(workflowId);
  for (let i = 0; i < 240; i++) {
    const status = await handle.query(parentStatusQuery);
    if (status.subissues.some((s) => s.phase === 'agent')) break;
    await sleep(250);
  }
  const dir = h.config.paths.pueue;
  process.kill(Number(readFileSync(path.join(dir, 'pueue.pid'), 'utf8')), 'SIGKILL');
  rmSync(path.join(dir, 'state.json'), { force: true });
  rmSync(path.join(dir, 'task_logs'), { recursive: true, force: true });

  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(status.subissues.map((s) => s.phase)).toEqual(['merged', 'merged']);
  const tasks = await h.deps.pueue.status();
  for (const sub of status.subissues) {
    const label = subissueLabel(sub.number);
    expect(tasks.filter((t) => t.label === label)).toHaveLength(1);
    expect((await settledMirror(h, label))?.state).toBe('Success');
  }

  // Lost again after the run: the worker's reconciler rebuilds it from Temporal by itself, once per subissue.
  const labels = status.subissues.map((s) => subissueLabel(s.number)).sort();
  const wipe = async () => {
    await h.deps.pueue.shutdown();
    rmSync(path.join(dir, 'state.json'), { force: true });
  };
  await wipe();
  for (const label of labels) expect((await settledMirror(h, label, 20_000))?.state).toBe('Success');
  const sync = () => syncMirror(h.env.client, h.deps.pueue, { taskQueue: h.config.taskQueue, cwd: h.config.repoPath, retentionHours: 24 });
  expect(await sync()).toEqual({ synced: [], unchanged: 2, failed: [] });

  // With no worker running, `ccp queue sync` does the same, once.
  await h.mirror.stop();
  await wipe();
  const first = await sync();
  expect(first.failed).toEqual([]);
  expect(first.synced.sort()).toEqual(labels);
  for (const label of labels) expect((await settledMirror(h, label))?.state).toBe('Success');
  expect(await sync()).toEqual({ synced: [], unchanged: 2, failed: [] });
  expect((await h.deps.pueue.status()).filter((t) => t.label)).toHaveLength(2);
});
