// `ccp start` checks what it was given before anything starts, as a user meets it: each bad input gets a clear
// error naming it, the exit code says what happened (2 usage, 4 authentication), and nothing is created.
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createGitHubAdapter } from '../../src/adapters/github.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import { CCP_BIN } from '../../src/stack/stack.js';
import { renderSubissueBody, subissueMarker } from '../../src/core/templates.js';

let dir: string;
let offline: OfflineServices;
let open: number;
let closed: number;
let subissue: number;
let pull: number;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-preflight-');
  offline = await startOfflineServices(dir);
  const [owner, repo] = offline.env.CCP_REPO.split('/');
  const github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
  const ref = { owner, repo };
  open = offline.github.seedIssue(owner, repo, { title: 'Open work', body: '- [ ] a\n- [ ] b' }).number;
  closed = offline.github.seedIssue(owner, repo, { title: 'Done already', body: '' }).number;
  await github.closeIssue(ref, closed, 'completed');
  const parent = { number: open, id: 1, title: 'Open work', body: '', state: 'open' as const, url: '' };
  const planned = { key: 's1', title: 'A part', estimatedHours: 1, priority: 'normal' as const, description: 'd',
    acceptanceCriteria: ['ok'], technicalContext: '', dependsOn: [] };
  subissue = offline.github.seedIssue(owner, repo, { title: '[#1] A part', body: renderSubissueBody(parent, planned, []) }).number;
  expect(renderSubissueBody(parent, planned, [])).toContain(subissueMarker(open, 's1'));
  const git = (...args: string[]) => execa('git', ['-C', offline.repo.clonePath, ...args]);
  await git('switch', '-q', '-c', 'feature-x');
  await git('commit', '-q', '--allow-empty', '-m', 'feature');
  await git('push', '-q', 'origin', 'feature-x');
  pull = (await github.createPullRequest(ref, { title: 'A PR', body: '', head: 'feature-x', base: offline.repo.defaultBranch })).number;
});

afterAll(async () => {
  await offline?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ccp(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [CCP_BIN, ...args], {
    env: { ...process.env, ...offline.env, CCP_HOME: path.join(dir, 'ccp-home'), CCP_TEMPORAL_PORT: '1', ...env },
    extendEnv: false, reject: false, cwd: dir,
  });
}

test.each([
  ['no such issue', () => ['start', '9999'], {}, 2, /not started: #9999 does not exist in ccp-demo\/scratch/],
  ['a pull request', () => ['start', String(pull)], {}, 2, /is a pull request, not an issue: pass an issue number/],
  ['a closed issue', () => ['start', String(closed)], {}, 2, /is closed: reopen it to have ccp work on it/],
  ['a ccp subissue', () => ['start', String(subissue)], {}, 2, /is a subissue ccp created .*: start its parent instead/],
  ['a repository that does not exist', () => ['start', String(open), '--repo', 'nobody/nothing'], {}, 2,
    /repository nobody\/nothing was not found, or the token cannot see it/],
  ['a wrong token', () => ['start', String(open)], { GITHUB_TOKEN: 'ghp_wrong' }, 4, /GitHub answered 401/],
  ['an empty item', () => ['start', '1,,2'], {}, 2, /"1,,2" has an empty item/],
])('%s: a clear error, exit %#, nothing started', async (_what, args, env, exitCode, message) => {
  const before = offline.github.listIssues(...(offline.env.CCP_REPO.split('/') as [string, string])).length;
  const run = await ccp(args(), env);
  expect(run.stderr).toMatch(message);
  expect(run.exitCode).toBe(exitCode);
  expect(run.stdout).not.toMatch(/started #/);
  expect(run.stderr).not.toContain(offline.githubToken);
  expect(offline.github.listIssues(...(offline.env.CCP_REPO.split('/') as [string, string]))).toHaveLength(before);
  // The stack was not brought up for it.
  expect(existsSync(path.join(dir, 'ccp-home', 'temporal.db'))).toBe(false);
});

test('ccp add checks the same way, and says so when nothing runs to add to', async () => {
  const idle = await ccp(['add', String(open)]);
  expect(idle.exitCode).toBe(2);
  expect(idle.stderr).toContain('ccp is not running here: `ccp start` brings it up and starts the issues');
  const missing = await ccp(['add', '9999'], { CCP_TEMPORAL_ADDRESS: '127.0.0.1:9' });
  expect(missing.exitCode).toBe(2);
  expect(missing.stderr).toMatch(/not started: #9999 does not exist/);
});

test('--json turns a failure into one JSON object on stderr with the exit code', async () => {
  const run = await ccp(['status', '--json'], { CCP_TEMPORAL_ADDRESS: '127.0.0.1:9' });
  expect(run.exitCode).toBe(1);
  const error = JSON.parse(run.stderr.trim().split('\n').pop() as string) as { error: { message: string; exitCode: number } };
  expect(error.error).toMatchObject({ exitCode: 1, message: expect.stringContaining('cannot reach Temporal at 127.0.0.1:9') });
});

test('ccp --version prints the package version', async () => {
  const run = await ccp(['--version']);
  expect(run.exitCode).toBe(0);
  expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});
