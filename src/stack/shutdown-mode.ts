// How `ccp down` asks the worker to stop: the mode is written to a file before the SIGTERM, so the worker knows
// what to do with the agent sessions it runs. Nothing in flight fails in any mode.
//  - detach (default): agents keep running in tmux; the next `ccp up` re-attaches (their hooks wait meanwhile);
//  - drain: start no new session, wait for the running ones to end, then stop;
//  - now: stop the agents; their subissues go back to the queue and resume their conversations later.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type ShutdownMode = 'detach' | 'drain' | 'now';
export const SHUTDOWN_MODES: readonly ShutdownMode[] = ['detach', 'drain', 'now'];

export const shutdownModeFile = (runDir: string): string => path.join(runDir, 'shutdown-mode');

export function writeShutdownMode(runDir: string, mode: ShutdownMode): void {
  writeFileSync(shutdownModeFile(runDir), `${mode}\n`, { mode: 0o600 });
}

/** The mode `ccp down` asked for (detach when the worker was stopped some other way), consumed once read. */
export function takeShutdownMode(runDir: string): ShutdownMode {
  let text = '';
  try {
    text = readFileSync(shutdownModeFile(runDir), 'utf8').trim();
  } catch {
    // a plain SIGTERM (e.g. the system shutting down): leave the agents running, like `ccp down`
  }
  rmSync(shutdownModeFile(runDir), { force: true });
  return (SHUTDOWN_MODES as readonly string[]).includes(text) ? text as ShutdownMode : 'detach';
}
