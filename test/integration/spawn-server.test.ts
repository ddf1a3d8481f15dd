// runCommand through the spawn server, with real processes: results as execa gave them, timeouts, aborts, the env and
// cwd passed exactly, a dead server replaced, and nothing left running afterwards.
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { runCommand, spawnServerPid, stopSpawnServer } from '../../src/stack/run-command.js';
import { isAlive, waitUntil } from '../../src/stack/processes.js';
import { removeTestDir } from '../helpers/test-dir.js';

let dir: string;
// Started with a pid file: `sh -c 'echo $$ > f; exec sleep 30'` keeps its pid through the exec.
const sleeper = (name: string, prefix = ''): string[] =>
  ['-c', `${prefix}echo $$ > ${path.join(dir, name)}; exec sleep 30`];
const pidIn = async (name: string): Promise<number> => {
  const file = path.join(dir, name);
  await waitUntil(`${name}`, () => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), 10_000);
  return Number(readFileSync(file, 'utf8').trim());
};
const gone = (pid: number, what: string): Promise<void> => waitUntil(`${what} (pid ${pid}) to end`, () => !isAlive(pid), 10_000);

beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'ccp-spawn-')));
});

afterAll(async () => {
  const pid = spawnServerPid();
  stopSpawnServer();
  if (pid) await gone(pid, 'the spawn server');
  await removeTestDir(dir);
});

test('exit code, stdout and stderr as execa gives them: newlines, unicode, final newline stripped', async () => {
  const script = 'printf "a\\nb é ✓ 日本\\n\\n"; printf "warn ✗\\n" >&2; exit 3';
  const result = await runCommand('sh', ['-c', script]);
  const expected = await execa('sh', ['-c', script], { reject: false });
  expect(result).toEqual({ exitCode: 3, stdout: 'a\nb é ✓ 日本\n', stderr: 'warn ✗', timedOut: false });
  expect([result.exitCode, result.stdout, result.stderr]).toEqual([expected.exitCode, expected.stdout, expected.stderr]);
  expect(spawnServerPid()).toBeDefined();
  expect(spawnServerPid()).not.toBe(process.pid);
});

test('large output (> 1 MB, multi-byte characters across chunk boundaries) arrives whole', async () => {
  const code = 'process.stdout.write("é".repeat(700000) + "end"); process.stderr.write("x".repeat(1500000))';
  const result = await runCommand(process.execPath, ['-e', code]);
  expect(result.exitCode).toBe(0);
  expect(result.stdout.length).toBe(700_003);
  expect(result.stdout).toBe(`${'é'.repeat(700_000)}end`);
  expect(result.stderr).toBe('x'.repeat(1_500_000));
});

test('input is written to stdin; stdin ignore gives end of file at once', async () => {
  expect((await runCommand('cat', [], { input: 'in ✓\nput\n' })).stdout).toBe('in ✓\nput');
  expect(await runCommand('cat', [], { stdin: 'ignore' })).toEqual({ exitCode: 0, stdout: '', stderr: '', timedOut: false });
});

test('a command that cannot start answers with no exit code and empty output, as execa did', async () => {
  const result = await runCommand('ccp-no-such-binary', ['x']);
  const expected = await execa('ccp-no-such-binary', ['x'], { reject: false });
  expect(result.exitCode).toBeUndefined();
  expect(expected.exitCode).toBeUndefined();
  expect([result.stdout, result.stderr, result.timedOut]).toEqual(['', '', false]);
  expect(result.error).toContain('ENOENT');
});

test('timeout: SIGTERM, timedOut, the process gone; one that ignores SIGTERM gets SIGKILL', async () => {
  const result = await runCommand('sh', sleeper('t1'), { timeout: 300 });
  expect(result).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
  expect(result.exitCode).toBeUndefined();
  await gone(await pidIn('t1'), 'the timed-out command');

  const stubborn = await runCommand('sh', sleeper('t2', 'trap "" TERM; '), { timeout: 300 });
  expect(stubborn).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
  await gone(await pidIn('t2'), 'the stubborn command');
});

test('abort stops the command', async () => {
  const controller = new AbortController();
  const running = runCommand('sh', sleeper('a1'), { signal: controller.signal });
  const pid = await pidIn('a1');
  expect(isAlive(pid)).toBe(true);
  controller.abort();
  expect(await running).toMatchObject({ signal: 'SIGTERM', timedOut: false });
  await gone(pid, 'the aborted command');
  expect((await runCommand('true', [], { signal: controller.signal })).exitCode).toBeUndefined();
});

test('env: exactly the given one with extendEnv false, this process\'s plus the given one otherwise; cwd', async () => {
  const own = { PATH: process.env.PATH, ONLY_THIS: 'a b\nc', EMPTY: '' };
  const exact = await runCommand('env', ['-0'], { env: own, extendEnv: false });
  const entries = exact.stdout.split('\0').filter(Boolean).sort();
  expect(entries).toEqual([`EMPTY=`, `ONLY_THIS=a b\nc`, `PATH=${process.env.PATH}`].sort());

  process.env.CCP_SPAWN_TEST_LATE = 'set after the server started';
  try {
    const extended = await runCommand('env', ['-0'], { env: { EXTRA: '1' } });
    const expected = await execa('env', ['-0'], { env: { EXTRA: '1' }, reject: false });
    expect(extended.stdout.split('\0').sort()).toEqual(expected.stdout.split('\0').sort());
    expect(extended.stdout).toContain('CCP_SPAWN_TEST_LATE=set after the server started');
  } finally {
    delete process.env.CCP_SPAWN_TEST_LATE;
  }
  expect((await runCommand('pwd', [], { cwd: dir })).stdout).toBe(dir);
  expect((await runCommand('pwd', [])).stdout).toBe(process.cwd());
});

test('a dead server fails what it ran and is replaced by the next command; stopping it stops its commands', async () => {
  const first = spawnServerPid()!;
  const running = runCommand('sh', sleeper('d1'));
  const orphan = await pidIn('d1');
  process.kill(first, 'SIGKILL');
  await expect(running).rejects.toThrow(/spawn server stopped/);
  process.kill(orphan, 'SIGKILL'); // a SIGKILLed server cannot stop its commands: none of this test's to leave
  await gone(first, 'the killed server');

  expect((await runCommand('sh', ['-c', 'echo again'])).stdout).toBe('again');
  const second = spawnServerPid()!;
  expect(second).not.toBe(first);
  const next = runCommand('sh', sleeper('d2'));
  const child = await pidIn('d2');
  stopSpawnServer();
  await expect(next).rejects.toThrow(/spawn server stopped/);
  await gone(second, 'the stopped server');
  await gone(child, 'the stopped server\'s command');
});

test('a process using it exits on its own when done and leaves no server behind; CCP_SPAWN_INPROCESS=1 forks itself', async () => {
  const module = fileURLToPath(new URL('../../src/stack/run-command.js', import.meta.url));
  const script = path.join(dir, 'user.mjs');
  writeFileSync(script, `import { runCommand, spawnServerPid } from ${JSON.stringify(module)};
const result = await runCommand('sh', ['-c', 'echo "$0 ✓"']);
console.log(JSON.stringify({ result, server: spawnServerPid() }));\n`);
  const env = { ...process.env, CCP_SPAWN_INPROCESS: undefined };
  const served = await execa(process.execPath, [script], { env, timeout: 60_000 });
  const out = JSON.parse(served.stdout) as { result: { stdout: string }; server?: number };
  expect(out.result.stdout).toBe('sh ✓');
  expect(out.server).toBeDefined();
  await gone(out.server!, 'the exited process\'s spawn server');

  const here = await execa(process.execPath, [script], { env: { ...env, CCP_SPAWN_INPROCESS: '1' }, timeout: 60_000 });
  expect(JSON.parse(here.stdout)).toEqual({ result: { exitCode: 0, stdout: 'sh ✓', stderr: '', timedOut: false } });
});
