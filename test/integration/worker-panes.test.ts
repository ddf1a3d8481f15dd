// Worker panes following a live count on a real tmux server (isolated socket): added beyond one window into a second,
// none below the size Claude Code's dialogs need; free panes removed at once, busy ones marked and removed once free,
// a marked pane never taken by a new session (its own session re-attaches); the session made again when lost.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { createTmuxAdapter, type TmuxAdapter } from '../../src/adapters/tmux.js';
import { claimPane, releasePane } from '../../src/agents/pane-pool.js';
import { MIN_WORKER_PANE } from '../../src/core/pane-layout.js';
import { reconcileWorkerPanes } from '../../src/worker/live-workers.js';
import { removeTestDir } from '../helpers/test-dir.js';

const SESSION = 'ccp-live';
let dir: string;
let tmux: TmuxAdapter;
let panes: { session: string; cwd: string; idleCommand: (n: number) => string };
const ensureSession = (workers: number) => tmux.ensureSession({ ...panes, workers, dashboardCommand: 'exec tail -f /dev/null' });
const reconcile = (workers: number) => reconcileWorkerPanes({ tmux, panes, ensureSession }, workers);
const tmuxOut = async (...args: string[]) => (await execa('tmux', ['-S', path.join(dir, 'sock'), ...args])).stdout;
const workerPanes = async () => (await tmux.listPanes(SESSION)).filter((p) => p.role === 'worker');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ccp-live-'));
  tmux = createTmuxAdapter({ socketPath: path.join(dir, 'sock'), configFile: '/dev/null' });
  panes = { session: SESSION, cwd: dir, idleCommand: (n) => `echo idle-${n}; exec tail -f /dev/null` };
  await ensureSession(3);
});

afterAll(async () => {
  await execa('tmux', ['-S', path.join(dir, 'sock'), 'kill-server'], { reject: false });
  await removeTestDir(dir);
});

test('12 workers: the first window holds the dashboard and 8 at 72x18 or more, the other 4 go to a second window', async () => {
  expect(await reconcile(12)).toMatch(/^(added %\d+, ){8}added %\d+$/);
  const windows = await tmux.listWindows(SESSION);
  expect(windows.map((w) => [w.name, w.panes])).toEqual([['grid', 9], ['grid-2', 4]]);
  const sizes = (await tmuxOut('list-panes', '-s', '-t', SESSION, '-F', '#{pane_width} #{pane_height}')).split('\n')
    .map((line) => line.split(' ').map(Number));
  for (const [width, height] of sizes) {
    expect(width).toBeGreaterThanOrEqual(MIN_WORKER_PANE.width);
    expect(height).toBeGreaterThanOrEqual(MIN_WORKER_PANE.height);
  }
  // The second window is a grid like the first: panes stay when their command exits, titles on the borders.
  expect(await tmuxOut('show-options', '-w', '-v', '-t', windows[1].id, 'pane-border-status')).toBe('top');
  expect(await tmuxOut('show-options', '-w', '-v', '-t', windows[1].id, 'remain-on-exit')).toBe('on');
  const numbers = (await workerPanes()).map((p) => p.worker);
  expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(await reconcile(12)).toBe('');
});

test('fewer: free panes go at once (the second window first); busy ones are marked and go once their agent ends', async () => {
  const all = await workerPanes();
  const [first, second, lastOfSecond] = [all[0], all[1], all[11]];
  for (const p of [first, second, lastOfSecond]) await tmux.setPaneOption(p.id, '@ccp_task', `subissue-${p.worker}`);
  await reconcile(1);
  let left = await workerPanes();
  expect(left.map((p) => [p.id, p.retiring])).toEqual([[first.id, false], [second.id, true], [lastOfSecond.id, true]]);
  expect((await tmux.listWindows(SESSION)).map((w) => w.panes)).toEqual([3, 1]);

  // A marked pane takes no new session; the session it still runs gets it back (re-attaching after a crash).
  await tmux.setPaneOption(second.id, '@ccp_task', '');
  await expect(claimPane({ tmux, session: SESSION, label: 'subissue-99', maxWaitMs: 600 })).rejects.toThrow(/no free worker pane/);
  const back = await claimPane({ tmux, session: SESSION, label: `subissue-${lastOfSecond.worker}`, maxWaitMs: 600 });
  expect(back).toEqual({ id: lastOfSecond.id, wasLabelled: true });
  await releasePane(tmux, SESSION, back.id);

  expect(await reconcile(1)).toBe(`removed ${lastOfSecond.id}, removed ${second.id}`);
  left = await workerPanes();
  expect(left.map((p) => p.id)).toEqual([first.id]);
  // The emptied second window closed; the first is tiled again.
  expect((await tmux.listWindows(SESSION)).map((w) => w.name)).toEqual(['grid']);
});

test('a marked busy pane is kept when a free one can go in its place; more workers unmark before adding', async () => {
  await reconcile(3);
  const [busyOld, freeOne, busyNew] = await workerPanes();
  await tmux.setPaneOption(busyNew.id, '@ccp_task', 'subissue-20');
  await reconcile(2);
  // %busyNew was free at no point: the free one went.
  expect((await workerPanes()).map((p) => p.id)).toEqual([busyOld.id, busyNew.id]);
  expect(freeOne.id).not.toBe(busyNew.id);

  await reconcile(1);
  expect((await workerPanes()).map((p) => [p.id, p.retiring])).toEqual([[busyOld.id, false], [busyNew.id, true]]);
  await tmux.setPaneOption(busyOld.id, '@ccp_task', '');
  // The old pane became free before the marked one: it goes, the marked one stays and is unmarked.
  expect(await reconcile(1)).toBe(`removed ${busyOld.id}, ${busyNew.id} stays`);
  expect((await workerPanes()).map((p) => [p.id, p.retiring])).toEqual([[busyNew.id, false]]);

  await tmux.setPaneOption(busyNew.id, '@ccp_retiring', '1');
  expect(await reconcile(2)).toMatch(new RegExp(`^${busyNew.id} stays, added %\\d+$`));
  await tmux.setPaneOption(busyNew.id, '@ccp_task', '');
});

test('a lost tmux session is made again with the count followed now, once when two make it at the same time', async () => {
  await tmux.killSession(SESSION);
  expect(await reconcile(4)).toBe(`session ${SESSION} made again with 4 worker panes`);
  expect(await workerPanes()).toHaveLength(4);
  // The follower and an agent session that found the server gone, at once: one session, its panes made once.
  await tmux.killSession(SESSION);
  await Promise.all([reconcile(3), ensureSession(3)]);
  expect(await workerPanes()).toHaveLength(3);
  expect(await tmux.listWindows(SESSION)).toHaveLength(1);
});
