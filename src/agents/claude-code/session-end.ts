// How a watched session ends: SIGINT after the turn (`/exit` typed when that does not end it), stop on timeout or
// cancellation, and the one source of truth for the outcome — the wrapper's exit file, read again after the pane is
// seen dead (it is written, atomically, before the pane's process ends). A pane that is gone altogether (its tmux server or session went away) is a lost
// session, not an agent failure: the caller resumes its conversation elsewhere.
import { readFile } from 'node:fs/promises';
import type { AgentProgress, AgentSessionResult, ApprovalRecord } from '../types.js';
import { readExitCode, type SessionFiles } from './session-files.js';
import { sleep } from '../pane-pool.js';
import type { PaneInfo, TmuxAdapter } from '../../adapters/tmux.js';
import { detectDialog } from './dialogs.js';
import { sharedPaneList } from './pane-reads.js';

// Typed `/exit` opens the command menu; Enter too early would submit the half-drawn menu.
const EXIT_TYPE_TO_ENTER_MS = 700;
const EXIT_GRACE_MS = 20_000;
const EXIT_RETRY_MS = 5_000;
const STOP_GRACE_MS = 3_000;
// Claude Code exits at once, cleanly (SessionEnd hooks, code 0), on SIGINT; measured at 0.3-0.5 s on a loaded machine.
const INTERRUPT_GRACE_MS = 5_000;
const EXIT_FILE_POLL_MS = 50;
// The input box still holds the typed command.
const EXIT_TYPED = /^\s*❯ \/exit\s*$/m;

/** The pane a session runs in, and what ending it needs. */
export interface SessionPane {
  tmux: TmuxAdapter;
  session: string;
  paneId: string;
  label: string;
  files: SessionFiles;
  pollIntervalMs: number;
  /** Every decision of the session, in order (shared with the hook's decisions); the watcher appends its own. */
  approvals: ApprovalRecord[];
  onProgress?: (progress: AgentProgress) => void;
}

export interface WatchResult {
  exitCode: number | null;
  endedBy: AgentSessionResult['endedBy'];
  reason?: string;
  approvals: ApprovalRecord[];
  lastScreen: string;
}

/** Live, ended (remain-on-exit keeps the pane) or gone (the pane, its session or the whole tmux server). */
export type PaneState = 'alive' | 'dead' | 'gone';

export async function paneState(pane: SessionPane): Promise<PaneState> {
  try {
    const wrapper = Number((await readFile(pane.files.pid, 'utf8').catch(() => '')).trim());
    const judge = (panes: PaneInfo[]): PaneState => {
      const found = panes.find((p) => p.id === pane.paneId);
      // A tmux server started anew reuses pane ids: a pane that runs another process than this session's wrapper
      // (whose pid is the pane's) is not this session's pane.
      if (!found || (wrapper && found.pid !== wrapper)) return 'gone';
      return found.dead ? 'dead' : 'alive';
    };
    // The list shared with the other watchers answers "alive"; it may predate this pane's respawn, so an end is
    // confirmed by a list of its own.
    const shared = judge(await sharedPaneList(pane.tmux, pane.session));
    return shared === 'alive' ? shared : judge(await pane.tmux.listPanes(pane.session));
  } catch {
    // No server or no session: gone. A server that still has the session failed us once: look again next poll.
    return (await pane.tmux.hasSession(pane.session).catch(() => false)) ? 'alive' : 'gone';
  }
}

/**
 * The outcome of a session whose pane has ended or gone: the exit file decides (read now, after the pane was seen
 * dead, so a code written just before is not missed). A vanished pane without a clean exit is lost, not failed.
 */
export async function endedOutcome(pane: SessionPane, state: Exclude<PaneState, 'alive'>, screen: string,
  endedBy: 'exit' | 'stop-hook' = 'exit'): Promise<WatchResult> {
  const exitCode = (await readExitCode(pane.files.exit)) ?? null;
  const lost = state === 'gone' && exitCode !== 0;
  return { exitCode, endedBy: lost ? 'lost' : endedBy, approvals: pane.approvals, lastScreen: screen };
}

/**
 * The turn is over: interrupt the agent (SIGINT: no typed /exit, its pause and its Enter, which cost seconds) and
 * wait for the wrapper's exit file (or a dead pane); type /exit when that did not end it; kill as a last resort.
 */
export async function exitAgent(pane: SessionPane): Promise<WatchResult> {
  const exited = await interruptAgent(pane, INTERRUPT_GRACE_MS) ?? await requestExit(pane, EXIT_GRACE_MS);
  if (exited) return exited.state ? endedOutcome(pane, exited.state, exited.screen, 'stop-hook')
    : { exitCode: exited.exitCode, endedBy: 'stop-hook', approvals: pane.approvals, lastScreen: exited.screen };
  const lastScreen = await capture(pane);
  await kill(pane, 'did not exit after /exit');
  // It may have exited (and recorded its code) between the last look and the kill.
  return { exitCode: (await readExitCode(pane.files.exit)) ?? null, endedBy: 'stop-hook', approvals: pane.approvals,
    lastScreen };
}

/** Timeout or cancellation: ask the agent to exit, then kill it; the pane shows why. */
export async function stopAgent(pane: SessionPane, endedBy: 'timeout' | 'cancelled'): Promise<WatchResult> {
  pane.onProgress?.({ phase: 'exiting', paneId: pane.paneId, approvals: pane.approvals.length });
  const lastScreen = await capture(pane);
  const exited = await requestExit(pane, STOP_GRACE_MS);
  if (!exited) await kill(pane, endedBy === 'timeout' ? 'timed out' : 'cancelled');
  const exitCode = exited ? exited.exitCode ?? (await readExitCode(pane.files.exit)) ?? null : null;
  return { exitCode, endedBy, approvals: pane.approvals, lastScreen: exited?.screen || lastScreen };
}

/** Types /exit (again if it got lost) until the exit file appears or the pane ends; `state` says how it ended
 * when the exit file was not there first. Undefined when the agent is still running after `graceMs`. */
async function requestExit(pane: SessionPane, graceMs: number): Promise<Ended | undefined> {
  const { tmux, paneId } = pane;
  const until = Date.now() + graceMs;
  // On a loaded machine the first /exit can be lost (typed before the input box takes keys, or Enter applied to a
  // half-drawn menu): look again and finish or retype it.
  for (let attempt = 0; Date.now() < until; attempt++) {
    try {
      const screen = await capture(pane);
      // A dialog or a half-typed line would swallow the command: clear them first.
      if (detectDialog(screen)) await tmux.sendKeys(paneId, 'Escape');
      if (attempt === 0 || !EXIT_TYPED.test(screen)) await tmux.sendText(paneId, '/exit');
      await sleep(EXIT_TYPE_TO_ENTER_MS);
      await tmux.sendKeys(paneId, 'Enter');
    } catch {
      // the pane is gone: fall through to the checks below
    }
    const ended = await waitForEnd(pane, Math.min(until, Date.now() + EXIT_RETRY_MS));
    if (ended) return ended;
  }
  return undefined;
}

type Ended = { exitCode: number | null; screen: string; state?: Exclude<PaneState, 'alive'> };

/** Sends SIGINT to the agent process the wrapper recorded and waits for it to end; undefined when there is no such
 * record (a session an older ccp started) or it is still running after `graceMs`. */
async function interruptAgent(pane: SessionPane, graceMs: number): Promise<Ended | undefined> {
  const pid = Number((await readFile(pane.files.agentPid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // Already ended (its exit file is there): no signal to a pid that may be another process's by now.
  if (await readExitCode(pane.files.exit) === undefined) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // gone meanwhile: the wait below sees how it ended
    }
  }
  return waitForEnd(pane, Date.now() + graceMs);
}

/** Polls until the exit file appears or the pane ends (`state` says how, when the exit file was not there first):
 * the file (a cheap read) often, so the end is seen within moments; the pane (a tmux call) at the watcher's pace. */
async function waitForEnd(pane: SessionPane, until: number): Promise<Ended | undefined> {
  let paneCheckAt = 0;
  do {
    const exitCode = await readExitCode(pane.files.exit);
    if (exitCode !== undefined) return { exitCode, screen: await capture(pane) };
    if (Date.now() >= paneCheckAt) {
      const state = await paneState(pane);
      if (state !== 'alive') return { exitCode: null, screen: await capture(pane), state };
      paneCheckAt = Date.now() + pane.pollIntervalMs;
    }
    await sleep(Math.min(EXIT_FILE_POLL_MS, pane.pollIntervalMs));
  } while (Date.now() < until);
  return undefined;
}

export async function kill(pane: SessionPane, why: string): Promise<void> {
  const message = `[ccp] ${pane.label}: agent stopped (${why})`;
  await pane.tmux.respawnPane(pane.paneId, `printf '%s\\n' '${message.replace(/'/g, '')}'`, '/').catch(() => undefined);
}

export async function capture(pane: SessionPane): Promise<string> {
  return pane.tmux.capturePane(pane.paneId).catch(() => '');
}
