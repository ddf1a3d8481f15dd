// pueue adapter: the only module that runs `pueue`/`pueued`. ccp mirrors each subissue as a pueue task so
// `pueue status|follow|log` show the truth locally; Temporal stays the scheduler.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../stack/run-command.js';
import { redactSecrets, scrubEnv } from '../core/env-scrub.js';
import { isAlive } from '../stack/processes.js';
import { createMirrorFiles, MIRROR_ALIAS, type PueueMirrorFiles } from './pueue-mirror.js';
import { FINISHED, PueueError, parseStatus, type PueueSnapshot, type PueueTask } from './pueue-status.js';

export type { PueueMirrorFiles } from './pueue-mirror.js';
export type { PueueGroup, PueueSnapshot, PueueTask, PueueTaskState } from './pueue-status.js';
export { PueueError } from './pueue-status.js';

export type AddMode = 'stashed' | 'queued' | 'start';

export interface AddTaskInput {
  label: string;
  group: string;
  /** Working directory; one that is gone falls back to the mirror directory (pueue could not spawn there). */
  cwd: string;
  command: string;
  priority: number;
  /** Ids of tasks it runs after (`--after`). */
  after: number[];
  /** Stashed, queued, or started at once (`-i`). */
  mode: AddMode;
  /** Stashed with an enqueue time this far ahead. */
  delaySeconds?: number;
}

export type TaskVerb = 'start' | 'stash' | 'enqueue' | 'pause' | 'kill' | 'remove';

export interface PueueAdapter {
  readonly configPath: string;
  /** The mirror's own files beside pueue (exit codes, notes, event logs) and its tasks' command. */
  readonly mirror: PueueMirrorFiles;
  /** Starts this ccp's own pueued (config in the state dir) unless its socket already answers. */
  ensureDaemon(): Promise<void>;
  shutdown(): Promise<void>;
  /** The running daemon's pid (its pid file), if any: a different one is a daemon started again. */
  daemonPid(): number | undefined;
  /** Adds the group unless it exists (with `parallel`, else 1); an existing group's limit is left as it is. */
  ensureGroup(group: string, parallel?: number): Promise<void>;
  setParallel(group: string, parallel: number): Promise<void>;
  /** Pauses the group's queue; running tasks go on (`pause -g -w`). */
  pauseGroup(group: string): Promise<void>;
  /** Resumes the group and its paused tasks (`start -g`). */
  resumeGroup(group: string): Promise<void>;
  /** The daemon's tasks and groups; one read answers every caller for a moment (see STATUS_FRESH_MS) unless `fresh`. */
  snapshot(fresh?: boolean): Promise<PueueSnapshot>;
  status(): Promise<PueueTask[]>;
  findByLabel(label: string): Promise<PueueTask | undefined>;
  /** Adds a task (with this process's scrubbed environment); returns its id. */
  add(input: AddTaskInput): Promise<number>;
  /** `pueue <verb> <ids>`; stash and enqueue may give the enqueue time as a delay. */
  control(verb: TaskVerb, ids: number[], delaySeconds?: number): Promise<void>;
  /** Restarts a finished task in place: stashed, queued, or started at once. */
  restart(id: number, mode: AddMode): Promise<void>;
  /** Removes tasks that ended before `cutoff` (and the mirror files of labels left without a task); returns them. */
  removeFinishedBefore(cutoff: Date): Promise<PueueTask[]>;
}

export interface PueueAdapterOptions {
  /** Directory for pueue.yml, state, socket, task logs, mirror files. Keep short: socket path ≤ ~100 bytes. */
  dir: string;
  pueueBinary: string;
  pueuedBinary: string;
  /** Where the agent's pane of a label is logged, `{label}` standing for it (what its mirror task prints); none: the
   * task prints only ccp's result. */
  paneLogTemplate?: string;
}

// sun_path is 108 bytes on Linux and 104 on macOS, terminator included.
const MAX_SOCKET_PATH_BYTES = 100;
const CLIENT_TIMEOUT_MS = 15_000;
const DAEMON_START_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
/** How long one status read answers lookups: shorter than any tick of the mirror, longer than a burst of calls. */
const STATUS_FRESH_MS = 500;

function yamlConfig(dir: string, socketPath: string, aliasFile: string): string {
  // JSON strings are valid YAML double-quoted scalars: any path character is safe.
  const q = (value: string): string => JSON.stringify(value);
  return [
    '# Written by ccp: its own pueued, isolated from the user\'s.',
    'shared:',
    `  pueue_directory: ${q(dir)}`,
    `  runtime_directory: ${q(dir)}`,
    `  unix_socket_path: ${q(socketPath)}`,
    `  alias_file: ${q(aliasFile)}`,
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
  const pidFile = path.join(dir, 'pueue.pid');
  const startedBefore = (file: string): boolean =>
    existsSync(pidFile) && existsSync(file) && statSync(pidFile).mtimeMs < statSync(file).mtimeMs;
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new PueueError(`pueue's socket path ${socketPath} is ${Buffer.byteLength(socketPath)} bytes, more than `
      + `the ${MAX_SOCKET_PATH_BYTES} a unix socket allows: choose a shorter state directory than ${dir}`);
  }
  // 0700: state.json, the shared secret and the mirror logs live here.
  mkdirSync(mirrorDir, { recursive: true, mode: 0o700 });
  const mirror = createMirrorFiles(mirrorDir, options.paneLogTemplate);
  // pueue expands the mirror tasks' command from its alias when they are added (see pueue-mirror.ts).
  const aliasFile = path.join(dir, 'pueue_aliases.yml');
  writeIfChanged(aliasFile, `${JSON.stringify({ [MIRROR_ALIAS]: mirror.aliasCommand() })}\n`, 0o600);
  writeIfChanged(configPath, yamlConfig(dir, socketPath, aliasFile), 0o600);

  // pueue stores the adding client's whole environment in state.json: never hand it more than this.
  const clientEnv = (): Record<string, string> => scrubEnv(process.env);

  const call = (args: string[]) => runCommand(options.pueueBinary, ['-c', configPath, ...args], {
    env: clientEnv(), extendEnv: false, timeout: CLIENT_TIMEOUT_MS, stdin: 'ignore',
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
  const snapshot = (fresh = false): Promise<PueueSnapshot> => {
    if (cached && (cached.at === undefined || Date.now() - cached.at < STATUS_FRESH_MS) && !fresh) return cached.snapshot;
    const entry: { at?: number; snapshot: Promise<PueueSnapshot> } = { snapshot: run(['status', '--json']).then(parseStatus) };
    cached = entry;
    entry.snapshot.then(() => { entry.at = Date.now(); }, () => {
      if (cached === entry) cached = undefined;
    });
    return entry.snapshot;
  };
  const status = async (): Promise<PueueTask[]> => (await snapshot()).tasks;
  const findByLabel = async (label: string): Promise<PueueTask | undefined> => (await snapshot()).byLabel.get(label);

  return {
    configPath,
    mirror,

    async ensureDaemon() {
      if (await answers()) {
        // A daemon started before its config last changed (a ccp upgrade) lacks what it says (the mirror's alias).
        if (!startedBefore(configPath)) return;
        await this.shutdown();
      }
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

    daemonPid() {
      try {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        return Number.isInteger(pid) && pid > 0 ? pid : undefined;
      } catch {
        return undefined;
      }
    },

    async shutdown() {
      if (!(await answers())) return;
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
      await run(['shutdown']);
      // Wait for the process itself to go, so callers may delete the directory right after.
      const deadline = Date.now() + DAEMON_START_TIMEOUT_MS;
      while (Number.isInteger(pid) && isAlive(pid) && Date.now() < deadline) await sleep(POLL_MS);
    },

    async ensureGroup(group, parallel = 1) {
      if (!Number.isInteger(parallel) || parallel < 0) throw new PueueError(`invalid parallel ${parallel} for ${group}`);
      if ((await snapshot()).groups[group]) return;
      try {
        await run(['group', 'add', group, '-p', String(parallel)]);
      } catch (err) {
        if (!(await snapshot()).groups[group]) throw err; // else a concurrent call added it
      }
    },

    async setParallel(group, parallel) {
      await run(['parallel', String(parallel), '-g', group]);
    },

    async pauseGroup(group) {
      await run(['pause', '-g', group, '-w']);
    },

    async resumeGroup(group) {
      await run(['start', '-g', group]);
    },

    async add(input) {
      mirror.checkLabel(input.label);
      // `add -w` needs an existing directory (and spawning fails if it vanished): fall back to the mirror dir.
      const workdir = existsSync(input.cwd) ? input.cwd : mirrorDir;
      const args = ['add', '-p', '-g', input.group, '-l', input.label, '-w', workdir, `--priority=${input.priority}`];
      if (input.after.length > 0) args.push('-a', ...input.after.map(String));
      if (input.delaySeconds) args.push(`--delay=${input.delaySeconds}`);
      else if (input.mode === 'stashed') args.push('-s');
      else if (input.mode === 'start') args.push('-i');
      const id = Number((await run([...args, '--', input.command])).trim());
      if (!Number.isInteger(id)) throw new PueueError(`pueue add of ${input.label} printed no task id`);
      return id;
    },

    async control(verb, ids, delaySeconds) {
      if (ids.length === 0) return;
      const delay = delaySeconds && (verb === 'stash' || verb === 'enqueue') ? [`--delay=${delaySeconds}`] : [];
      await run([verb, ...delay, ...ids.map(String)]);
    },

    async restart(id, mode) {
      await run(['restart', '-i', ...(mode === 'stashed' ? ['-s'] : mode === 'start' ? ['-k'] : []), String(id)]);
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
        if (label && !left.byLabel.has(label)) mirror.forget(label);
      }
      return removed;
    },
  };
}
