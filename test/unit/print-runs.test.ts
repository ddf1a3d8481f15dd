// Durable print runs with real processes: a small shell command stands in for `claude -p`. A run whose worker is
// killed with -9 is taken over by the next attempt with the same key (the command runs once); cancel and the
// deadline stop the run's whole process group; the worker-start sweep keeps what a retry will adopt.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopLeftoverChildren } from '../../src/agents/print-children.js';
import { runPrint, sweepPrintRuns, type PrintRunRequest } from '../../src/agents/print-runs.js';
import { isAlive } from '../../src/stack/processes.js';

const MODULE = new URL('../../src/agents/print-runs.js', import.meta.url).href;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ccp-print-runs-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A run of `script` (sh), counting its starts in a file of the test dir. */
const request = (script: string, extra: Partial<PrintRunRequest> = {}): PrintRunRequest => ({
  dir: path.join(dir, 'agents'), key: 'wf-1/run-1/1', command: 'sh', args: ['-c', `echo started >> count; ${script}`],
  cwd: dir, env: process.env, input: 'the prompt\n', timeoutMs: 30_000, pollMs: 50, ...extra,
});
const starts = (): number => (existsSync(path.join(dir, 'count')) ? readFileSync(path.join(dir, 'count'), 'utf8')
  .split('\n').filter(Boolean).length : 0);
const runDirs = (): string[] => {
  const runs = path.join(dir, 'agents', 'print-runs');
  return existsSync(runs) ? readdirSync(runs).map((name) => path.join(runs, name)) : [];
};
const readPid = (file: string): number => Number(readFileSync(path.join(dir, file), 'utf8'));
/** Alive and no zombie (this host's init may reap orphans late). */
const runs = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux' && isAlive(pid);
  }
};

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const started = Date.now(); !condition(); await sleep(50)) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
  }
}

/** A "worker" process starts the run and is killed with -9 once `ready` holds (it looks for the run's end only
 * once a minute, so it is still there when the run has finished). */
async function abandon(run: PrintRunRequest, ready: () => boolean): Promise<void> {
  const worker = spawn(process.execPath, ['--input-type=module', '-e',
    'const { runPrint } = await import(process.argv[1]); await runPrint(JSON.parse(process.argv[2]));',
    MODULE, JSON.stringify({ ...run, env: undefined, pollMs: 60_000 })], { stdio: 'inherit' });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  await until(ready, 'the run to get going');
  worker.kill('SIGKILL');
  await exited;
}

test('a run whose worker was killed is adopted by the next attempt: its output, the command run once', async () => {
  const run = request('sleep 1; cat');
  await abandon(run, () => starts() === 1);
  // Private files: the prompt may hold an issue's text.
  const [runDir] = runDirs();
  expect(statSync(runDir).mode & 0o777).toBe(0o700);
  for (const name of ['prompt', 'stdout', 'spec.json']) expect(statSync(path.join(runDir, name)).mode & 0o777).toBe(0o600);
  // A new worker starting keeps it for the retry (also the sweep of untracked print-mode children leaves it).
  expect(stopLeftoverChildren(run.dir, () => true)).toEqual([]);
  expect(await sweepPrintRuns(run.dir)).toEqual([]);
  expect(runDirs()).toHaveLength(1);
  const result = await runPrint(run);
  expect(result).toMatchObject({ endedBy: 'exit', exitCode: 0, stdout: 'the prompt\n', adopted: true });
  expect(starts()).toBe(1);
  expect(runDirs()).toEqual([]);
});

test('a run that finished after its worker died: the next attempt takes its output without running it again', async () => {
  const run = request('cat; echo oops >&2; exit 3');
  await abandon(run, () => runDirs().some((d) => existsSync(path.join(d, 'exit'))));
  const result = await runPrint(run);
  expect(result).toMatchObject({ endedBy: 'exit', exitCode: 3, stdout: 'the prompt\n', stderr: 'oops\n', adopted: true });
  expect(starts()).toBe(1);
  // Once taken, the next attempt (a retry after a bad answer) asks again.
  expect(await runPrint(run)).toMatchObject({ exitCode: 3, adopted: false });
  expect(starts()).toBe(2);
});

test('another prompt under the same key, or no key, is a fresh run', async () => {
  const run = request('cat');
  await abandon(run, () => runDirs().some((d) => existsSync(path.join(d, 'exit'))));
  expect(await runPrint({ ...run, input: 'another prompt\n' })).toMatchObject({ stdout: 'another prompt\n', adopted: false });
  expect(await runPrint({ ...run, key: undefined })).toMatchObject({ stdout: 'the prompt\n', adopted: false });
  expect(starts()).toBe(3);
  expect(runDirs()).toEqual([]);
});

/** A command that is a process group of two (a shell and its background sleep); `name` tells its pid files. */
const group = (name: string): string => `sleep 30 & echo $! > ${name}.bg; echo $$ > ${name}.sh; wait`;
const pids = (name: string): number[] => [`${name}.bg`, `${name}.sh`].map(readPid);
const started = (name: string) => (): boolean => [`${name}.bg`, `${name}.sh`].every((f) => existsSync(path.join(dir, f)));
const stopped = (name: string) => (): boolean => pids(name).every((pid) => !runs(pid));

test('cancel stops the run\'s whole process group', async () => {
  const cancel = new AbortController();
  const running = runPrint(request(group('c'), { signal: cancel.signal }));
  await until(started('c'), 'the command');
  cancel.abort();
  expect(await running).toMatchObject({ endedBy: 'cancelled' });
  await until(stopped('c'), 'the group to go', 5_000);
  expect(runDirs()).toEqual([]);
});

test('past its deadline a run is stopped: by the waiting attempt, and by the run itself when nobody waits', async () => {
  expect(await runPrint(request(group('w'), { timeoutMs: 1_500 }))).toMatchObject({ endedBy: 'timeout' });
  expect(started('w')()).toBe(true);
  await until(stopped('w'), 'the group to go', 5_000);

  const orphan = request(group('o'), { key: 'wf-1/run-1/2', timeoutMs: 1_500 });
  await abandon(orphan, started('o'));
  const [runDir] = runDirs();
  await until(() => existsSync(path.join(runDir, 'exit')), 'the run to record its end', 5_000);
  expect(JSON.parse(readFileSync(path.join(runDir, 'exit'), 'utf8'))).toMatchObject({ timedOut: true });
  await until(stopped('o'), 'the orphaned group to go', 5_000);
  expect(await runPrint(orphan)).toMatchObject({ endedBy: 'timeout', adopted: true });
});

test('the worker-start sweep stops runs past their deadline and one-off runs of a dead worker', async () => {
  await abandon(request(group('k')), started('k'));
  await abandon(request(group('o'), { key: undefined }), started('o'));
  expect(runDirs()).toHaveLength(2);
  expect(await sweepPrintRuns(path.join(dir, 'agents'))).toHaveLength(1);
  await until(stopped('o'), 'the one-off run to stop', 5_000);
  expect(pids('k').every(runs)).toBe(true);
  expect(await sweepPrintRuns(path.join(dir, 'agents'), Date.now() + 60_000)).toHaveLength(1);
  await until(stopped('k'), 'the keyed run to stop', 5_000);
  expect(runDirs()).toEqual([]);
});
