// The detached parent of one print-mode run: print-runs.ts starts `node print-run-wrapper.js <run dir>` as the leader
// of its own process group, in the run dir. It runs the agent with the prompt file as stdin and the output files,
// records how it exited (atomically), and stops it at the run's deadline, even when no worker is left to do it.
// Paths are relative to the cwd: a run whose directory was removed meanwhile records nothing anywhere.
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { KILL_GRACE_MS, RUN_FILES, writeAtomic, type RunExit, type RunSpec } from './print-runs.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

const spec = JSON.parse(readFileSync(RUN_FILES.spec, 'utf8')) as RunSpec;
let timedOut = false;

/** Sends `signal` to the run's process group: the agent and whatever it started (this wrapper leads the group). */
const signalGroup = (signal: NodeJS.Signals): void => {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // not a group leader, or nothing left
  }
};

const record = (exit: RunExit): void => {
  try {
    writeAtomic(RUN_FILES.exit, `${JSON.stringify(exit)}\n`);
  } catch {
    // the run was removed: nobody waits for it
  }
  // After a timeout nothing of the run may stay behind (this wrapper included).
  if (timedOut) signalGroup('SIGKILL');
  process.exit(0);
};

const child = spawn(spec.command, spec.args, {
  cwd: spec.cwd,
  stdio: [openSync(RUN_FILES.prompt, 'r'), openSync(RUN_FILES.stdout, 'w', 0o600), openSync(RUN_FILES.stderr, 'w', 0o600)],
});
child.on('error', (err) => record({ exitCode: null, error: `could not start ${spec.command}: ${err.message}` }));
child.on('exit', (exitCode, signal) => record({ exitCode, signal, ...(timedOut ? { timedOut } : {}) }));
// Stopped from outside (a cancel, the sweep): the group goes down unrecorded. The deadline's own SIGTERM to the
// group passes over the wrapper, which stays to record the timeout.
process.on('SIGTERM', () => {
  if (!timedOut) process.exit(143);
});
setTimeout(() => {
  timedOut = true;
  signalGroup('SIGTERM');
  setTimeout(() => record({ exitCode: null, signal: 'SIGKILL', timedOut }), KILL_GRACE_MS).unref();
}, Math.min(MAX_TIMER_MS, Math.max(0, spec.deadline - Date.now()))).unref();
