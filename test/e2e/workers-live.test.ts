// Workers added and removed during a run, as a user does it (`ccp up`, `ccp start`, `ccp workers add|remove|list`
// through the CLI, the real worker process, Temporal dev server, tmux on its own socket, the GitHub stand-in and the
// real Claude Code on the scripted model): a third agent runs only once a third worker is added; a pane removed takes
// no new session and goes once its agent ends; `--now` stops the newest agent, whose subissue waits in the queue and
// then continues its conversation. The run closes with nothing failed, twice or started over.
import { setTimeout as sleep } from 'node:timers/promises';
import { CcpClient } from '../../src/client/ccp-client.js';
import { dispatchView } from '../../src/client/dispatch.js';
import type { WorkersList } from '../../src/core/worker-count.js';
import { cleanRunReport, startFaultBed, type FaultBed } from '../helpers/fault-bed.js';

const HOST = 'live-host';
let bed: FaultBed;
let ccp: CcpClient;

interface PaneSample { at: number; panes: Array<{ id: string; task: string; retiring: boolean }> }
const samples: PaneSample[] = [];
let sampling = true;
let sampler: Promise<void> | undefined;

beforeAll(async () => {
  // Each model turn takes a while, so agents overlap with the changes made under them.
  bed = await startFaultBed({ workers: 2, paceMs: 1500 });
  bed.env.CCP_HOST_ID = HOST;
});

afterAll(async () => {
  sampling = false;
  await sampler;
  await ccp?.close();
  await bed?.close();
});

/** Worker panes every 200 ms: which subissue each runs, and whether it is marked to go. */
async function samplePanes(): Promise<void> {
  while (sampling) {
    const out = await bed.tmux('list-panes', '-s', '-t', bed.env.CCP_TMUX_SESSION as string, '-F',
      '#{pane_id} #{@ccp_role} #{@ccp_retiring} #{@ccp_task}');
    if (out.exitCode === 0) {
      const panes = out.stdout.split('\n').map((line) => line.split(' ')).filter(([, role]) => role === 'worker')
        .map(([id, , retiring, task]) => ({ id, task: task ?? '', retiring: retiring === '1' }));
      samples.push({ at: Date.now(), panes });
    }
    await sleep(200);
  }
}

const busy = (s: PaneSample) => s.panes.filter((p) => p.task !== '').length;
const lastSample = () => samples[samples.length - 1];
const list = async (): Promise<WorkersList> => JSON.parse((await bed.ccp('workers', 'list', '--json')).stdout) as WorkersList;

test('workers added and removed during a run: panes and agents follow the count, nothing fails', async () => {
  await bed.up();
  ccp = await CcpClient.connect({ address: `127.0.0.1:${bed.env.CCP_TEMPORAL_PORT as string}` });
  // Ten subissues (two parents of five): enough that agents keep coming through every change below.
  const steps = '{run:true} {run:true} {run:true}';
  const issues = ['Five at once', 'Five more'].map((title) => bed.offline.github.seedIssue(bed.owner, bed.repo, { title,
    body: `Five parts.\n\n${[1, 2, 3, 4, 5].map((n) => `- [ ] ${title} part ${n} ${steps}`).join('\n')}\n` }).number);
  expect((await bed.ccp('start', issues.join(','))).exitCode).toBe(0);
  sampler = samplePanes();

  // Two workers: two agents, the other subissues wait for the dispatcher although they could run.
  await bed.until('2 agents at work', () => samples.length > 0 && busy(lastSample()) === 2, 180_000);
  await bed.until('subissues waiting for a worker', async () => ((await list()).hosts.find((h) => h.host === HOST)?.waiting ?? 0) > 0);
  await sleep(3000);
  const add = await bed.ccp('workers', 'add', '1');
  expect(add.stdout).toContain(`host ${HOST}: 2 → 3 workers`);
  expect(add.exitCode).toBe(0);
  const addedAt = Date.now();
  expect(Math.max(...samples.map(busy))).toBe(2);
  await bed.until('3 agents at work', () => busy(lastSample()) === 3, 60_000);
  expect(lastSample().panes).toHaveLength(3);

  const listed = await list();
  // Who works where (an agent may have ended or be about to take its pane since): busy workers with their pane,
  // subissue and since when.
  const mine = listed.workers.filter((w) => w.host === HOST && w.state === 'busy' && w.pane && w.since);
  expect(mine.length).toBeGreaterThan(0);
  expect(mine.every((w) => w.subissue && w.repo === `${bed.owner}/${bed.repo}`)).toBe(true);
  expect((await bed.ccp('workers', 'list')).stdout).toMatch(new RegExp(`host ${HOST} \\(this host\\): 3 workers · \\d busy`));
  const tooMany = await bed.ccp('workers', 'remove', '4');
  expect(tooMany.stderr).toContain(`host ${HOST} has 3 workers: cannot remove 4`);
  expect(tooMany.exitCode).toBe(1);

  // One fewer: the agents finish, one pane goes, and no new session starts in it meanwhile.
  const atRemove = lastSample().panes.map((p) => p.id);
  expect((await bed.ccp('workers', 'remove', '1')).stdout).toContain(`host ${HOST}: 3 → 2 workers`);
  await bed.until('a pane removed', () => lastSample().panes.length === 2, 120_000);
  const goneSample = samples.length - 1;
  expect(atRemove.filter((id) => !lastSample().panes.some((p) => p.id === id))).toHaveLength(1);
  // A pane marked to go never shows a session it did not have when it was marked.
  for (const [i, s] of samples.entries()) {
    for (const p of s.panes.filter((x) => x.retiring)) {
      const next = samples.slice(i + 1).find((n) => n.panes.some((x) => x.id === p.id))?.panes.find((x) => x.id === p.id);
      if (next?.retiring) expect(['', p.task]).toContain(next.task);
    }
  }
  expect(Math.max(...samples.filter((s) => s.at >= addedAt).map((s) => s.panes.length))).toBe(3);
  // Once the pane has gone, no third agent runs again.
  const removedSince = () => samples.slice(goneSample);

  // One fewer now (through the typed client): the newest agent stops at once; its subissue waits again and then
  // continues its conversation. Both agents have talked to the model by then, so there is a conversation to go on.
  const stepsSeen = (n: number) => bed.offline.model.requests.some((r) => r.subissue === n && (r.step ?? 0) >= 1);
  await bed.until('2 agents at work again, both past their first step', async () => {
    const holders = (await dispatchView(ccp.temporal, ccp.taskQueue)).holders.filter((h) => h.host === HOST);
    return holders.length === 2 && holders.every((h) => stepsSeen(h.subissue));
  }, 180_000);
  expect(Math.max(...removedSince().map((s) => Math.max(busy(s), s.panes.length)))).toBe(2);
  const requestsBefore = bed.offline.model.requests.length;
  const removed = await ccp.removeWorkers(1, { host: HOST, now: true });
  expect([removed.before, removed.workers]).toEqual([2, 1]);
  const newest = removed.view.holders.filter((h) => h.host === HOST).sort((a, b) => b.grantedAt.localeCompare(a.grantedAt))[0];
  const toldToContinue = () => bed.offline.model.bodies.some((body) => {
    const text = JSON.stringify(body);
    return text.includes(`Work on subissue #${newest.subissue} `) && text.includes(`ccp stopped this session (host ${HOST} has 1 workers now)`);
  });
  await bed.until('one agent at work', () => busy(lastSample()) <= 1, 60_000);
  await bed.until(`#${newest.subissue} back in the queue`, async () => toldToContinue()
    || (await dispatchView(ccp.temporal, ccp.taskQueue)).queue.some((r) => r.subissue === newest.subissue), 60_000);
  expect((await bed.ccp('workers', 'set', '2')).exitCode).toBe(0);

  const parents = await bed.runToEnd(issues, 600_000);
  expect(cleanRunReport(bed, parents).problems).toEqual([]);
  expect(parents.flatMap((p) => p.subissues)).toHaveLength(10);
  // The stopped session's conversation went on where it was: told why, with the steps it had done.
  const stepsOf = (requests: typeof bed.offline.model.requests) =>
    requests.filter((r) => r.subissue === newest.subissue).map((r) => r.step ?? 0);
  const [before, after] = [stepsOf(bed.offline.model.requests.slice(0, requestsBefore)),
    stepsOf(bed.offline.model.requests.slice(requestsBefore))];
  expect(after.length).toBeGreaterThan(0);
  expect(Math.min(...after)).toBeGreaterThanOrEqual(Math.max(...before));
  expect(toldToContinue()).toBe(true);
}, 1_200_000);
