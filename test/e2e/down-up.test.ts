// Graceful `ccp down` as a user meets it, mid-run on the real stack (ccp up/down/start through the CLI, the GitHub
// stand-in, the real Claude Code on the scripted model): by default the agents keep working in tmux and the next
// `ccp up` re-attaches; with --now they stop and their subissues resume later. In both, nothing fails.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGitHubAdapter } from '../../src/adapters/github.js';
import { demoEnvironment } from '../../src/cli/demo.js';
import { mergeOpenPullRequests } from '../../src/offline/reviewer.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import type { ParentStatus } from '../../src/shared/messages.js';
import { CCP_BIN } from '../../src/stack/stack.js';

let dir: string;
let offline: OfflineServices;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-down-');
  // Each model turn takes a while, so `ccp down` lands while agents are mid-session.
  offline = await startOfflineServices(dir, { paceMs: 2500 });
  env = { ...await demoEnvironment(offline, 2), CCP_TMUX_SOCKET: path.join(dir, 'tmux.sock'), CCP_TMUX_CONFIG: '/dev/null',
    CCP_TMUX_SESSION: 'claude-workers' };
});

afterAll(async () => {
  await ccp('down', '--now');
  await offline?.close();
  if (process.env.CCP_KEEP_TEST_DIRS) {
    // For a failed run: what the model was asked and answered, beside the stack's state and pane logs.
    writeFileSync(path.join(dir, 'model-transcript.json'), JSON.stringify({ requests: offline?.model.requests,
      bodies: offline?.model.bodies }, null, 1));
    process.stderr.write(`down-up: kept ${dir}\n`);
  } else {
    rmSync(dir, { recursive: true, force: true });
  }
});

const ccp = (...args: string[]) => execa(process.execPath, [CCP_BIN, ...args], { env, extendEnv: false, reject: false });
const tmux = (...args: string[]) => execa('tmux', ['-S', env.CCP_TMUX_SOCKET as string, ...args], { reject: false });
const statuses = async (): Promise<ParentStatus[]> => JSON.parse((await ccp('status', '--json')).stdout) as ParentStatus[];
const busyPanes = async (): Promise<string[]> =>
  (await tmux('list-panes', '-s', '-t', 'claude-workers', '-F', '#{@ccp_task}')).stdout.split('\n').filter(Boolean);

async function startIssue(title: string, command: 'start' | 'add' = 'start'): Promise<number> {
  const [owner, repo] = (env.CCP_REPO as string).split('/');
  const issue = offline.github.seedIssue(owner, repo, { title, body: `Two parts.\n\n- [ ] First part of ${title}\n- [ ] Second part of ${title}\n` });
  const started = await ccp(command, String(issue.number));
  expect(started.exitCode).toBe(0);
  return issue.number;
}

async function untilAgentsWork(): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if ((await busyPanes()).length > 0) return;
    await sleep(250);
  }
  throw new Error('no agent started');
}

/** Merges PRs as they open until the parent is closed (or failed). */
async function runToEnd(number: number): Promise<ParentStatus> {
  const github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
  const [owner, repo] = (env.CCP_REPO as string).split('/');
  for (let i = 0; i < 600; i++) {
    const all = await statuses();
    await mergeOpenPullRequests(github, { owner, repo }, all);
    const parent = all.find((p) => p.number === number);
    if (parent && (parent.phase === 'closed' || parent.phase === 'failed')) return parent;
    await sleep(500);
  }
  throw new Error(`#${number} did not finish`);
}

test('ccp down leaves running agents working in tmux; ccp up re-attaches; the run closes with nothing failed', async () => {
  expect((await ccp('up')).exitCode).toBe(0);
  const number = await startIssue('Survive a down');
  await untilAgentsWork();
  const down = await ccp('down');
  expect(down.exitCode).toBe(0);
  expect(down.stdout).toContain('worker');
  expect(down.stderr).toMatch(/keeps? working in tmux session claude-workers; `ccp up` re-attaches/);
  // The agents are still there, and still at work, while ccp is down.
  expect((await busyPanes()).length).toBeGreaterThan(0);
  await sleep(3000);
  expect((await ccp('up')).exitCode).toBe(0);
  const parent = await runToEnd(number);
  expect(parent.phase).toBe('closed');
  expect(parent.subissues.map((s) => s.phase)).toEqual(['merged', 'merged']);
  expect(offline.github.listPulls(...(env.CCP_REPO as string).split('/') as [string, string])
    .filter((p) => parent.subissues.some((s) => p.title?.includes(`#${s.number}`) || p.body?.includes(`Closes #${s.number}`))))
    .toHaveLength(2);
});

test('ccp down --now stops the agents; their subissues go back to the queue and finish after ccp up', async () => {
  // Added to the running system (no stack start).
  const number = await startIssue('Survive a hard down', 'add');
  await untilAgentsWork();
  const down = await ccp('down', '--now');
  expect(down.exitCode).toBe(0);
  expect(down.stdout).toContain('tmux session claude-workers');
  expect((await busyPanes())).toEqual([]);
  expect((await ccp('up')).exitCode).toBe(0);
  const parent = await runToEnd(number);
  // With the error in the message when it fails: a run that failed says why.
  expect({ phase: parent.phase, error: parent.error }).toEqual({ phase: 'closed', error: undefined });
  expect(parent.subissues.every((s) => s.phase === 'merged' && !s.error)).toBe(true);
});
