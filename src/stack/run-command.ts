// runCommand: the adapters' way to run tmux, git and pueue. The commands are forked by a small long-lived spawn server
// (spawn-server.ts), not by this process: the worker is big (Temporal's threads, workflow isolates), each fork copies
// its page table, and its main thread does nothing else meanwhile. Results are execa's (reject: false) subset the
// adapters read. CCP_SPAWN_INPROCESS=1, or a server that cannot start, runs them here instead (same code).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, type RunRequest, type RunResult } from './spawn-child.js';

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** As execa's: true (default) adds `env` to this process's environment, false passes `env` alone. */
  extendEnv?: boolean;
  /** Default 'pipe' (left open, as execa's default); 'ignore' gives /dev/null. */
  stdin?: 'ignore' | 'pipe';
  input?: string;
  timeout?: number;
  /** Aborting sends the command SIGTERM (SIGKILL 5 s later if it is still there). */
  signal?: AbortSignal;
}

export type CommandResult = Omit<RunResult, 'id'>;

interface Pending {
  request: RunRequest;
  resolve: (result: CommandResult) => void;
  reject: (error: Error) => void;
}

interface Server {
  child: ChildProcess;
  ready: boolean;
  pending: Map<number, Pending>;
}

const SERVER_SCRIPT = fileURLToPath(new URL('./spawn-server.js', import.meta.url));
let server: Server | undefined;
let nextId = 1;
let inProcess = process.env.CCP_SPAWN_INPROCESS === '1';

/** Runs commands in this process from now on (a short-lived CLI gains nothing from another process to start). */
export function spawnInProcess(): void {
  inProcess = true;
}

/** The spawn server's pid, if one runs (tests). */
export function spawnServerPid(): number | undefined {
  return server?.child.pid;
}

/** Stops the spawn server (tests; the worker's exit does it anyway). The next command starts another. */
export function stopSpawnServer(): void {
  server?.child.kill('SIGTERM');
  server = undefined;
}

const runHere = (request: RunRequest, signal?: AbortSignal): Promise<CommandResult> => {
  const child = startChild(request);
  const abort = (): void => child.kill('SIGTERM');
  signal?.addEventListener('abort', abort, { once: true });
  return child.done.then(({ id: _id, ...result }) => result).finally(() => signal?.removeEventListener('abort', abort));
};

// Held only while commands are in flight: an idle server must not keep this process alive.
const setHeld = (s: Server, held: boolean): void => {
  for (const handle of [s.child, s.child.stdin, s.child.stdout] as Array<{ ref(): void; unref(): void } | null>) {
    if (held) handle?.ref(); else handle?.unref();
  }
};

const fallBack = (why: string): void => {
  if (!inProcess) console.error(`ccp: the spawn server did not start (${why}): running commands in this process`);
  inProcess = true;
};

const startServer = (): Server => {
  // No env of ours: every request brings the whole environment its command gets.
  const child = spawn(process.execPath, [SERVER_SCRIPT], { env: {}, stdio: ['pipe', 'pipe', 'inherit'], cwd: path.dirname(SERVER_SCRIPT) });
  const s: Server = { child, ready: false, pending: new Map() };
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const message = JSON.parse(buffered.slice(0, end)) as RunResult | { ready: true };
      buffered = buffered.slice(end + 1);
      if ('ready' in message) {
        s.ready = true;
        continue;
      }
      const { id, ...result } = message;
      s.pending.get(id)?.resolve(result);
      s.pending.delete(id);
      if (s.pending.size === 0) setHeld(s, false);
    }
  });
  child.stdin?.on('error', () => undefined); // reported by 'exit' below
  const gone = (why: string): void => {
    if (server === s) server = undefined;
    const pending = [...s.pending.values()];
    s.pending.clear();
    if (!s.ready) {
      // It never read a request: run them here, and everything after them.
      fallBack(why);
      for (const p of pending) runHere(p.request).then(p.resolve, p.reject);
      return;
    }
    // The next command starts another server; these may have run or not, so they fail rather than run twice.
    for (const p of pending) p.reject(new Error(`the spawn server stopped (${why}) while running ${p.request.file}`));
  };
  child.on('error', (error) => gone(error.message));
  child.on('exit', (code, signal) => gone(signal ?? `exit ${code}`));
  setHeld(s, false);
  return s;
};

const killWith = (s: Server, id: number): void => {
  if (s.pending.has(id)) s.child.stdin?.write(`${JSON.stringify({ kill: id, signal: 'SIGTERM' })}\n`);
};

process.on('exit', () => server?.child.kill('SIGTERM'));

/** Runs `file` with `args` to completion; never rejects for the command's own failure (see CommandResult). */
export function runCommand(file: string, args: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  // Exactly the environment execa would have given the command.
  const env = options.extendEnv === false ? (options.env ?? process.env) : { ...process.env, ...options.env };
  const request: RunRequest = {
    id: nextId++, file, args, cwd: path.resolve(options.cwd ?? process.cwd()), env, stdin: options.stdin ?? 'pipe',
    ...(options.input !== undefined ? { input: options.input } : {}), ...(options.timeout ? { timeout: options.timeout } : {}),
  };
  if (options.signal?.aborted) return Promise.resolve({ stdout: '', stderr: '', timedOut: false, error: 'aborted before it started' });
  if (inProcess) return runHere(request, options.signal);
  let s: Server;
  try {
    s = server ??= startServer();
  } catch (error) {
    fallBack(error instanceof Error ? error.message : String(error));
    return runHere(request, options.signal);
  }
  return new Promise<CommandResult>((resolve, reject) => {
    const abort = (): void => killWith(s, request.id);
    options.signal?.addEventListener('abort', abort, { once: true });
    const done = (): void => options.signal?.removeEventListener('abort', abort);
    s.pending.set(request.id, { request, resolve: (r) => { done(); resolve(r); }, reject: (e) => { done(); reject(e); } });
    setHeld(s, true);
    s.child.stdin?.write(`${JSON.stringify({ run: request })}\n`);
  });
}
