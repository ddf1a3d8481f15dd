// ccp gc on real git workspaces (clones of a local clone with a bare origin) and a real Temporal dev server with a
// running subissue workflow: pushed finished work goes, unsaved or running work stays, --force drops unsaved work.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGitAdapter } from '../../src/adapters/git.js';
import { collectGarbage } from '../../src/client/gc.js';
import type { SubissueWorkflowInput } from '../../src/workflows/subissue.js';
import { subissue } from '../helpers/agent-bed.js';
import { withOrigin } from '../helpers/git-fixtures.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-gc';
let stub: StubWorkflowEnv;
let release: () => void = () => undefined;
const held = new Promise<void>((resolve) => { release = resolve; });

beforeAll(async () => {
  // A subissue whose worktree step never ends: its workflow stays running.
  stub = await startStubWorkflowEnv(QUEUE, { prepareWorktree: async () => { await held; return { path: '/tmp/x' }; } });
});

afterAll(async () => {
  release();
  await stub?.close();
});

test('removes finished pushed workspaces and crash leftovers; keeps running and unsaved work unless --force', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ccp-gc-'));
  const repo = path.join(dir, 'repo');
  await execa('git', ['init', '-q', '-b', 'main', repo]);
  await execa('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '--allow-empty', '-m', 'initial']);
  await withOrigin(repo);
  const git = createGitAdapter();
  const worktrees = path.join(dir, 'worktrees');
  const make = async (n: number) => (await git.createWorkspace({ repoPath: repo, workspacePath: path.join(worktrees, `subissue-${n}`),
    branch: `subissue/${n}`, startPoint: 'origin/main' })).path;
  const commit = (ws: string, file: string) => execa('sh', ['-c',
    `echo x > ${file} && git add ${file} && git -c user.name=t -c user.email=t@e commit -q -m ${file}`], { cwd: ws });
  const pushed = await make(1);
  await commit(pushed, 'a.txt');
  await git.push(pushed, 'subissue/1');
  const unpushed = await make(2);
  await commit(unpushed, 'b.txt');
  const dirty = await make(3);
  writeFileSync(path.join(dirty, 'c.txt'), 'not committed');
  const running = await make(4);
  await commit(running, 'd.txt');
  const halfMade = path.join(worktrees, 'subissue-5.tmp-999999');
  mkdirSync(halfMade, { recursive: true });
  const foreign = path.join(worktrees, 'notes');
  mkdirSync(foreign);

  const input: SubissueWorkflowInput = {
    repo: { owner: 'acme', repo: 'widgets' }, parent: { number: 1, workflowId: 'no-parent' }, sub: subissue(4, 'Work'),
    baseBranch: 'main', settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: 'main' },
  };
  await stub.env.client.workflow.start('subissueWorkflow', { taskQueue: QUEUE, workflowId: `ccp-acme/widgets#1.sub-4`, args: [input] });
  const gc = (flags: { force?: boolean; dryRun?: boolean } = {}) =>
    collectGarbage({ client: stub.env.client, git, repoPath: repo, worktreesDir: worktrees, minAgeMs: 0, ...flags });

  // By default what was made in the last minutes stays: a subissue starting now may own it.
  const young = await collectGarbage({ client: stub.env.client, git, repoPath: repo, worktreesDir: worktrees });
  expect(young.removed).toEqual([]);
  const dry = await gc({ dryRun: true });
  expect(dry.removed.sort()).toEqual([pushed, halfMade].sort());
  expect(existsSync(pushed)).toBe(true);

  const first = await gc();
  expect(first.removed.sort()).toEqual([pushed, halfMade].sort());
  expect(first.freedBytes).toBeGreaterThan(0);
  expect(first.decisions.filter((d) => !d.remove).map((d) => `${path.basename(d.path)}: ${d.reason}`).sort()).toEqual([
    'subissue-2: holds 1 unpushed commit (ccp gc --force removes it)',
    'subissue-3: holds 1 uncommitted change (ccp gc --force removes it)',
    'subissue-4: subissue #4 is still running',
  ]);
  expect([pushed, halfMade].map(existsSync)).toEqual([false, false]);
  expect(existsSync(foreign)).toBe(true); // not ccp's

  const forced = await gc({ force: true });
  expect(forced.removed.sort()).toEqual([unpushed, dirty].sort());
  expect(existsSync(running)).toBe(true);
});
