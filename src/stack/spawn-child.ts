// Runs one command to completion the way ccp's adapters used execa (reject: false): output as strings with the final
// newline stripped, a timeout that sends SIGTERM and SIGKILL 5 s later, exitCode undefined when a signal ended it.
// Shared by the spawn server (spawn-server.ts) and the in-process fallback (run-command.ts), so both behave the same.
// Imports only node builtins: the spawn server loads this and must stay small.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RunRequest {
  id: number;
  file: string;
  args: string[];
  cwd: string;
  /** The child's whole environment (nothing is added to it). */
  env: Record<string, string | undefined>;
  /** 'pipe' leaves stdin an open pipe (execa's default); `input` is written to it and then it is closed. */
  stdin: 'ignore' | 'pipe';
  input?: string;
  /** Milliseconds; 0 or absent: none. */
  timeout?: number;
}

export interface RunResult {
  id: number;
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started (e.g. ENOENT); exitCode is then undefined. */
  error?: string;
}

export interface RunningChild {
  done: Promise<RunResult>;
  kill: (signal?: NodeJS.Signals) => void;
}

// execa's forceKillAfterDelay default.
const FORCE_KILL_AFTER_MS = 5_000;

const stripFinalNewline = (text: string): string =>
  (text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text);

export function startChild(request: RunRequest): RunningChild {
  const stdinMode = request.input !== undefined ? 'pipe' : request.stdin;
  let timedOut = false;
  let forceKill: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(request.file, request.args, { cwd: request.cwd, env: request.env, stdio: [stdinMode, 'pipe', 'pipe'] }) as
      ChildProcessWithoutNullStreams;
  } catch (error) {
    // Bad arguments (e.g. a NUL byte) throw at once; answered like a command that could not start.
    const message = error instanceof Error ? error.message : String(error);
    return { done: Promise.resolve({ id: request.id, stdout: '', stderr: '', timedOut: false, error: message }), kill: () => undefined };
  }
  const kill = (signal: NodeJS.Signals = 'SIGTERM'): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    // Like execa: a child that ignores the signal is killed for good a little later.
    forceKill ??= setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_AFTER_MS);
  };
  const done = new Promise<RunResult>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let spawnError: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin?.on('error', () => undefined); // a child that exits without reading its input
    child.on('error', (error) => { spawnError = error; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(forceKill);
      resolve({
        id: request.id,
        ...(code !== null && !spawnError ? { exitCode: code } : {}),
        ...(signal ? { signal } : {}),
        stdout: stripFinalNewline(Buffer.concat(out).toString('utf8')),
        stderr: stripFinalNewline(Buffer.concat(err).toString('utf8')),
        timedOut,
        ...(spawnError ? { error: spawnError.message } : {}),
      });
    });
  });
  if (request.timeout && request.timeout > 0) {
    timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
    }, request.timeout);
  }
  if (request.input !== undefined) child.stdin?.end(request.input);
  return { done, kill };
}
