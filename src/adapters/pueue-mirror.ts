// The pueue mirror's files beside pueued's state (`<pueue dir>/mirror/`): per subissue label its event log (what
// `ccp debug` shows), the result its task's command exits with (`.exit`), the note it prints (`.note`), the run
// it mirrors (`.run`); and that command itself: pueue-follow.js over the agent's pane log.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactSecrets } from '../core/env-scrub.js';
import type { MirrorFiles } from '../core/mirror-plan.js';
import { shellQuote } from '../core/shell.js';
import { isAlive } from '../stack/processes.js';
import { PueueError } from './pueue-status.js';

const FOLLOW_SCRIPT = fileURLToPath(new URL('./pueue-follow.js', import.meta.url));
/** The pueue alias of the task's command: `ccp-mirror <label>` reads well in `pueue status`. */
export const MIRROR_ALIAS = 'ccp-mirror';
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const SUFFIXES = ['log', 'exit', 'note', 'run'] as const;

export interface PueueMirrorFiles {
  checkLabel(label: string): void;
  /** The task's command: the agent's pane as text, ccp's notes, then the result as its exit code. */
  command(label: string, describe: string): string;
  /** What the alias of `command` stands for (pueue expands it when a task is added). */
  aliasCommand(): string;
  /** Every label's exit code and note, as written now. */
  read(): MirrorFiles;
  writeExit(label: string, exitCode: number, summary: string): void;
  clearExit(label: string): void;
  /** '' removes it. */
  writeNote(label: string, note: string): void;
  /** Appends a line (secrets redacted) to the label's event log. */
  log(label: string, line: string): Promise<void>;
  /** Logs the start of the work: "mirror of …" the first time, "new run of …" when `run` differs from the last. */
  logRun(label: string, title: string, run?: string): Promise<void>;
  /** Removes every file of the label (its task is gone). */
  forget(label: string): void;
  /** Runs `work` as the only reconciliation of this mirror (the worker's and `ccp queue sync` may meet). */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

const LOCK_WAIT_MS = 30_000;

function writeAtomically(file: string, content: string): void {
  // The task's command polls these: it must never see one half-written.
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

export function createMirrorFiles(mirrorDir: string, paneLogTemplate?: string): PueueMirrorFiles {
  const file = (label: string, suffix: (typeof SUFFIXES)[number]): string => path.join(mirrorDir, `${label}.${suffix}`);
  const checkLabel = (label: string): void => {
    if (!LABEL_PATTERN.test(label)) {
      throw new PueueError(`invalid mirror label ${JSON.stringify(label)}: letters, digits, '.', '_', '-' only`);
    }
  };
  const log = async (label: string, line: string): Promise<void> => {
    checkLabel(label);
    const [first, ...rest] = redactSecrets(line, process.env).replace(/\s+$/, '').split(/\r?\n/);
    const text = [`${new Date().toISOString()} ${first}`, ...rest.map((more) => `    ${more}`)].join('\n');
    await appendFile(file(label, 'log'), `${text}\n`);
  };
  const lockFile = path.join(mirrorDir, '.reconcile.lock');
  let inProcess: Promise<unknown> = Promise.resolve();
  // Another process's pass holds the lock file; its pid in it: a dead holder's lock is taken over.
  const takeLock = async (): Promise<void> => {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return;
      } catch {
        let holder: number;
        try {
          holder = Number(readFileSync(lockFile, 'utf8').trim() || NaN);
        } catch {
          continue; // let go of meanwhile
        }
        if (!Number.isInteger(holder) || !isAlive(holder) || Date.now() > deadline) rmSync(lockFile, { force: true });
        else await sleep(100);
      }
    }
  };
  return {
    checkLabel,

    exclusive(work) {
      const run = inProcess.then(async () => {
        await takeLock();
        try {
          return await work();
        } finally {
          rmSync(lockFile, { force: true });
        }
      });
      inProcess = run.catch(() => undefined);
      return run;
    },

    command(label, describe) {
      checkLabel(label);
      const comment = describe ? ` # ${describe.replace(/[\r\n]+/g, ' ').slice(0, 120)}` : '';
      return `${MIRROR_ALIAS} ${label}${comment}`;
    },

    aliasCommand() {
      const template = paneLogTemplate ?? path.join(mirrorDir, '{label}.no-pane');
      return `exec ${[process.execPath, FOLLOW_SCRIPT, template, mirrorDir].map(shellQuote).join(' ')}`;
    },

    read() {
      const exits = new Map<string, number>();
      const notes = new Map<string, string>();
      for (const name of existsSync(mirrorDir) ? readdirSync(mirrorDir) : []) {
        const match = /^(.+)\.(exit|note)$/.exec(name);
        if (!match) continue;
        const text = readFileSync(path.join(mirrorDir, name), 'utf8');
        if (match[2] === 'exit') exits.set(match[1], Number(text.split('\n')[0]));
        else notes.set(match[1], text.trim());
      }
      return { exits, notes };
    },

    writeExit(label, exitCode, summary) {
      checkLabel(label);
      // Bash exit codes are 0..255; anything else would wrap (256 → 0, a false Success).
      const code = Number.isInteger(exitCode) && exitCode >= 0 && exitCode <= 255 ? exitCode : 1;
      writeAtomically(file(label, 'exit'), `${code}\n${redactSecrets(summary, process.env)}\n`);
    },

    clearExit(label) {
      checkLabel(label);
      rmSync(file(label, 'exit'), { force: true });
    },

    writeNote(label, note) {
      checkLabel(label);
      if (note) writeAtomically(file(label, 'note'), `${redactSecrets(note, process.env)}\n`);
      else rmSync(file(label, 'note'), { force: true });
    },

    log,

    async logRun(label, title, run) {
      checkLabel(label);
      const previous = existsSync(file(label, 'run')) ? readFileSync(file(label, 'run'), 'utf8').trim() : undefined;
      if (run) writeAtomically(file(label, 'run'), `${run}\n`);
      if (!existsSync(file(label, 'log'))) await log(label, `mirror of ${label}: ${title}`);
      else if (run && previous !== run) await log(label, `new run of ${label}: ${title}`);
    },

    forget(label) {
      if (!LABEL_PATTERN.test(label)) return;
      for (const suffix of SUFFIXES) rmSync(file(label, suffix), { force: true });
    },
  };
}
