// The agent in pueue: a mirror task's output is its agent's pane as text — live in `pueue follow`, kept in
// `pueue log` — and it exits with the subissue's result. Real pueued, a real tmux pane on an isolated socket
// logging to the file the task follows (as ccp's agent sessions do).
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { createTmuxAdapter, type TmuxAdapter } from '../../src/adapters/tmux.js';
import { toolPath } from '../../src/config/tools.js';
import { scrubEnv } from '../../src/core/env-scrub.js';
import { parentStatus, startPueueBed, subStatus, waitFor, type PueueBed } from '../helpers/pueue-bed.js';
import { removeTestDir } from '../helpers/test-dir.js';

const SESSION = 'ccp-agent-in-pueue';
let dir: string;
let bed: PueueBed;
let tmux: TmuxAdapter;

const paneLogOf = (label: string): string => path.join(dir, `${label}.pane.log`);
const reconcile = (...subs: Parameters<typeof subStatus>) => bed.reconcile([parentStatus(40, [subStatus(...subs)])]);

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
  bed = await startPueueBed({ paneLogTemplate: paneLogOf('{label}') });
  tmux = createTmuxAdapter({ socketPath: path.join(dir, 'tmux.sock'), configFile: '/dev/null' });
  await tmux.ensureSession({ session: SESSION, workers: 1, cwd: dir, dashboardCommand: 'exec cat', idleCommand: () => 'exec cat' });
});

afterAll(async () => {
  await execa('tmux', ['-S', path.join(dir, 'tmux.sock'), 'kill-server'], { reject: false });
  await bed?.stop();
  if (dir) await removeTestDir(dir);
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
  await reconcile(41, 'agent');
  const task = await bed.waitForState(label, 'Running');

  // `pueue follow` prints what the agent prints while it prints it.
  const follow = execa(toolPath('pueue'), ['-c', bed.pueue.configPath, 'follow', String(task.id)], { env: scrubEnv(process.env), extendEnv: false, reject: false });
  let followed = '';
  follow.stdout?.on('data', (chunk: Buffer) => { followed += chunk.toString(); });
  await waitFor('the agent in pueue follow', async () => (followed.includes('Tests pass') ? true : undefined));
  expect(followed).toContain('● Reading the parser');
  writeFileSync(go, '');
  await waitFor('the agent\'s next line in pueue follow', async () => (followed.includes('● Wrote src/parser.ts') ? true : undefined));
  follow.kill();
  await follow;

  await reconcile(41, 'pr-open', { pr: { number: 7, url: 'http://github.test/pr/7', merged: false } });
  await bed.waitForState(label, 'Success');
  expect(await bed.output(task.id)).toBe('● Reading the parser\nTests pass\n● Wrote src/parser.ts\n[ccp] PR #7 open: http://github.test/pr/7\n');
}, 60_000);

test('a failed subissue ends its task Failed(1), after all its agent printed', async () => {
  const label = 'subissue-42';
  await agentInPane(label, `printf 'I cannot do this\\r\\n'; exec cat`);
  await reconcile(42, 'agent');
  const task = await bed.waitForState(label, 'Running');
  await waitFor('the pane log', async () => ((await execa('cat', [paneLogOf(label)], { reject: false })).stdout.includes('cannot') ? true : undefined));
  await reconcile(42, 'failed', { error: 'the agent made no changes' });
  expect((await bed.waitForState(label, 'Failed')).exitCode).toBe(1);
  expect(await bed.output(task.id)).toBe('I cannot do this\n[ccp] the agent made no changes\n');
}, 60_000);
