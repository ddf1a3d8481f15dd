// A real run mirrored in pueue (Temporal, the dispatcher, real Claude Code on the scripted model): one pueue group
// per ccp group, priorities, `--after` dependencies and a delay as pueue shows them mid-run, and every task Success
// at the end. `CCP_PRINT_PUEUE_STATUS=1` prints the `pueue status` seen mid-run (the README shows one).
import { execa } from 'execa';
import { CcpClient } from '../../src/client/ccp-client.js';
import { startParents } from '../../src/client/parents.js';
import { toolPath } from '../../src/config/tools.js';
import { subissueLabel } from '../../src/shared/ids.js';
import { parentStatusQuery } from '../../src/shared/messages.js';
import type { PlannedSubissue } from '../../src/shared/types.js';
import { driveToEnd, settledMirror } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { waitFor } from '../helpers/pueue-bed.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 2, taskQueue: 'ccp-pueue-run', paceMs: 1500 });
});

afterAll(async () => {
  await h?.stop();
});

const planned = (key: string, title: string, extra: Partial<PlannedSubissue>): PlannedSubissue => ({
  key, title, estimatedHours: 1, priority: 'normal', description: `${title}.`, acceptanceCriteria: [`${title} is done`],
  technicalContext: '', dependsOn: [], ...extra,
});

test('groups, priorities, dependencies and a delay in pueue while the run works; Success for each at the end', async () => {
  const ccp = CcpClient.fromTemporal(h.env.client, { taskQueue: h.config.taskQueue });
  await ccp.dispatch({ kind: 'set-workers', host: h.config.hostId, workers: 2 });
  const issue = h.offline.github.seedIssue(h.repo.owner, h.repo.repo, { title: 'Orders page', body: 'Orders, end to end.' });
  const plan = { subissues: [
    planned('api', 'Add the orders API', { group: 'api', priority: 'critical' }),
    planned('paging', 'Paginate the orders API', { group: 'api', dependsOn: ['api'] }),
    planned('page', 'Show orders on the page', { group: 'web', priority: 'high' }),
    planned('style', 'Style the orders page', { group: 'web', priority: 'low' }),
    planned('guide', 'Write the orders guide', { group: 'docs', notBefore: new Date(Date.now() + 3_600_000).toISOString() }),
  ] };
  const [started] = await startParents(h.env.client, h.config.taskQueue, h.repo, [issue.number], h.settings, { plan });
  const handle = h.env.client.workflow.getHandle(started.workflowId);
  const bySubissue = async () => {
    const status = await handle.query(parentStatusQuery);
    return new Map(status.subissues.map((s) => [s.key, s]));
  };
  // Mid-run: the API and the page at work (the most urgent of each group), the rest waiting, each its own way.
  let seen = '';
  const subs = await waitFor('api and page at work, style queued', async () => {
    const now = await bySubissue();
    seen = [...now.values()].map((s) => `${s.key} ${s.phase}`).join(', ');
    return now.get('api')?.phase === 'agent' && now.get('page')?.phase === 'agent' && now.get('style')?.phase === 'queued' ? now : undefined;
  }, 120_000).catch((err: unknown) => {
    throw new Error(`${String(err)}; last seen: ${seen}`);
  });
  const labelOf = (key: string) => subissueLabel(subs.get(key)!.number);
  const mirrored = await waitFor('the mirror in line', async () => {
    const tasks = await h.deps.pueue.snapshot(true);
    const states = Object.fromEntries(['api', 'paging', 'page', 'style', 'guide'].map((k) => [k, tasks.byLabel.get(labelOf(k))?.state]));
    return states.api === 'Running' && states.page === 'Running' && states.style === 'Queued' ? { tasks, states } : undefined;
  });
  if (process.env.CCP_PRINT_PUEUE_STATUS) {
    const { stdout } = await execa(toolPath('pueue'), ['-c', h.deps.pueue.configPath, 'status'], { env: { ...process.env, NO_COLOR: '1' } });
    console.log(stdout);
  }
  expect(mirrored.states).toEqual({ api: 'Running', paging: 'Stashed', page: 'Running', style: 'Queued', guide: 'Stashed' });
  const task = (key: string) => mirrored.tasks.byLabel.get(labelOf(key))!;
  expect(['api', 'paging', 'page', 'style', 'guide'].map((k) => [task(k).group, task(k).priority]))
    .toEqual([['api', 2], ['api', 0], ['web', 1], ['web', -1], ['docs', 0]]);
  expect(task('paging').dependencies).toEqual([task('api').id]);
  expect(task('guide').enqueueAt).toBeDefined();
  expect(task('api').command).toContain(`# ${h.repo.owner}/${h.repo.repo}#${issue.number} → #${subs.get('api')!.number}: Add the orders API`);
  expect(mirrored.tasks.groups).toMatchObject({ api: { parallel: 1 }, web: { parallel: 1 } });

  // The guide need not wait an hour: started now, the run ends with every task Success.
  await ccp.delay(subs.get('guide')!.number, null, { repo: h.repo });
  const { status, workflowStatus } = await driveToEnd(h, started.workflowId, 400_000);
  expect(workflowStatus).toBe('COMPLETED');
  for (const sub of status.subissues) expect((await settledMirror(h, subissueLabel(sub.number)))?.state).toBe('Success');
}, 600_000);
