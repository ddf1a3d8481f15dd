// `ccp up` / `ccp down` against an existing Temporal server (CCP_TEMPORAL_ADDRESS): ccp starts its own pueued,
// tmux session and worker, never a second Temporal server, and `down` leaves the external server running.
import { startTestTemporal } from '../helpers/temporal-env.js';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createPueueAdapter } from '../../src/adapters/pueue.js';
import { createTmuxAdapter } from '../../src/adapters/tmux.js';
import { toolPath } from '../../src/config/tools.js';
import { canConnect } from '../../src/stack/temporal-server.js';
import { isAlive } from '../../src/stack/processes.js';
import { CCP_BIN } from '../../src/stack/stack.js';


test('up starts pueued, the tmux session and the worker on an external server; down stops them', async () => {
  const server = await startTestTemporal();
  const dir = mkdtempSync('/tmp/ccp-up-');
  const address = server.connection.options.address;
  const env = {
    CCP_HOME: path.join(dir, 'home'),
    CCP_TEMPORAL_ADDRESS: address,
    CCP_TMUX_SOCKET: path.join(dir, 'tmux.sock'),
    CCP_TMUX_CONFIG: '/dev/null',
    CCP_REPO_PATH: dir,
    GITHUB_TOKEN: 'ghp_not_used_by_this_test',
  };
  const tmux = createTmuxAdapter({ socketPath: env.CCP_TMUX_SOCKET, configFile: '/dev/null' });
  const pueue = createPueueAdapter({ dir: path.join(env.CCP_HOME, 'pueue'), pueueBinary: toolPath('pueue'), pueuedBinary: toolPath('pueued') });
  try {
    const up = await execa(process.execPath, [CCP_BIN, 'up', '--workers', '2'], { env, reject: false });
    // stderr carries only the progress lines while the stack comes up.
    expect(up.stderr.split('\n').every((line) => /^starting .* …$/.test(line))).toBe(true);
    expect(up.stderr).toContain('starting the ccp worker …');
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toContain('ccp is up with 2 workers.');
    expect(up.stdout).not.toContain('Temporal Web UI'); // not ours to show

    const runDir = path.join(env.CCP_HOME, 'run');
    expect(existsSync(path.join(runDir, 'temporal.pid'))).toBe(false);
    const workerPid = Number(readFileSync(path.join(runDir, 'worker.pid'), 'utf8'));
    expect(isAlive(workerPid)).toBe(true);
    const panes = await tmux.listPanes('claude-workers');
    expect(panes.map((p) => p.role)).toEqual(['dashboard', 'worker', 'worker']);
    expect((await pueue.status()).length).toBe(0); // pueued answers; nothing mirrored yet

    // A second `up` finds everything running and starts nothing new.
    const again = await execa(process.execPath, [CCP_BIN, 'up', '--workers', '2'], { env, reject: false });
    expect(again.exitCode).toBe(0);
    expect(Number(readFileSync(path.join(runDir, 'worker.pid'), 'utf8'))).toBe(workerPid);

    const down = await execa(process.execPath, [CCP_BIN, 'down'], { env, reject: false });
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toContain('stopped: worker, tmux session claude-workers, pueued');
    expect(isAlive(workerPid)).toBe(false);
    expect(await tmux.hasSession('claude-workers')).toBe(false);
    await expect(pueue.status()).rejects.toThrow();
    expect(await canConnect(address)).toBe(true);
  } finally {
    await execa(process.execPath, [CCP_BIN, 'down'], { env, reject: false });
    await server.teardown();
  }
});
