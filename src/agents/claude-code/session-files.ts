// Files one Claude Code session needs in the run directory — a 0600 env file, the prompt, hook settings and a
// wrapper script — plus seeding of the agent's `~/.claude.json`. Secrets live only in the env file: the pane runs
// `sh <wrapper>`, so nothing secret is on a command line, in tmux, or in the pane log.
import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { withClaudeConfigLock } from './config-lock.js';
import type { EventPosition } from './session-events.js';
import { shellQuote } from '../../core/shell.js';

/** Environment every agent session gets: no alternate screen (classic, capturable layout), no network extras. */
export const AGENT_BASE_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_ALTERNATE_SCREEN: '1',
  CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  // Unattended: transient 429/529s are retried with backoff instead of ending the turn (usage limits: limits.ts).
  CLAUDE_CODE_RETRY_WATCHDOG: '1',
};

/** Hook events whose stdin JSON is appended to the session's events file. */
export const RECORDED_HOOK_EVENTS = ['Stop', 'StopFailure', 'SessionEnd', 'PermissionRequest', 'PreToolUse',
  'Notification'] as const;
/** Events whose hook answers through ccp's approval channel: PreToolUse sees every tool use (also reads that never
 * prompt), PermissionRequest whatever still would prompt. */
export const DECIDING_HOOK_EVENTS = ['PreToolUse', 'PermissionRequest'] as const;

export interface SessionFiles {
  wrapper: string;
  envFile: string;
  promptFile: string;
  settings: string;
  events: string;
  exit: string;
  /** The wrapper's pid, which is the pane's pid: tells a re-attaching watcher the pane still runs this session. */
  pid: string;
  /** The agent's own pid (the wrapper's child): interrupted to end the session once its turn is over. */
  agentPid: string;
  paneLog: string;
  /** The approval channel's unix socket and the 0600 file with its secret (the hook finds it beside the socket). */
  socket: string;
  secret: string;
}

export function sessionFiles(runDir: string, label: string): SessionFiles {
  const file = (suffix: string): string => path.join(runDir, `${label}.${suffix}`);
  return {
    wrapper: file('sh'), envFile: file('env'), promptFile: file('prompt.txt'), settings: file('settings.json'),
    events: file('events.jsonl'), exit: file('exit'), pid: file('pid'), agentPid: file('agent-pid'),
    paneLog: file('pane.log'), socket: file('sock'), secret: file('secret'),
  };
}

export interface WriteSessionInput {
  files: SessionFiles;
  worktree: string;
  prompt: string;
  /** Agent argv before the prompt: binary, extra args, permission mode and settings flags. */
  argv: string[];
  env: Record<string, string>;
  /** The hook that decides tool uses through the approval channel; none: the pane watcher answers dialogs. */
  decisionHook?: { command: string; timeoutSeconds: number };
  /** Claude Code `sandbox` settings; none: unconfined. */
  sandbox?: Record<string, unknown>;
}

/** Writes all files of one session; clears the events, exit and pid files of an earlier attempt with the label. */
export async function writeSessionFiles(input: WriteSessionInput): Promise<void> {
  const { files } = input;
  await mkdir(path.dirname(files.wrapper), { recursive: true, mode: 0o700 });
  await rm(files.exit, { force: true });
  await rm(files.pid, { force: true });
  await rm(files.agentPid, { force: true });
  await writeFile(files.events, '', { mode: 0o600 });
  const envLines = Object.entries(input.env).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name "${name}"`);
    return `export ${name}=${shellQuote(value)}`;
  });
  // writeFile's mode applies only when it creates the file: chmod covers a file left by an earlier attempt.
  await writeFile(files.envFile, `${envLines.join('\n')}\n`, { mode: 0o600 });
  await chmod(files.envFile, 0o600);
  await writeFile(files.promptFile, input.prompt, { mode: 0o600 });
  await writeFile(files.settings, `${JSON.stringify(sessionSettings(input), null, 2)}\n`, { mode: 0o600 });
  await chmod(files.settings, 0o600);
  await writeFile(files.wrapper, wrapperScript(input), { mode: 0o700 });
}

/** The session's `--settings`: hooks that record events (and decide, when ccp's hook is on), and the sandbox. */
export function sessionSettings(input: Pick<WriteSessionInput, 'files' | 'decisionHook' | 'sandbox'>)
  : Record<string, unknown> {
  // One write per event, so a line is never interleaved with another hook's output.
  const record = { type: 'command', command: `line=$(cat); printf '%s\\n' "$line" >> ${shellQuote(input.files.events)}` };
  const decide = input.decisionHook && { type: 'command', command: input.decisionHook.command,
    timeout: input.decisionHook.timeoutSeconds, onFailure: 'block' };
  const hooks = Object.fromEntries(RECORDED_HOOK_EVENTS.map((event) => {
    const deciding = decide && (DECIDING_HOOK_EVENTS as readonly string[]).includes(event);
    return [event, [{ matcher: '*', hooks: deciding ? [record, decide] : [record] }]];
  }));
  return { hooks, ...(input.sandbox ? { sandbox: input.sandbox } : {}) };
}

function wrapperScript({ files, worktree, argv }: WriteSessionInput): string {
  const exitTmp = `${files.exit}.tmp`;
  return [
    '#!/bin/sh',
    '# ccp agent wrapper: environment from a 0600 file, prompt from a file, exit code recorded for the watcher.',
    // Run with exec from the pane, so $$ is the pane's pid.
    `echo $$ > ${shellQuote(files.pid)}`,
    // The secrets file lives only until the agent has its environment: nothing secret stays on disk after start.
    `set -a; . ${shellQuote(files.envFile)}; set +a; rm -f ${shellQuote(files.envFile)}`,
    // Started from a Claude Code session (or tmux inside tmux), these would change the agent's behaviour.
    'unset CLAUDECODE CLAUDE_CODE_ENTRYPOINT TMUX TMUX_PANE',
    `cd ${shellQuote(worktree)} || { echo 1 > ${shellQuote(exitTmp)}; mv ${shellQuote(exitTmp)} ${shellQuote(files.exit)}; exit 1; }`,
    // A child shell records its pid and becomes the agent (exec): the agent's pid, for ending it without keys.
    `sh -c 'echo $$ > "$0"; exec "$@"' ${shellQuote(files.agentPid)} ${argv.map(shellQuote).join(' ')} "$(cat ${shellQuote(files.promptFile)})"`,
    'code=$?',
    `echo "$code" > ${shellQuote(exitTmp)} && mv ${shellQuote(exitTmp)} ${shellQuote(files.exit)}`,
    `printf '\\n[ccp] agent exited with code %s\\n' "$code"`,
    'exit "$code"',
    '',
  ].join('\n');
}

/** The exit code the wrapper recorded, or undefined while the agent runs. */
export async function readExitCode(exitFile: string): Promise<number | undefined> {
  try {
    const text = (await readFile(exitFile, 'utf8')).trim();
    return text === '' ? undefined : Number(text);
  } catch {
    return undefined;
  }
}

export interface HookEvent {
  hook_event_name: string;
  [key: string]: unknown;
}

/** Hook events appended since `offset` (bytes); returns the events and the new offset (complete lines only). */
export async function readHookEvents(eventsFile: string, offset: number): Promise<{ events: HookEvent[]; offset: number }> {
  const buffer = await readFile(eventsFile).catch(() => Buffer.alloc(0));
  const end = buffer.lastIndexOf(0x0a) + 1;
  if (end <= offset) return { events: [], offset };
  return { events: parseEventLines(buffer, offset, end).map((e) => e.event), offset: end };
}

/** Every complete event of the file with its line's byte offsets. */
export async function readHookEventPositions(eventsFile: string): Promise<EventPosition[]> {
  const buffer = await readFile(eventsFile).catch(() => Buffer.alloc(0));
  return parseEventLines(buffer, 0, buffer.lastIndexOf(0x0a) + 1)
    .map(({ event, start, end }) => ({ name: event.hook_event_name, start, end }));
}

function parseEventLines(buffer: Buffer, from: number, to: number): Array<{ event: HookEvent; start: number; end: number }> {
  const out: Array<{ event: HookEvent; start: number; end: number }> = [];
  for (let start = from; start < to;) {
    const end = buffer.indexOf(0x0a, start) + 1;
    if (end === 0) break;
    const line = buffer.subarray(start, end).toString('utf8');
    try {
      if (line.trim() !== '') out.push({ event: JSON.parse(line) as HookEvent, start, end });
    } catch {
      // a foreign line: ignore it rather than stop the watcher
    }
    start = end;
  }
  return out;
}

// Claude Code rewrites ~/.claude.json too; ccp's own updates are at least serialized within this process.
/** Per ~/.claude.json: the update running, and the one that gathers the seeds asked for meanwhile. */
const homeUpdates = new Map<string, { running?: Promise<void>; next?: { inputs: SeedHomeInput[]; done: Promise<void> } }>();

export interface SeedHomeInput {
  home: string;
  /** Worktrees whose trust dialog is pre-accepted. */
  trustedWorktrees?: string[];
  /** An API key whose "use this key?" dialog is pre-answered (Claude Code stores its last 20 characters). */
  approvedApiKey?: string;
}

/** Marks onboarding done (an offline first run would exit 1) and pre-answers dialogs; keeps every other key. Under
 * Claude Code's own lock; seeds asked for while one is written go into the next write together: eight sessions
 * starting at once cost two writes, not eight in a row. */
export async function seedClaudeHome(input: SeedHomeInput): Promise<void> {
  const file = path.join(input.home, '.claude.json');
  const updates = homeUpdates.get(file) ?? {};
  homeUpdates.set(file, updates);
  if (updates.next) {
    updates.next.inputs.push(input);
    return updates.next.done;
  }
  const inputs = [input];
  const done = (updates.running ?? Promise.resolve()).catch(() => undefined).then(() => {
    // From here on, seeds asked for wait for this write and go into the one after it.
    updates.next = undefined;
    updates.running = withClaudeConfigLock(file, () => updateClaudeJson(file, mergeSeeds(inputs)));
    return updates.running;
  });
  updates.next = { inputs, done };
  return done;
}

/** One seed for many: every worktree trusted, the last API key approved. */
function mergeSeeds(inputs: SeedHomeInput[]): SeedHomeInput {
  const approvedApiKey = inputs.map((i) => i.approvedApiKey).filter(Boolean).pop();
  return { home: inputs[0].home, trustedWorktrees: [...new Set(inputs.flatMap((i) => i.trustedWorktrees ?? []))],
    ...(approvedApiKey ? { approvedApiKey } : {}) };
}

async function updateClaudeJson(file: string, input: SeedHomeInput): Promise<void> {
  await mkdir(input.home, { recursive: true });
  let config: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch {
      throw new Error(`${file} is not valid JSON; fix or remove it`);
    }
  }
  config.hasCompletedOnboarding = true;
  const projects = (config.projects ?? {}) as Record<string, Record<string, unknown>>;
  for (const worktree of input.trustedWorktrees ?? []) {
    // Claude Code keys projects by the real path it runs in.
    for (const key of new Set([worktree, realpathOr(worktree)])) {
      projects[key] = { ...(projects[key] ?? {}), hasTrustDialogAccepted: true };
    }
  }
  config.projects = projects;
  if (input.approvedApiKey) {
    const responses = (config.customApiKeyResponses ?? {}) as { approved?: string[]; rejected?: string[] };
    const tail = input.approvedApiKey.slice(-20);
    responses.approved = [...new Set([...(responses.approved ?? []), tail])];
    responses.rejected = (responses.rejected ?? []).filter((key) => key !== tail);
    config.customApiKeyResponses = responses;
  }
  const tmp = `${file}.ccp-${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

function realpathOr(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
