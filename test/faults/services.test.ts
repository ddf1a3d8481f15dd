// The fault matrix, services half: the parts under ccp fail mid-run — the Temporal dev server killed (kill -9) and
// brought back by `ccp up` on its SQLite file, the tmux server killed under running agents, pueued killed with its
// state wiped. Each run ends clean (see cleanRunReport); the recovery time is reported, not asserted.
// (`ccp down` + `ccp up` mid-run, both ways, is test/e2e/down-up.test.ts.)
import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { toolPath } from '../../src/config/tools.js';
import { cleanRunReport, reportRecovery, startFaultBed, type FaultBed } from '../helpers/fault-bed.js';

let bed: FaultBed | undefined;

afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const agentAtWork = (b: FaultBed) => () => b.offline.model.requests.some((r) => r.kind === 'work' && r.step === 0);
const prsOpened = async (b: FaultBed, number: number): Promise<number> =>
  (await b.parent(number))?.subissues.filter((s) => s.pr).length ?? 0;

test('Temporal dev server killed mid-run and brought back by ccp up: the run goes on from its SQLite file', async () => {
  bed = await startFaultBed({ paceMs: 2000 });
  const b = bed;
  const number = await b.upAndStart('Temporal killed');
  await b.until('an agent at work', agentAtWork(b));
  const workerBefore = b.workerPid();
  const killedAt = await b.kill('temporal');
  await b.up();
  // The same worker: it reconnects to the server that came back.
  expect(b.workerPid()).toBe(workerBefore);
  const at = await b.until('a PR opened after the restart', async () => (await prsOpened(b, number)) > 0, 240_000);
  reportRecovery('Temporal dev server kill -9 + ccp up', at - killedAt, { note: 'kill to the first PR, agent time included' });
  expect(cleanRunReport(b, await b.runToEnd([number])).problems).toEqual([]);
}, 400_000);

test('tmux server killed under running agents: the sessions continue their conversations in new panes', async () => {
  bed = await startFaultBed({ paceMs: 2000 });
  const b = bed;
  const number = await b.upAndStart('tmux killed');
  await b.until('an agent at work', agentAtWork(b));
  await b.tmux('kill-server');
  const killedAt = Date.now();
  const at = await b.until('agents back in panes', async () => (await b.busyPanes()).length > 0, 180_000);
  reportRecovery('tmux server killed', at - killedAt, { note: 'until an agent runs in a new pane' });
  const report = cleanRunReport(b, await b.runToEnd([number]));
  // cleanRunReport holds each conversation to one start: a resumed session goes on where it was.
  expect(report.problems).toEqual([]);
}, 400_000);

test('pueued killed with its state wiped mid-run: the run completes and the mirror comes back', async () => {
  bed = await startFaultBed({ paceMs: 1500 });
  const b = bed;
  const number = await b.upAndStart('pueued lost');
  await b.until('an agent at work', agentAtWork(b));
  const pueueDir = path.join(b.env.CCP_HOME as string, 'pueue');
  process.kill(Number(readFileSync(path.join(pueueDir, 'pueue.pid'), 'utf8').trim()), 'SIGKILL');
  rmSync(path.join(pueueDir, 'state.json'), { force: true });
  const [parent] = await b.runToEnd([number]);
  expect(cleanRunReport(b, [parent]).problems).toEqual([]);
  // `ccp up` brings pueued back; `ccp queue sync` rebuilds the projection from Temporal.
  await b.up();
  const sync = await b.ccp('queue', 'sync');
  expect(sync.exitCode).toBe(0);
  const status = await execa(toolPath('pueue'), ['-c', path.join(pueueDir, 'pueue.yml'), 'status', '--json']);
  const tasks = Object.values((JSON.parse(status.stdout) as { tasks: Record<string, { label?: string; status: unknown }> }).tasks);
  // One task per subissue, none twice.
  expect(tasks.map((t) => t.label ?? '').filter((l) => l.startsWith('subissue-')).sort())
    .toEqual(parent.subissues.map((s) => `subissue-${s.number}`).sort());
}, 400_000);
