// Durable print-mode runs (`claude -p` for planning). A run is a detached process group, started by
// print-run-wrapper.ts, with its prompt, output and exit in files of its own directory, so it outlives a worker
// killed with -9. A retry of the same step (same key) adopts the run — waits for it, or takes its finished output —
// instead of asking the model a second time. The run's deadline bounds it: the wrapper stops the agent then, also
// when no worker is left. Agent-neutral: the caller gives the command; secrets reach it only by the process env.
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../stack/processes.js';

const WRAPPER = fileURLToPath(new URL('./print-run-wrapper.js', import.meta.url));
const POLL_MS = 200;
export const KILL_GRACE_MS = 3_000;
// A finished run's output waits this long past its deadline for a retry to take it (the worker may be down a while).
const KEEP_FINISHED_MS = 24 * 60 * 60_000;
// A directory without its spec yet is being set up; older than this, its worker died before starting the run.
const SETUP_MS = 60_000;

/** Files of one run, relative to its directory (the wrapper's cwd). */
export const RUN_FILES = { spec: 'spec.json', prompt: 'prompt', stdout: 'stdout', stderr: 'stderr', exit: 'exit',
  pid: 'pid', owner: 'owner' } as const;

export interface RunSpec {
  command: string;
  args: string[];
  cwd: string;
  /** Epoch ms: the agent is stopped then. */
  deadline: number;
  /** Absent: nobody adopts the run, and a new worker stops it once its owner is gone. */
  key?: string;
}

/** What the wrapper records when the agent exits. */
export interface RunExit {
  exitCode: number | null;
  signal?: string | null;
  timedOut?: boolean;
  /** The agent could not be started. */
  error?: string;
}

export interface PrintRunRequest {
  /** Where run directories go (under `print-runs/`): the agent's run dir. */
  dir: string;
  /** The same for every attempt of one step; none: a one-off run. */
  key?: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  input: string;
  timeoutMs: number;
  /** Aborted: the run's process group is stopped. */
  signal?: AbortSignal;
  pollMs?: number;
}

export interface PrintRunResult {
  endedBy: 'exit' | 'timeout' | 'cancelled';
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** An earlier attempt started the run: this one only waited for it or took its output. */
  adopted: boolean;
}

/** Writes `file` whole or not at all (tmp + rename), 0600: readers never see half of it. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

const runsDir = (dir: string): string => path.join(dir, 'print-runs');
const runPath = (dir: string, key: string): string =>
  path.join(runsDir(dir), createHash('sha256').update(key).digest('hex').slice(0, 32));
const file = (run: string, name: keyof typeof RUN_FILES): string => path.join(run, RUN_FILES[name]);

function readText(run: string, name: keyof typeof RUN_FILES): string | undefined {
  try {
    return readFileSync(file(run, name), 'utf8');
  } catch {
    return undefined;
  }
}

function readJson<T>(run: string, name: 'spec' | 'exit'): T | undefined {
  try {
    return JSON.parse(readText(run, name) ?? '') as T;
  } catch {
    return undefined;
  }
}

/** The run's wrapper pid while it still runs; a reused pid is not it (its command line names the run dir). */
function runningPid(run: string): number | undefined {
  const pid = Number(readText(run, 'pid')?.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(run) ? pid : undefined;
  } catch {
    return process.platform === 'linux' ? undefined : pid; // no /proc: the recorded pid is all there is
  }
}

/** Some process of the group still runs. Zombies do not count: an init that reaps slowly would hold up a stop. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).some((pid) => {
    try {
      // After the command name (which may hold spaces): state, ppid, pgrp.
      const [state, , pgrp] = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // gone meanwhile
    }
  });
}

/** SIGTERM to the run's process group (the wrapper and the agent), SIGKILL after a grace time. */
async function stopGroup(pid: number): Promise<void> {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < KILL_GRACE_MS && groupAlive(pid); waited += 100) await sleep(100);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

async function discard(run: string): Promise<void> {
  const pid = runningPid(run);
  if (pid) await stopGroup(pid);
  rmSync(run, { recursive: true, force: true });
}

function start(run: string, request: PrintRunRequest): void {
  mkdirSync(runsDir(request.dir), { recursive: true, mode: 0o700 });
  mkdirSync(run, { mode: 0o700 });
  writeAtomic(file(run, 'prompt'), request.input);
  writeAtomic(file(run, 'owner'), `${process.pid}\n`);
  const spec: RunSpec = { command: request.command, args: request.args, cwd: request.cwd,
    deadline: Date.now() + request.timeoutMs, ...(request.key === undefined ? {} : { key: request.key }) };
  writeAtomic(file(run, 'spec'), `${JSON.stringify(spec)}\n`);
  // Its own process group, not waited for: a dead worker leaves it running for the retry.
  const child = spawn(process.execPath, [WRAPPER, run], { cwd: run, env: request.env, detached: true, stdio: 'ignore' });
  child.on('error', () => undefined); // no pid: the wait below finds no process and reports it
  child.unref();
  if (child.pid) writeAtomic(file(run, 'pid'), `${child.pid}\n`);
}

/** Runs the command once per key: a run an earlier attempt left (running or finished) is adopted. */
export async function runPrint(request: PrintRunRequest): Promise<PrintRunResult> {
  const run = runPath(request.dir, request.key ?? randomUUID());
  let adopted = false;
  if (request.key !== undefined && existsSync(run)) {
    // Only the same question counts: a key reused for another prompt gets a fresh run.
    const same = readText(run, 'prompt') === request.input;
    adopted = same && (existsSync(file(run, 'exit')) || runningPid(run) !== undefined);
    if (adopted) writeAtomic(file(run, 'owner'), `${process.pid}\n`);
    else await discard(run);
  }
  if (!adopted) start(run, request);
  try {
    return { ...await waitFor(run, request), adopted };
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

async function waitFor(run: string, request: PrintRunRequest): Promise<Omit<PrintRunResult, 'adopted'>> {
  const deadline = readJson<RunSpec>(run, 'spec')?.deadline ?? Date.now() + request.timeoutMs;
  const output = (): { stdout: string; stderr: string } => ({ stdout: readText(run, 'stdout') ?? '',
    stderr: readText(run, 'stderr') ?? '' });
  for (;;) {
    const exit = readJson<RunExit>(run, 'exit');
    if (exit) {
      const { stdout, stderr } = output();
      return { endedBy: exit.timedOut ? 'timeout' : 'exit', exitCode: exit.exitCode, stdout,
        stderr: [stderr, exit.error].filter(Boolean).join('\n') };
    }
    if (request.signal?.aborted || Date.now() > deadline) {
      await discard(run);
      return { endedBy: request.signal?.aborted ? 'cancelled' : 'timeout', exitCode: null, stdout: '', stderr: '' };
    }
    // Gone without an exit record (killed from outside): a failure, whose output still tells what happened.
    if (runningPid(run) === undefined && !existsSync(file(run, 'exit'))) {
      const { stdout, stderr } = output();
      return { endedBy: 'exit', exitCode: null, stdout, stderr: stderr || 'the print-mode process vanished' };
    }
    await pause(request.pollMs ?? POLL_MS, request.signal);
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
}

/**
 * At worker start: stops and removes the runs nobody will take — past their deadline, or one-off runs of a dead
 * worker — and what is left of dead ones. A keyed run that still runs stays: the retried step adopts it.
 * Returns the wrapper pids it stopped.
 */
export async function sweepPrintRuns(dir: string, now = Date.now()): Promise<number[]> {
  if (!existsSync(runsDir(dir))) return [];
  const stopped: number[] = [];
  for (const name of readdirSync(runsDir(dir))) {
    const run = path.join(runsDir(dir), name);
    const spec = readJson<RunSpec>(run, 'spec');
    if (!spec) {
      if (now - statSync(run).mtimeMs > SETUP_MS) rmSync(run, { recursive: true, force: true });
      continue;
    }
    const owner = Number(readText(run, 'owner')?.trim());
    if (owner && isAlive(owner)) continue; // a live worker's own run
    const pid = runningPid(run);
    const finished = existsSync(file(run, 'exit'));
    const keep = spec.key !== undefined
      && (pid ? now <= spec.deadline : finished && now <= spec.deadline + KEEP_FINISHED_MS);
    if (keep) continue;
    if (pid) {
      await stopGroup(pid);
      stopped.push(pid);
    }
    rmSync(run, { recursive: true, force: true });
  }
  return stopped;
}
