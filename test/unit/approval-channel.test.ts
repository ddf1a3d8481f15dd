// The approval channel and ccp's hook program: secret, answers, retries across a restart, deny when unreachable.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { askChannel, sessionSecret, startApprovalChannel, type ChannelDecide } from '../../src/agents/approval-channel.js';
import { hookOutput } from '../../src/agents/claude-code/hook.js';

const HOOK = fileURLToPath(new URL('../../src/agents/claude-code/hook.js', import.meta.url));
let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'ccp-channel-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = { event: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, cwd: '/w' };
const allowLs: ChannelDecide = async (r) => (r.tool_input.command === 'ls' ? { behavior: 'allow' }
  : { behavior: 'deny', message: 'not ls' });

/** Runs the compiled hook program with a hook event on stdin; resolves its parsed stdout and exit code. */
function runHook(socket: string, event: object, retryMs = 1_000): Promise<{ code: number; out: unknown }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [HOOK, socket, '--retry-ms', String(retryMs)], (err, stdout) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout ? JSON.parse(stdout) as unknown : undefined }));
    child.stdin?.end(JSON.stringify(event));
  });
}

test('the secret file and socket are private; a request with the wrong secret is denied', async () => {
  const socketPath = path.join(dir, 'run', 's.sock');
  const secret = await sessionSecret(path.join(dir, 'run', 's.secret'), true);
  const channel = await startApprovalChannel({ socketPath, secret, decide: allowLs });
  try {
    expect(statSync(path.join(dir, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'run', 's.secret')).mode & 0o777).toBe(0o600);
    expect(await askChannel(socketPath, secret, request, { retryForMs: 0 })).toEqual({ behavior: 'allow' });
    expect(await askChannel(socketPath, 'wrong', request, { retryForMs: 0 }))
      .toEqual({ behavior: 'deny', message: 'ccp: wrong session secret' });
    // A re-attaching attempt keeps the secret; a fresh one makes a new one.
    expect(await sessionSecret(path.join(dir, 'run', 's.secret'), false)).toBe(secret);
    expect(await sessionSecret(path.join(dir, 'run', 's.secret'), true)).not.toBe(secret);
  } finally {
    await channel.close();
  }
});

test('the hook answers in Claude Code\'s shapes for both events', async () => {
  const socketPath = path.join(dir, 'h.sock');
  const secret = await sessionSecret(path.join(dir, 'h.secret'), true);
  const channel = await startApprovalChannel({ socketPath, secret, decide: allowLs });
  try {
    expect((await runHook(socketPath, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } })).out)
      .toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow',
        permissionDecisionReason: 'allowed by ccp' } });
    expect((await runHook(socketPath, { hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command: 'rm' } })).out)
      .toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not ls' } } });
  } finally {
    await channel.close();
  }
});

test('unreachable: the hook re-sends until the channel is back, and denies (never allows) when it stays away', async () => {
  const socketPath = path.join(dir, 'r.sock');
  const secret = await sessionSecret(path.join(dir, 'r.secret'), true);
  const event = { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } };
  const gone = await runHook(socketPath, event, 500);
  expect(gone.code).toBe(0);
  expect(gone.out).toEqual(hookOutput('PreToolUse', { behavior: 'deny',
    message: expect.stringMatching(/^ccp is not reachable: .*ENOENT/) as unknown as string }));
  // A worker restart: the channel comes back at the same path within the retry window.
  const pending = runHook(socketPath, event, 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const channel = await startApprovalChannel({ socketPath, secret, decide: allowLs });
  try {
    expect((await pending).out).toMatchObject({ hookSpecificOutput: { permissionDecision: 'allow' } });
  } finally {
    await channel.close();
  }
});
