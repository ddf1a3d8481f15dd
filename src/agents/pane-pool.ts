// Hands out worker panes of a tmux session to agent sessions: a pane is free when its @ccp_task is empty, it is not
// marked to go (@ccp_retiring, `ccp workers remove`) and no session of this process holds it. The in-process claim set makes check-and-take atomic between concurrent
// sessions; @ccp_task makes the claim visible to the dashboard and to other processes.
import { NoFreePane } from './types.js';
import type { PaneInfo, TmuxAdapter } from '../adapters/tmux.js';

const CLAIM_RETRY_MS = 500;

// Keyed by tmux server and session, shared by every adapter instance of this process.
const claimed = new Map<string, Set<string>>();

export interface ClaimInput {
  tmux: TmuxAdapter;
  session: string;
  label: string;
  signal?: AbortSignal;
  /** Called once while waiting because every worker pane is busy. */
  onWait?: () => void;
  /**
   * Give up after waiting this long (NoFreePane): the caller's slot is then free for the session that will
   * release a pane — e.g. the retry that re-attaches to a pane a crashed worker left labelled. Default: wait on.
   */
  maxWaitMs?: number;
  /** A pane labelled for another session that may be taken anyway (its session ended long ago, nobody came back). */
  reclaimable?: (pane: PaneInfo) => boolean | Promise<boolean>;
}

const poolKey = (tmux: TmuxAdapter, session: string): string => `${tmux.socketPath ?? 'default'}|${session}`;

export class PaneClaimAborted extends Error {
  constructor() {
    super('cancelled while waiting for a free worker pane');
    this.name = 'PaneClaimAborted';
  }
}

export interface ClaimedPane {
  id: string;
  /** The pane already carried this label: a worker process that died left it, maybe with the session running. */
  wasLabelled: boolean;
}

/**
 * Takes a free worker pane and marks it with the label; waits while none is free. A pane still marked with this
 * same label (left by a crashed earlier attempt) is taken first, so its session can be re-attached.
 */
export async function claimPane(input: ClaimInput): Promise<ClaimedPane> {
  const { tmux, session, label, signal, onWait } = input;
  const key = poolKey(tmux, session);
  let held = claimed.get(key);
  if (!held) claimed.set(key, (held = new Set()));
  const deadline = input.maxWaitMs === undefined ? Infinity : Date.now() + input.maxWaitMs;
  let waited = false;
  for (;;) {
    if (signal?.aborted) throw new PaneClaimAborted();
    const panes = await tmux.listPanes(session);
    const workers = panes.filter((p) => p.role === 'worker' && !held.has(p.id));
    if (panes.filter((p) => p.role === 'worker').length === 0) {
      throw new Error(`tmux session "${session}" has no worker panes`);
    }
    const stale = new Set<string>();
    for (const p of workers) if (p.task !== '' && p.task !== label && (await input.reclaimable?.(p))) stale.add(p.id);
    // No await between the check and the add: two sessions of this process cannot take the same pane. A pane marked
    // to go takes no new session, but the one it still runs (re-attaching) gets it back.
    const pane = workers.find((p) => p.task === label)
      ?? workers.find((p) => !p.retiring && (p.task === '' || stale.has(p.id)));
    if (pane) {
      held.add(pane.id);
      try {
        await tmux.setPaneOption(pane.id, '@ccp_task', label);
      } catch (err) {
        held.delete(pane.id);
        throw err;
      }
      return { id: pane.id, wasLabelled: pane.task === label };
    }
    if (Date.now() >= deadline) throw new NoFreePane(session, workers.map((p) => `${p.id} ${p.task}`));
    if (!waited) onWait?.();
    waited = true;
    await sleep(CLAIM_RETRY_MS, signal);
  }
}

/** Frees the pane: clears @ccp_task (best effort: the pane may be gone) and drops the in-process claim. */
export async function releasePane(tmux: TmuxAdapter, session: string, paneId: string): Promise<void> {
  try {
    await tmux.setPaneOption(paneId, '@ccp_task', '');
  } finally {
    claimed.get(poolKey(tmux, session))?.delete(paneId);
  }
}

/**
 * Removes a worker pane if it is free (`ccp workers remove`): marked first, so no other process takes it, and held
 * like a claim meanwhile, so no session of this one does. False when a session has it (it stays marked, so it goes
 * once that session ends, unless the caller unmarks it).
 */
export async function removeFreePane(tmux: TmuxAdapter, session: string, paneId: string): Promise<boolean> {
  const key = poolKey(tmux, session);
  let held = claimed.get(key);
  if (!held) claimed.set(key, (held = new Set()));
  if (held.has(paneId)) return false;
  held.add(paneId);
  try {
    await tmux.setPaneOption(paneId, '@ccp_retiring', '1');
    const pane = (await tmux.listPanes(session)).find((p) => p.id === paneId);
    if (!pane) return true;
    if (pane.task !== '') return false;
    await tmux.removePane(paneId);
    return true;
  } finally {
    held.delete(paneId);
  }
}

/** Drops this process's claim on the pane and leaves its label: the session in it stays findable by that label. */
export function forgetClaim(tmux: TmuxAdapter, session: string, paneId: string): void {
  claimed.get(poolKey(tmux, session))?.delete(paneId);
}

/** Resolves after `ms`, or early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
