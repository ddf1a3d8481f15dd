// Print-mode agent processes (`claude -p` for planning) outlive a worker killed with -9: the retried step on the
// next worker would then ask the model twice. Each one is recorded while it runs; a new worker stops the ones a
// dead worker left behind before it takes work. ask() now runs them as durable print runs (print-runs.ts), which a
// retry takes over; this stays for the `print-<pid>` records a worker of an earlier ccp left.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PREFIX = 'print-';
// Only records: print-runs.ts keeps its runs in a `print-runs` directory here.
const RECORD = /^print-\d+$/;
const childFile = (dir: string, pid: number): string => path.join(dir, `${PREFIX}${pid}`);

export function trackChild(dir: string, pid: number | undefined): () => void {
  if (!pid) return () => undefined;
  mkdirSync(dir, { recursive: true });
  writeFileSync(childFile(dir, pid), `${process.pid}\n`, { mode: 0o600 });
  return () => rmSync(childFile(dir, pid), { force: true });
}

/** Stops recorded print-mode processes whose worker is gone; returns their pids. */
export function stopLeftoverChildren(dir: string, isOurs: (pid: number) => boolean = looksLikeAgent): number[] {
  if (!existsSync(dir)) return [];
  const stopped: number[] = [];
  for (const name of readdirSync(dir).filter((n) => RECORD.test(n))) {
    const pid = Number(name.slice(PREFIX.length));
    const owner = Number(readFileSync(path.join(dir, name), 'utf8').trim());
    if (owner && alive(owner)) continue; // a live worker's own child
    if (pid && alive(pid) && isOurs(pid)) {
      process.kill(pid, 'SIGTERM');
      stopped.push(pid);
    }
    rmSync(path.join(dir, name), { force: true });
  }
  return stopped;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A pid can be reused: only a process that still runs an agent command line is stopped. */
function looksLikeAgent(pid: number): boolean {
  try {
    return /claude/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return process.platform !== 'linux'; // no /proc: the recorded pid is all there is
  }
}
