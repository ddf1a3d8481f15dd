// Claude Code writes `~/.claude.json` under a proper-lockfile lock: the directory `<file>.lock`, taken with mkdir,
// stale once its mtime is 10 s old. ccp's own edits (trust, onboarding, API key) take the same lock: without it, a
// session starting while another pre-trusts its worktree could write back its older copy and drop the trust entry
// (seen with 8 sessions starting at once: a trust dialog on screen despite pre-trust).
import { mkdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** proper-lockfile's default: a holder refreshes the mtime every 5 s, so 10 s untouched means it died. */
const STALE_MS = 10_000;
const WAIT_LIMIT_MS = 30_000;

export class ConfigLockTimeout extends Error {
  constructor(lockPath: string) {
    super(`${lockPath} stayed locked for ${WAIT_LIMIT_MS / 1000} s; if no Claude Code runs, remove that directory`);
  }
}

/** Runs `fn` holding Claude Code's lock on `configFile`. */
export async function withClaudeConfigLock<T>(configFile: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${configFile}.lock`;
  await mkdir(path.dirname(configFile), { recursive: true });
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    try {
      await mkdir(lockPath);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockPath)) {
        await rmdir(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new ConfigLockTimeout(lockPath);
      await sleep(20 + Math.random() * 40);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lockPath).catch(() => undefined);
  }
}

async function isStale(lockPath: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lockPath)).mtimeMs > STALE_MS;
  } catch {
    return false; // gone already: the next mkdir decides
  }
}
