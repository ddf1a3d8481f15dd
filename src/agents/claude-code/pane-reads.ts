// Cheaper looks at a watched pane. Every session is watched every 300 ms: a tmux process for the pane list and one
// for the screen each time, from a worker process whose every fork is dear, was most of an 8-pane run's process
// starts. The sessions of one tmux session now share one pane list per look, and a screen is captured again only
// when the pane wrote something since (its output is piped to the pane log) or the last capture is a while old.
import { stat } from 'node:fs/promises';
import type { PaneInfo, TmuxAdapter } from '../../adapters/tmux.js';

/** A pane list younger than this answers every watcher that asks meanwhile. */
const SHARED_LIST_MS = 150;
/** Captured again after this even when the pane log did not grow (a resize redraws without output). */
const SCREEN_MAX_AGE_MS = 2_000;

const lists = new WeakMap<TmuxAdapter, Map<string, { at: number; panes: Promise<PaneInfo[]> }>>();

/** The session's panes, as one `list-panes` begun at most SHARED_LIST_MS ago saw them (a failed one is not kept). */
export function sharedPaneList(tmux: TmuxAdapter, session: string): Promise<PaneInfo[]> {
  let bySession = lists.get(tmux);
  if (!bySession) lists.set(tmux, (bySession = new Map()));
  const recent = bySession.get(session);
  if (recent && Date.now() - recent.at < SHARED_LIST_MS) return recent.panes;
  const entry = { at: Date.now(), panes: tmux.listPanes(session) };
  bySession.set(session, entry);
  entry.panes.catch(() => {
    if (bySession.get(session) === entry) bySession.delete(session);
  });
  return entry.panes;
}

/** Reads the pane's screen, capturing it only when its log grew since the last capture (or that is old). */
export function screenReader(capture: () => Promise<string>, paneLog: string, maxAgeMs = SCREEN_MAX_AGE_MS)
  : () => Promise<string> {
  let size = -1;
  let at = 0;
  let screen = '';
  return async () => {
    // Read before capturing: output that comes in between is in this capture and makes the next read capture again.
    const now = await stat(paneLog).then((s) => s.size, () => -1);
    if (now >= 0 && now === size && screen && Date.now() - at < maxAgeMs) return screen;
    screen = await capture();
    size = now;
    at = Date.now();
    return screen;
  };
}
