// The agent in pueue: a mirror task's output is its agent's pane as text — live in `pueue follow`, kept in
// `pueue log` — and it exits with the subissue's result. Real pueued, a real tmux pane on an isolated socket
// logging to the file the task follows (as ccp's agent sessions do).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { createPueueAdapter, type PueueAdapter, type PueueTaskState } from '../../src/adapters/pueue.js';
import { createTmuxAdapter, type TmuxAdapter } from '../../src/adapters/tmux.js';
import { toolPath } from '../../src/config/tools.js';
import { scrubEnv } from '../../src/core/env-scrub.js';

const GROUP = 'ccp';
const SESSION = 'ccp-agent-in-pueue';
let dir: string;
let pueue: PueueAdapter;
let tmux: TmuxAdapter;

const paneLogOf = (label: string): string => path.join(dir, `${label}.pane.log`);
const pueueArgs = (...args: string[]): string[] => ['-c', pueue.configPath, ...args];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const taskIn = (label: string, state: PueueTaskState) => waitFor(`${label} ${state}`, async () => {
  const task = await pueue.findByLabel(label);
  return task?.state === state ? task : undefined;
});

async function pueueLog(id: number): Promise<string> {
  const { stdout } = await execa(toolPath('pueue'), pueueArgs('log', '--json', '--full', String(id)), { env: scrubEnv(process.env), extendEnv: false });
  return (JSON.parse(stdout) as Record<string, { output: string }>)[String(id)].output;
}

/** Runs `script` in a worker pane whose output is piped to the label's pane log, as an agent session runs. */
async function agentInPane(label: string, script: string): Promise<void> {
  const scriptFile = path.join(dir, `${label}.agent.sh`);
  writeFileSync(scriptFile, script);
  const [pane] = (await tmux.listPanes(SESSION)).filter((p) => p.role === 'worker');
  await tmux.pipePaneTo(pane.id, paneLogOf(label));
  await tmux.respawnPane(pane.id, `bash ${scriptFile}`, dir);
}

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-pa-');
  pueue = createPueueAdapter({ dir, pueueBinary: toolPath('pueue'), pueuedBinary: toolPath('pueued'), paneLog: paneLogOf });
  await pueue.ensureDaemon();
  await pueue.ensureGroup(GROUP, 0);
  tmux = createTmuxAdapter({ socketPath: path.join(dir, 'tmux.sock'), configFile: '/dev/null' });
  await tmux.ensureSession({ session: SESSION, workers: 1, cwd: dir, dashboardCommand: 'exec cat', idleCommand: () => 'exec cat' });
});

afterAll(async () => {
  await execa('tmux', ['-S', path.join(dir, 'tmux.sock'), 'kill-server'], { reject: false });
  await pueue?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('pueue follow shows the agent live, pueue log keeps its pane as text, the task exits with the result', async () => {
  const label = 'subissue-41';
  const go = path.join(dir, 'go');
  await agentInPane(label, [
    `printf '\\033[1;32m● Reading the parser\\033[0m\\r\\n'`,
    `printf 'Working 10%%\\rWorking 80%%\\rTests pass \\r\\n'`,
    `while [ ! -e ${go} ]; do sleep 0.1; done`,
    `printf '\\033[2K\\033[1G● Wrote src/parser.ts\\r\\n'`,
    'exec cat',
  ].join('\n'));
  const task = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Fix the parser' });
  await pueue.mirrorStart(label);
  await taskIn(label, 'Running');

  // `pueue follow` prints what the agent prints while it prints it.
  const follow = execa(toolPath('pueue'), pueueArgs('follow', String(task.id)), { env: scrubEnv(process.env), extendEnv: false, reject: false });
  let followed = '';
  follow.stdout?.on('data', (chunk: Buffer) => { followed += chunk.toString(); });
  await waitFor('the agent in pueue follow', async () => (followed.includes('Tests pass') ? true : undefined));
  expect(followed).toContain('● Reading the parser');
  writeFileSync(go, '');
  await waitFor('the agent\'s next line in pueue follow', async () => (followed.includes('● Wrote src/parser.ts') ? true : undefined));
  follow.kill();
  await follow;

  await pueue.mirrorFinish(label, 0, 'PR #7 opened: http://github.test/pr/7');
  await taskIn(label, 'Success');
  const log = await pueueLog(task.id);
  expect(log).toBe('● Reading the parser\nTests pass\n● Wrote src/parser.ts\n[ccp] PR #7 opened: http://github.test/pr/7\n');
}, 60_000);

test('a failed subissue ends its task Failed with the code, after all its agent printed', async () => {
  const label = 'subissue-42';
  await agentInPane(label, `printf 'I cannot do this\\r\\n'; exec cat`);
  const task = await pueue.mirrorCreate({ label, group: GROUP, cwd: dir, title: 'Impossible' });
  await pueue.mirrorStart(label);
  await waitFor('the pane log', async () => ((await execa('cat', [paneLogOf(label)], { reject: false })).stdout.includes('cannot') ? true : undefined));
  await pueue.mirrorFinish(label, 3, 'the agent made no changes');
  expect((await taskIn(label, 'Failed')).exitCode).toBe(3);
  expect(await pueueLog(task.id)).toBe('I cannot do this\n[ccp] the agent made no changes\n');
}, 60_000);
