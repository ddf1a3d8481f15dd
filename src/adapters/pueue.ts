// pueue adapter: the only module that runs `pueue`/`pueued`. ccp mirrors each subissue as a pueue task so
// `pueue status|follow|log` show the truth locally; Temporal stays the scheduler.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { redactSecrets, scrubEnv } from '../core/env-scrub.js';
import { shellQuote } from '../core/shell.js';
import { FINISHED, PueueError, RESTARTABLE, parseStatus, type PueueSnapshot, type PueueTask } from './pueue-status.js';

export type { PueueGroup, PueueSnapshot, PueueTask, PueueTaskState } from './pueue-status.js';
export { PueueError } from './pueue-status.js';

export interface PueueAdapter {
  readonly configPath: string;
  /** Starts this ccp's own pueued (config in the state dir) unless its socket already answers. */
  ensureDaemon(): Promise<void>;
  shutdown(): Promise<void>;
  ensureGroup(group: string, parallel: number): Promise<void>;
  /** The daemon's tasks and groups; one read answers every caller for a moment (see STATUS_FRESH_MS). */
  snapshot(): Promise<PueueSnapshot>;
  status(): Promise<PueueTask[]>;
  findByLabel(label: string): Promise<PueueTask | undefined>;
  /** Removes tasks that ended before `cutoff` (and the mirror files of labels left without a task); returns them. */
  removeFinishedBefore(cutoff: Date): Promise<PueueTask[]>;

  /**
   * Mirror: ensures a stashed task labelled `label` exists (idempotent), whose command waits for ccp to report
   * the real outcome, printing the agent's pane as text meanwhile (so `pueue follow` shows the agent). With `run`
   * (the id of one run of the work), a finished task is restarted stashed when a different run begins.
   */
  mirrorCreate(input: { label: string; group: string; cwd: string; title: string; run?: string }): Promise<PueueTask>;
  /** The real work started: the mirror task starts running (idempotent). */
  mirrorStart(label: string): Promise<void>;
  /** Appends a human-readable line to the subissue's event log (what `ccp debug` shows). */
  mirrorLog(label: string, line: string): Promise<void>;
  /** The real work ended: the mirror task exits with `exitCode` (0 = Success, else Failed(n)). Idempotent. */
  mirrorFinish(label: string, exitCode: number, summary: string): Promise<void>;
}

export interface PueueAdapterOptions {
  /** Directory for pueue.yml, state, socket, task logs, mirror files. Keep short: socket path ≤ ~100 bytes. */
  dir: string;
  pueueBinary: string;
  pueuedBinary: string;
  /** Where the agent's pane of a label is logged (what its mirror task prints); none: the task prints only ccp's result. */
  paneLog?: (label: string) => string;
}

// sun_path is 108 bytes on Linux and 104 on macOS, terminator included.
const MAX_SOCKET_PATH_BYTES = 100;
const CLIENT_TIMEOUT_MS = 15_000;
const DAEMON_START_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
/** How long one status read answers lookups: shorter than any tick of the mirror, longer than a burst of calls. */
const STATUS_FRESH_MS = 500;
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

// The mirror task's command (see pueue-follow.ts): the agent's pane as text, then ccp's result as its exit code.
const FOLLOW_SCRIPT = fileURLToPath(new URL('./pueue-follow.js', import.meta.url));

function yamlConfig(dir: string, socketPath: string): string {
  // JSON strings are valid YAML double-quoted scalars: any path character is safe.
  const q = (value: string): string => JSON.stringify(value);
  return [
    '# Written by ccp: its own pueued, isolated from the user\'s.',
    'shared:',
    `  pueue_directory: ${q(dir)}`,
    `  runtime_directory: ${q(dir)}`,
    `  unix_socket_path: ${q(socketPath)}`,
    'daemon:',
    '  shell_command: ["bash", "-c", "{{ pueue_command_string }}"]',
    '',
  ].join('\n');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const cleanOutput = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, '').trim();

function writeIfChanged(file: string, content: string, mode: number): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return;
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

/** Writes `<dir>/pueue.yml` (synchronously, so `configPath` is usable at once) and returns the adapter. */
export function createPueueAdapter(options: PueueAdapterOptions): PueueAdapter {
  const dir = path.resolve(options.dir);
  const configPath = path.join(dir, 'pueue.yml');
  const socketPath = path.join(dir, 'pueue.sock');
  const mirrorDir = path.join(dir, 'mirror');
  const daemonLog = path.join(dir, 'pueued.log');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new PueueError(`pueue's socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes, more than `
      + `the ${MAX_SOCKET_PATH_BYTES} a unix socket allows: choose a shorter state directory than ${dir}`);
  }
  // 0700: state.json, the shared secret and the mirror logs live here.
  mkdirSync(mirrorDir, { recursive: true, mode: 0o700 });
  writeIfChanged(configPath, yamlConfig(dir, socketPath), 0o600);

  // pueue stores the adding client's whole environment in state.json: never hand it more than this.
  const clientEnv = (): Record<string, string> => scrubEnv(process.env);

  const call = (args: string[]) => execa(options.pueueBinary, ['-c', configPath, ...args], {
    env: clientEnv(), extendEnv: false, reject: false, timeout: CLIENT_TIMEOUT_MS, stdin: 'ignore',
  });

  // One `status --json` serves every caller for a moment (a tick), so lookups cost no pueue call each; a change
  // made through this adapter drops it, so no caller reads back less than it did.
  let cached: { at?: number; snapshot: Promise<PueueSnapshot> } | undefined;

  const run = async (args: string[]): Promise<string> => {
    const result = await call(args).finally(() => {
      if (args[0] !== 'status') cached = undefined;
    });
    if (result.exitCode !== 0) {
      const reason = result.timedOut ? `timed out after ${CLIENT_TIMEOUT_MS} ms` : `exit ${result.exitCode}`;
      const detail = cleanOutput(`${String(result.stderr)}\n${String(result.stdout)}`).split('\n').slice(0, 8);
      throw new PueueError(redactSecrets(
        `pueue ${args.join(' ')} failed (${reason}, config ${configPath}): ${detail.join(' | ')}`, process.env));
    }
    return String(result.stdout);
  };

  const answers = async (): Promise<boolean> => (await call(['status', '--json'])).exitCode === 0;

  // Shared while in flight, then fresh for STATUS_FRESH_MS after it arrived.
  const snapshot = (): Promise<PueueSnapshot> => {
    if (cached && (cached.at === undefined || Date.now() - cached.at < STATUS_FRESH_MS)) return cached.snapshot;
    const entry: { at?: number; snapshot: Promise<PueueSnapshot> } = { snapshot: run(['status', '--json']).then(parseStatus) };
    cached = entry;
    entry.snapshot.then(() => { entry.at = Date.now(); }, () => {
      if (cached === entry) cached = undefined;
    });
    return entry.snapshot;
  };
  const status = async (): Promise<PueueTask[]> => (await snapshot()).tasks;
  const findByLabel = async (label: string): Promise<PueueTask | undefined> => (await snapshot()).byLabel.get(label);

  const checkLabel = (label: string): void => {
    if (!LABEL_PATTERN.test(label)) {
      throw new PueueError(`invalid mirror label ${JSON.stringify(label)}: letters, digits, '.', '_', '-' only`);
    }
  };
  const logFile = (label: string): string => path.join(mirrorDir, `${label}.log`);
  const exitFile = (label: string): string => path.join(mirrorDir, `${label}.exit`);
  // Which run of the work the task mirrors: a retried activity finds the same run, a new run restarts the task.
  const runFile = (label: string): string => path.join(mirrorDir, `${label}.run`);
  // What it takes to add the task again when pueued lost it (killed, state wiped): the mirror heals itself.
  const metaFile = (label: string): string => path.join(mirrorDir, `${label}.meta.json`);
  type MirrorMeta = { group: string; cwd: string; title: string };
  const readMeta = (label: string): MirrorMeta | undefined => {
    try {
      return JSON.parse(readFileSync(metaFile(label), 'utf8')) as MirrorMeta;
    } catch {
      return undefined;
    }
  };

  const addMirror = async (label: string, group: string, cwd: string, command: string): Promise<void> => {
    // `add -w` needs an existing directory (and spawning fails if it vanished): fall back to the mirror dir.
    const workdir = existsSync(cwd) ? cwd : mirrorDir;
    await run(['add', '-p', '-s', '-g', group, '-l', label, '-w', workdir, '--', command]);
  };

  const mirrorLog = async (label: string, line: string): Promise<void> => {
    checkLabel(label);
    const [first, ...rest] = redactSecrets(line, process.env).replace(/\s+$/, '').split(/\r?\n/);
    const text = [`${new Date().toISOString()} ${first}`, ...rest.map((more) => `    ${more}`)].join('\n');
    await appendFile(logFile(label), `${text}\n`);
  };

  const mustFind = async (label: string): Promise<PueueTask> => {
    const task = await findByLabel(label);
    if (!task) throw new PueueError(`no pueue mirror task labelled ${label}: mirrorCreate it first`);
    return task;
  };

  const mirrorCommand = (label: string, title: string): string => {
    const comment = title ? ` # ${title.replace(/[\r\n]+/g, ' ').slice(0, 100)}` : '';
    const paneLog = options.paneLog?.(label) ?? path.join(mirrorDir, `${label}.no-pane`);
    const words = [process.execPath, FOLLOW_SCRIPT, paneLog, path.join(mirrorDir, label)].map(shellQuote);
    return `exec ${words.join(' ')}${comment}`;
  };

  /** The label's task; re-added from its meta file when pueued lost it (never twice: looked up first). */
  const findOrRebuild = async (label: string): Promise<PueueTask | undefined> => {
    const task = await findByLabel(label);
    if (task) return task;
    const meta = readMeta(label);
    if (!meta) return undefined;
    await mirrorLog(label, `mirror rebuilt: pueued had lost the task of ${label}`);
    // A wiped pueued has lost ccp's groups too.
    if (!(await snapshot()).groups[meta.group]) await run(['group', 'add', meta.group, '-p', '0']).catch(() => undefined);
    await addMirror(label, meta.group, meta.cwd, mirrorCommand(label, meta.title));
    return findByLabel(label);
  };

  // Brings a mirror task to Running (or leaves it Done with ccp's result), whatever state retries find it in.
  const ensureStarted = async (label: string, required: boolean): Promise<void> => {
    let task = await findOrRebuild(label);
    if (!task) {
      if (required) throw new PueueError(`no pueue mirror task labelled ${label}: mirrorCreate it first`);
      return;
    }
    if (task.state === 'Running' || task.state === 'Success' || task.state === 'Failed') return;
    if (!existsSync(task.path)) {
      // Its working directory is gone (worktree removed): spawning would fail, so re-add it elsewhere.
      await run(['remove', String(task.id)]);
      await addMirror(label, task.group, mirrorDir, task.command);
      task = await mustFind(label);
    }
    // Killed: the daemon restarted under it; start force-starts stashed/queued tasks and resumes paused ones.
    const args = RESTARTABLE.includes(task.state) ? ['restart', '-i', '-k', String(task.id)] : ['start', String(task.id)];
    try {
      await run(args);
    } catch (err) {
      // A concurrent retry may have started it (pueue refuses to start a running or finished task).
      const now = await mustFind(label);
      if (now.state !== 'Running' && now.state !== 'Success' && now.state !== 'Failed') throw err;
    }
  };

  return {
    configPath,

    async ensureDaemon() {
      if (await answers()) return;
      cached = undefined; // what the daemon that went away said
      const logFd = openSync(daemonLog, 'a', 0o600);
      let exited: string | undefined;
      try {
        // Not `pueued -d`: spawning it detached ourselves keeps its output in a log we can point to.
        const daemon = spawn(options.pueuedBinary, ['-c', configPath], {
          detached: true, stdio: ['ignore', logFd, logFd], env: clientEnv(),
        });
        daemon.on('error', (err) => { exited = err.message; });
        daemon.on('exit', (code, signal) => { exited = `exited with ${signal ?? `code ${code}`}`; });
        daemon.unref();
      } finally {
        closeSync(logFd);
      }
      const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
      let exitedPolls = 0;
      // A second pueued started concurrently exits at once while the first one comes up: allow it a moment.
      while (Date.now() < deadline && exitedPolls < 20) {
        if (await answers()) return;
        if (exited) exitedPolls++;
        await sleep(POLL_MS);
      }
      const logTail = existsSync(daemonLog) ? cleanOutput(readFileSync(daemonLog, 'utf8')).split('\n').slice(-5) : [];
      throw new PueueError(`pueued (${options.pueuedBinary}) did not answer on ${socketPath}`
        + `${exited ? ` (it ${exited})` : ` within ${DAEMON_START_TIMEOUT_MS} ms`}; config ${configPath}, `
        + `log ${daemonLog}${logTail.length ? `: ${logTail.join(' | ')}` : ''}`);
    },

    async shutdown() {
      if (!(await answers())) return;
      const pidFile = path.join(dir, 'pueue.pid');
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
      await run(['shutdown']);
      // Wait for the process itself to go, so callers may delete the directory right after.
      const alive = (): boolean => {
        try { process.kill(pid, 0); return true; } catch { return false; }
      };
      const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
      while (Number.isInteger(pid) && alive() && Date.now() < deadline) await sleep(POLL_MS);
    },

    /** ccp's mirror groups use parallel 0 (unlimited): Temporal schedules, pueue only mirrors. */
    async ensureGroup(group, parallel) {
      if (!Number.isInteger(parallel) || parallel < 0) throw new PueueError(`invalid parallel ${parallel} for ${group}`);
      const { groups } = await snapshot();
      if (!groups[group]) {
        try {
          await run(['group', 'add', group, '-p', String(parallel)]);
          return;
        } catch (err) {
          if (!(await snapshot()).groups[group]) throw err; // else a concurrent call added it
        }
      }
      if ((await snapshot()).groups[group].parallel !== parallel) {
        await run(['parallel', String(parallel), '-g', group]);
      }
    },

    snapshot,
    status,
    findByLabel,

    async removeFinishedBefore(cutoff) {
      const expired = (await snapshot()).tasks.filter((task) =>
        FINISHED.includes(task.state) && task.endedAt !== undefined && Date.parse(task.endedAt) < cutoff.getTime());
      if (expired.length === 0) return [];
      // One call: pueue removes a task others run after only together with them; those stay for a later round.
      await run(['remove', ...expired.map((task) => String(task.id))]).catch(() => undefined);
      const left = await snapshot();
      const removed = expired.filter((task) => !left.tasks.some((t) => t.id === task.id));
      for (const label of new Set(removed.map((task) => task.label))) {
        if (!label || left.byLabel.has(label) || !LABEL_PATTERN.test(label)) continue;
        for (const file of [logFile(label), exitFile(label), runFile(label), metaFile(label)]) rmSync(file, { force: true });
      }
      return removed;
    },

    async mirrorCreate({ label, group, cwd, title, run: runKey }) {
      checkLabel(label);
      writeIfChanged(metaFile(label), `${JSON.stringify({ group, cwd, title })}\n`, 0o600);
      const existing = await findByLabel(label);
      const previousRun = existsSync(runFile(label)) ? readFileSync(runFile(label), 'utf8').trim() : undefined;
      if (runKey) writeIfChanged(runFile(label), `${runKey}\n`, 0o600);
      if (existing && !(runKey && previousRun !== runKey && FINISHED.includes(existing.state))) return existing;
      // A fresh task, or a new run of one that ended: the work has not started, so no exit file may end it.
      rmSync(exitFile(label), { force: true });
      if (existing) {
        await mirrorLog(label, `new run of ${label}: ${title}`);
        await run(['restart', '-i', '-s', String(existing.id)]);
        return mustFind(label);
      }
      if (!existsSync(logFile(label))) await mirrorLog(label, `mirror of ${label}: ${title}`);
      await addMirror(label, group, cwd, mirrorCommand(label, title));
      return mustFind(label);
    },

    async mirrorStart(label) {
      checkLabel(label);
      await ensureStarted(label, true);
    },

    mirrorLog,

    async mirrorFinish(label, exitCode, summary) {
      checkLabel(label);
      if (!existsSync(exitFile(label))) {
        await mirrorLog(label, summary);
        // Bash exit codes are 0..255; anything else would wrap (256 → 0, a false Success).
        const code = Number.isInteger(exitCode) && exitCode >= 0 && exitCode <= 255 ? exitCode : 1;
        // The script polls for the exit file: it must never see it half-written.
        const tmp = `${exitFile(label)}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
        await writeFile(tmp, `${code}\n${redactSecrets(summary, process.env)}\n`);
        await rename(tmp, exitFile(label));
      }
      // Never started (early failure) or killed by a daemon restart: run it now so it ends with this result.
      // No task at all (mirrorCreate never ran) is fine: the mirror is only a view.
      await ensureStarted(label, false);
    },
  };
}
