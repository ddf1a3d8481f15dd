// Claude Code's OS sandbox as the second wall, on the real Claude Code: where the policy allows a command, the sandbox
// still confines it to the worktree; inside a real git worktree, writes and `git commit` work sandboxed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { loadSessionPolicy, policyReady } from '../../src/agents/policy-port.js';
import { probeSandbox } from '../../src/agents/claude-code/sandbox.js';
import { createGitAdapter } from '../../src/adapters/git.js';
import { withOrigin } from '../helpers/git-fixtures.js';
import { commits, sessionRequest, startAgentBed, subissue, toolResult, type AgentBed } from '../helpers/agent-bed.js';

let bed: AgentBed;
// Outside the worktree and outside the temp dirs the sandbox lets agents write.
let outside: string;

beforeAll(async () => {
  bed = await startAgentBed();
  await policyReady();
  outside = mkdtempSync(path.join(homedir(), 'ccp-sandbox-outside-'));
});

afterAll(async () => {
  await bed?.close();
  if (outside) rmSync(outside, { recursive: true, force: true });
});

const script = (...commands: string[]): string => commands.map((c) => `ccp-script: run: ${c}`).join('\n');

test('the sandbox is available here (bubblewrap, socat, ripgrep, user namespaces)', async () => {
  expect(await probeSandbox()).toEqual({ available: true });
});

test('a Bash write outside the worktree fails even though the policy allows it; the session secret is unreadable', async () => {
  const repo = await bed.makeRepo('repo-escape');
  const label = 'subissue-71';
  const target = path.join(outside, 'escaped.txt');
  const secret = path.join(bed.dir, 'run', `${label}.secret`);
  const touch = `touch ${target}`;
  const peek = `cat ${secret}`;
  const policyFile = path.join(bed.dir, 'escape-policy.json');
  writeFileSync(policyFile, JSON.stringify({ allow: [`Bash(${touch})`, `Bash(${peek})`] }));
  const policy = loadSessionPolicy(policyFile);
  for (const command of [touch, peek]) {
    expect(policy.evaluate({ tool: 'Bash', input: { command } }, { worktree: repo, home: bed.dir }).decision).toBe('allow');
  }
  const result = await bed.agent({ policyFile }).runSession(sessionRequest(label, repo,
    subissue(71, 'Escape', `Try to get out.\n${script(touch, peek)}`)));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  expect(result.approvals.slice(0, 2).map((a) => `${a.subject}:${a.decision}`)).toEqual([`${touch}:allow`, `${peek}:allow`]);
  expect(existsSync(target)).toBe(false);
  expect(JSON.stringify(toolResult(bed.model, 71, 0)?.content)).toContain('Read-only file system');
  // The secret exists, but not inside the sandbox.
  expect(readFileSync(secret, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  expect(JSON.stringify(toolResult(bed.model, 71, 1)?.content)).toContain('No such file or directory');
  expect(await commits(repo)).toEqual(['Implement #71: Escape', 'initial']);
  const settings = JSON.parse(readFileSync(path.join(bed.dir, 'run', `${label}.settings.json`), 'utf8')) as
    { sandbox: Record<string, unknown> };
  expect(settings.sandbox).toMatchObject({ enabled: true, failIfUnavailable: true, allowUnsandboxedCommands: false });
});

test('in a subissue workspace (its own clone), a Bash write and `git commit` work inside the sandbox; its git config and hooks stay read-only even where the policy allows writing them', async () => {
  const main = await withOrigin(await bed.makeRepo('main-clone'));
  const { path: workspace } = await createGitAdapter().createWorkspace({ repoPath: main,
    workspacePath: path.join(bed.dir, 'worktrees', 'subissue-72'), branch: 'subissue/72', startPoint: 'origin/main' });
  const poison = 'git config core.fsmonitor "touch /tmp/ccp-fsmonitor-ran"';
  const hook = 'cp inside.txt .git/hooks/pre-commit';
  const policyFile = path.join(bed.dir, 'git-policy.json');
  writeFileSync(policyFile, JSON.stringify({ allow: [`Bash(${poison})`, `Bash(${hook})`] }));
  const result = await bed.agent({ policyFile }).runSession(sessionRequest('subissue-72', workspace,
    subissue(72, 'Commit sandboxed', `Write and commit.\n${script('echo sandboxed > inside.txt',
      'git status --short --untracked-files=all', poison, hook)}`)));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  // git inside the sandbox sees only the agent's file, not the sandbox's mount points (.bashrc, .claude/…).
  expect(toolResult(bed.model, 72, 1)).toMatchObject({ content: '?? inside.txt' });
  expect(toolResult(bed.model, 72, 2)?.is_error).toBe(true);
  expect(toolResult(bed.model, 72, 3)?.is_error).toBe(true);
  expect((await execa('git', ['-C', workspace, 'config', '--get', 'core.fsmonitor'], { reject: false })).stdout).toBe('');
  expect(existsSync(path.join(workspace, '.git', 'hooks', 'pre-commit'))).toBe(false);
  expect(await commits(workspace)).toEqual(['Implement #72: Commit sandboxed', 'initial']);
  const files = (await execa('git', ['-C', workspace, 'show', '--name-only', '--format=', 'subissue/72'])).stdout.split('\n');
  expect(files.sort()).toEqual(['inside.txt', 'notes/subissue-72.md']);
  expect((await execa('git', ['-C', workspace, 'status', '--short'])).stdout).toBe('');
});
