// What one Claude Code session is set up with before its pane starts: the scope the policy judges it in, the hook
// command that asks ccp, the sandbox settings and the environment they need.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '../../core/shell.js';
import type { PolicyContext } from '../policy-port.js';
import { physicalRealpath } from '../../policy/realpath.js';
import { gitExcludeEnv, gitPaths, prepareSandboxDirs, sandboxSettings, type SandboxInput } from './sandbox.js';
import type { SessionFiles } from './session-files.js';

export const DEFAULT_NEEDS_YOU_TIMEOUT_MS = 30 * 60_000;
// Room past the needs-you timeout for the deny to travel back before Claude Code kills the hook.
const HOOK_GRACE_SECONDS = 120;
const HOOK_SCRIPT = fileURLToPath(new URL('./hook.js', import.meta.url));

/** The policy's view of a session: its worktree, home, branch (`subissue/<n>` from the label) and ccp's dirs. */
export function policyContext(input: { label: string; worktree: string; home: string; stateDir?: string;
  worktreesDir?: string }): PolicyContext {
  const sub = /^subissue-(\d+)$/.exec(input.label);
  return { worktree: input.worktree, home: input.home, realpath: physicalRealpath,
    ...(sub ? { branch: `subissue/${sub[1]}` } : {}),
    ...(input.stateDir ? { stateDir: input.stateDir } : {}),
    ...(input.worktreesDir ? { worktreesDir: input.worktreesDir } : {}) };
}

export function decisionHook(files: SessionFiles, options: { hookScript?: string; needsYouTimeoutMs?: number;
  channelRetryMs?: number }): { command: string; timeoutSeconds: number } {
  const retry = options.channelRetryMs === undefined ? [] : ['--retry-ms', String(options.channelRetryMs)];
  const argv = [process.execPath, options.hookScript ?? HOOK_SCRIPT, files.socket, ...retry];
  return { command: argv.map(shellQuote).join(' '),
    timeoutSeconds: Math.ceil((options.needsYouTimeoutMs ?? DEFAULT_NEEDS_YOU_TIMEOUT_MS) / 1000) + HOOK_GRACE_SECONDS };
}

/** Sandbox settings and the env they need (git told to ignore the sandbox's mount points). */
export async function sandboxFor(input: Omit<SandboxInput, 'worktree'> & { worktree: string;
  env: Record<string, string | undefined> }): Promise<{ settings: Record<string, unknown>; env: Record<string, string> }> {
  const worktree = physicalRealpath(input.worktree);
  const git = await gitPaths(worktree);
  await prepareSandboxDirs(input.home, git);
  const env = git ? await gitExcludeEnv(git, input.home, input.env) : {};
  return { settings: sandboxSettings({ ...input, worktree }, git), env };
}

/** Project settings or an .mcp.json that would run commands once the folder is trusted: never pre-trusted. */
export function configuresCommands(worktree: string): boolean {
  if (existsSync(path.join(worktree, '.mcp.json'))) return true;
  return ['settings.json', 'settings.local.json'].some((name) => {
    const file = path.join(worktree, '.claude', name);
    if (!existsSync(file)) return false;
    try {
      const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      return ['hooks', 'mcpServers', 'enabledMcpjsonServers', 'apiKeyHelper', 'statusLine', 'awsAuthRefresh',
        'awsCredentialExport', 'otelHeadersHelper'].some((key) => key in settings);
    } catch {
      // Unreadable settings: better a person looks at the dialog.
      return true;
    }
  });
}
