// Removing a test's directory after its tmux server was killed: the agents in its panes end on their own time
// (Claude Code writes its session files as it exits, for seconds on a loaded machine), and a directory removed
// under them fills up again. So first wait for every process working in or started from the directory to end.
import { readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';

const GONE_WAIT_MS = 30_000;

/** Processes whose working directory or command line is inside `dir`. */
export function processesUnder(dir: string): number[] {
  const inside = (p: string): boolean => p === dir || p.startsWith(`${dir}/`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (inside(cwd) || argv.some((arg) => arg.includes(`${dir}/`) || arg === dir)) pids.push(pid);
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Removes `dir` once nothing runs in it (kept with CCP_KEEP_TEST_DIRS=1 for a look afterwards). */
export async function removeTestDir(dir: string): Promise<void> {
  const until = Date.now() + GONE_WAIT_MS;
  let left = processesUnder(dir);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = processesUnder(dir);
  }
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (!process.env.CCP_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
