// The pueue adapter against a real pueued of its own (temp dir, own socket): mirror lifecycle, idempotency under
// retries, recovery after a daemon crash, and no secrets in pueue's state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { createPueueAdapter, type PueueAdapter, type PueueTask, type PueueTaskState } from '../../src/adapters/pueue.js';
import { toolPath } from '../../src/config/tools.js';
import { scrubEnv } from '../../src/core/env-scrub.js';

const GROUP = 'ccp-mirror';
const FAKE_SECRETS = {
  GITHUB_TOKEN: 'ghp_testTESTtest0123456789abcdefghijklmn',
  ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdef',
};

let dir: string;
let pueue: PueueAdapter;
const savedEnv: Record<string, string | undefined> = {};

async function pueueCli(...args: string[]): Promise<string> {
  const result = await execa(toolPath('pueue'), ['-c', pueue.configPath, ...args],
    { env: scrubEnv(process.env), extendEnv: false });
  return String(result.stdout);
}

async function taskOutput(id: number): Promise<string> {
  const log = JSON.parse(await pueueCli('log', '--json', '--full', String(id))) as Record<string, { output: string }>;
  return log[String(id)].output;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const waitForState = (label: string, state: PueueTaskState): Promise<PueueTask> =>
  waitFor(`${label} to be ${state}`, async () => {
    const task = await pueue.findByLabel(label);
    return task?.state === state ? task : undefined;
  });

const eventLogOf = (label: string): string => readFileSync(path.join(dir, 'mirror', `${label}.log`), 'utf8');

const waitForOutput = (id: number, text: string): Promise<string> =>
  waitFor(`"${text}" in task ${id}'s output`, async () => {
    const output = await taskOutput(id);
    return output.includes(text) ? output : undefined;
  });

beforeAll(async () => {
  for (const [name, value] of Object.entries(FAKE_SECRETS)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  // Short: the socket path must fit in sun_path.
  dir = mkdtempSync('/tmp/ccp-pq-');
  pueue = createPueueAdapter({ dir, pueueBinary: toolPath('pueue'), pueuedBinary: toolPath('pueued') });
  await pueue.ensureDaemon();
  await pueue.ensureGroup(GROUP, 0);
});

afterAll(async () => {
  await pueue?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('pueue adapter', () => {
  it('refuses a state dir whose socket path would not fit in a unix socket', () => {
    expect(() => createPueueAdapter({ dir: `/tmp/${'x'.repeat(120)}`, pueueBinary: 'pueue', pueuedBinary: 'pueued' }))
      .toThrow(/socket path .* bytes/);
  });

  it('ensureDaemon and ensureGroup are idempotent', async () => {
    await pueue.ensureDaemon();
    await pueue.ensureGroup(GROUP, 0);
    const raw = JSON.parse(await pueueCli('status', '--json')) as { groups: Record<string, { parallel_tasks: number }> };
    expect(raw.groups[GROUP].parallel_tasks).toBe(0);
  });

  it('mirrors a subissue that succeeds: stashed, running with its log, then Success', async () => {
    const label = 'subissue-301';
    const created = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Add the login form' });
    expect(created).toMatchObject({ label, group: GROUP, state: 'Stashed', path: dir });
    expect((await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Add the login form' })).id)
      .toBe(created.id);

    await pueue.mirrorLog(label, 'agent 1 picked it up');
    await pueue.mirrorStart(label);
    await pueue.mirrorStart(label);
    await waitForState(label, 'Running');
    await pueue.mirrorLog(label, 'tests pass\nsecond line');

    await pueue.mirrorFinish(label, 0, 'PR #12 opened');
    const done = await waitForState(label, 'Success');
    expect(done.exitCode).toBeUndefined();
    expect(await taskOutput(created.id)).toContain('[ccp] PR #12 opened');
    // A retried finish changes nothing.
    await pueue.mirrorFinish(label, 5, 'PR #12 opened');
    expect((await pueue.findByLabel(label))?.state).toBe('Success');
    // The event log (`ccp debug`) has ccp's lines, each once.
    const eventLog = eventLogOf(label);
    expect(eventLog).toContain('mirror of subissue-301: Add the login form');
    expect(eventLog).toContain('agent 1 picked it up');
    expect(eventLog).toContain('    second line');
    expect(eventLog.split('PR #12 opened').length).toBe(2);
  });

  it('mirrors a failure with its exit code', async () => {
    const label = 'subissue-302';
    const created = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Fix the parser' });
    await pueue.mirrorStart(label);
    await waitForState(label, 'Running');
    await pueue.mirrorFinish(label, 3, 'tests failed');
    const done = await waitForState(label, 'Failed');
    expect(done.exitCode).toBe(3);
    expect(await taskOutput(created.id)).toContain('tests failed');
  });

  it('a new run of finished work restarts its task; retries of the same run do not', async () => {
    const label = 'subissue-310';
    const first = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Try twice', run: 'run-a' });
    await pueue.mirrorStart(label);
    await pueue.mirrorFinish(label, 1, 'agent made no changes');
    await waitForState(label, 'Failed');
    // A retried activity of the same run finds the finished task as it is.
    expect((await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Try twice', run: 'run-a' })).state).toBe('Failed');
    // The user starts the work again: same task, back to stashed, then it follows the new run.
    const again = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Try twice', run: 'run-b' });
    expect(again).toMatchObject({ id: first.id, state: 'Stashed' });
    await pueue.mirrorStart(label);
    await waitForState(label, 'Running');
    await pueue.mirrorFinish(label, 0, 'PR #20 opened');
    await waitForState(label, 'Success');
    expect(eventLogOf(label)).toContain('new run of subissue-310');
  });

  it('finishing a mirror that never started still ends it with the result', async () => {
    const label = 'subissue-303';
    await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Never started' });
    await pueue.mirrorFinish(label, 2, 'worktree could not be created');
    expect((await waitForState(label, 'Failed')).exitCode).toBe(2);
    await expect(pueue.mirrorStart('no-such-label')).rejects.toThrow(/mirrorCreate it first/);
  });

  it('revives a mirror killed by a daemon crash', async () => {
    const label = 'subissue-304';
    await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Survives a crash' });
    await pueue.mirrorStart(label);
    await waitForState(label, 'Running');
    process.kill(Number(readFileSync(path.join(dir, 'pueue.pid'), 'utf8')), 'SIGKILL');
    await pueue.ensureDaemon();
    expect((await pueue.findByLabel(label))?.state).toBe('Killed');
    await pueue.mirrorFinish(label, 0, 'done after all');
    await waitForState(label, 'Success');
  });

  it('rebuilds a mirror pueued lost with its whole state, once, and carries on', async () => {
    const label = 'subissue-306';
    await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Survives a wipe' });
    await pueue.mirrorStart(label);
    await waitForState(label, 'Running');
    await pueue.shutdown();
    // What a user's `rm -rf` or a disk mishap leaves: a pueued with no tasks at all.
    rmSync(path.join(dir, 'task_logs'), { recursive: true, force: true });
    rmSync(path.join(dir, 'state.json'), { force: true });
    await pueue.ensureDaemon();
    await pueue.ensureGroup(GROUP, 0);
    expect(await pueue.findByLabel(label)).toBeUndefined();
    await pueue.mirrorStart(label); // the next mirror call of the work re-adds the task
    await waitForState(label, 'Running');
    await pueue.mirrorStart(label); // and a retry does not add it twice
    await pueue.mirrorFinish(label, 0, 'done after the wipe');
    await waitForState(label, 'Success');
    expect((await pueue.status()).filter((t) => t.label === label)).toHaveLength(1);
    expect(eventLogOf(label)).toContain('mirror rebuilt: pueued had lost the task of subissue-306');
    expect(await taskOutput((await pueue.findByLabel(label))!.id)).toContain('[ccp] done after the wipe');
  });

  it('keeps secrets out of pueue: scrubbed task env, clean state.json, redacted log lines', async () => {
    const label = 'subissue-305';
    const task = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Secrets' });
    expect(task.envs.PATH).toBe(process.env.PATH);
    await pueue.mirrorLog(label, `pushing with ${FAKE_SECRETS.GITHUB_TOKEN}`);
    await pueue.mirrorStart(label);
    await pueue.mirrorFinish(label, 0, `pushed with ${FAKE_SECRETS.GITHUB_TOKEN}`);
    await waitForState(label, 'Success');
    const output = await waitForOutput(task.id, 'pushed with ***');
    expect(eventLogOf(label)).toContain('pushing with ***');

    const state = readFileSync(path.join(dir, 'state.json'), 'utf8');
    expect(state).toContain(label); // the state file really holds the tasks
    for (const [name, value] of Object.entries(FAKE_SECRETS)) {
      expect(state).not.toContain(name);
      expect(state).not.toContain(value);
      expect(output).not.toContain(value);
      expect(eventLogOf(label)).not.toContain(value);
    }
    for (const listed of await pueue.status()) expect(Object.keys(listed.envs)).not.toContain('GITHUB_TOKEN');
  });
});
