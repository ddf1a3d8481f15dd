// The tmux adapter against a real tmux server on an isolated socket.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { createTmuxAdapter, type TmuxAdapter } from '../../src/adapters/tmux.js';
import { removeTestDir } from '../helpers/test-dir.js';

const SESSION = 'ccp-test';
let dir: string;
let tmux: TmuxAdapter;

const waitFor = async (check: () => Promise<boolean>, what: string, ms = 5_000): Promise<void> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ccp-tmux-'));
  tmux = createTmuxAdapter({ socketPath: path.join(dir, 'sock'), configFile: '/dev/null' });
  await tmux.ensureSession({
    session: SESSION, workers: 2, cwd: dir,
    // Exits at once: remain-on-exit must keep the pane (and the server) alive.
    dashboardCommand: 'echo dashboard-ready',
    idleCommand: (i) => `echo idle-${i}; exec cat`,
  });
});

afterAll(async () => {
  await execa('tmux', ['-S', path.join(dir, 'sock'), 'kill-server'], { reject: false });
  await removeTestDir(dir);
});

test('session layout: dashboard pane 0, workers 1..N in order, pane options set', async () => {
  expect(await tmux.hasSession(SESSION)).toBe(true);
  expect(await tmux.hasSession('ccp-tes')).toBe(false);
  const panes = await tmux.listPanes(SESSION);
  expect(panes.map((p) => [p.index, p.role, p.task])).toEqual([[0, 'dashboard', ''], [1, 'worker', ''], [2, 'worker', '']]);
  expect(panes[0].dead).toBe(true);
  await waitFor(async () => (await tmux.capturePane(panes[2].id)).includes('idle-2'), 'idle banner');
  // Re-tiling shrank the pane: its first line moved into the history.
  expect(await tmux.capturePane(panes[0].id, 100)).toContain('dashboard-ready');
});

test('sendText is literal; sendKeys sends named keys', async () => {
  const worker = (await tmux.listPanes(SESSION))[1];
  await tmux.sendText(worker.id, '-n Enter Up $HOME');
  await tmux.sendKeys(worker.id, 'Enter');
  // cat echoes the line back: typed once by the tty, once by cat.
  await waitFor(async () => (await tmux.capturePane(worker.id)).split('-n Enter Up $HOME').length === 3, 'echo');
});

test('pane options, titles, pipe-pane and respawn', async () => {
  const worker = (await tmux.listPanes(SESSION))[2];
  await tmux.setPaneOption(worker.id, '@ccp_task', 'subissue-1');
  await tmux.setPaneTitle(worker.id, 'subissue-1: running');
  const log = path.join(dir, 'pane.log');
  await tmux.pipePaneTo(worker.id, log);
  await tmux.respawnPane(worker.id, 'echo respawned-in-$(pwd); sleep 30', dir);
  await waitFor(async () => (await tmux.capturePane(worker.id)).includes(`respawned-in-${dir}`), 'respawned output');
  await waitFor(async () => {
    try {
      return readFileSync(log, 'utf8').includes('respawned-in-');
    } catch {
      return false;
    }
  }, 'pane log');
  const pane = (await tmux.listPanes(SESSION)).find((p) => p.id === worker.id);
  expect(pane).toMatchObject({ task: 'subissue-1', dead: false, currentCommand: 'sleep' });
  const { stdout } = await execa('tmux', ['-S', path.join(dir, 'sock'), 'display-message', '-p', '-t', worker.id,
    '#{@ccp_title}|#{pane_title}']);
  expect(stdout).toBe('subissue-1: running|subissue-1: running');
  await tmux.setPaneOption(worker.id, '@ccp_task', '');
});

test('ensureSession on an existing session adds only the missing worker panes', async () => {
  const before = await tmux.listPanes(SESSION);
  await tmux.ensureSession({ session: SESSION, workers: 4, cwd: dir, dashboardCommand: 'true', idleCommand: () => 'cat' });
  const after = await tmux.listPanes(SESSION);
  expect(after.map((p) => p.role)).toEqual(['dashboard', 'worker', 'worker', 'worker', 'worker']);
  expect(after.slice(0, 3).map((p) => p.id)).toEqual(before.map((p) => p.id));
  await tmux.ensureSession({ session: SESSION, workers: 2, cwd: dir, dashboardCommand: 'true', idleCommand: () => 'cat' });
  expect(await tmux.listPanes(SESSION)).toHaveLength(5);
});

test('capturePane with history; killSession', async () => {
  const worker = (await tmux.listPanes(SESSION))[1];
  await tmux.respawnPane(worker.id, 'seq 1 300; sleep 30', dir);
  await waitFor(async () => (await tmux.capturePane(worker.id)).includes('300'), 'seq output');
  expect(await tmux.capturePane(worker.id)).not.toMatch(/^1$/m);
  expect(await tmux.capturePane(worker.id, 1000)).toMatch(/^1$/m);
  await tmux.killSession(SESSION);
  expect(await tmux.hasSession(SESSION)).toBe(false);
  await tmux.killSession(SESSION);
});
