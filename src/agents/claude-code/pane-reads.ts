// Cheaper looks at a watched pane. Every session is watched every 300 ms: a tmux process for the pane list and one
// for the screen each time, from a worker process whose every fork is dear, was most of an 8-pane run's process
// starts. The sessions of one tmux session now share one pane list per look, and a screen is captured again only
// when the pane wrote something since (its output is piped to the pane log) or the last capture is a while old.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
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

const dirWatchers = new Map<string, { watcher: FSWatcher; subscribers: Set<(name: string) => void> }>();

/** One inotify watch per run dir, shared by its sessions; undefined where watching is not possible (polling goes on). */
function dirWatcher(dir: string) {
  const known = dirWatchers.get(dir);
  if (known) return known;
  try {
    const watcher = watch(dir, { persistent: false });
    const entry = { watcher, subscribers: new Set<(name: string) => void>() };
    watcher.on('change', (_event, filename) => {
      for (const notify of entry.subscribers) notify(String(filename));
    });
    watcher.on('error', () => {
      watcher.close();
      if (dirWatchers.get(dir) === entry) dirWatchers.delete(dir);
    });
    dirWatchers.set(dir, entry);
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * A watcher's pause between looks that ends early when one of `files` (its exit file, its hook events) changes: the
 * end of a session is seen at once instead of up to a poll later.
 */
export function pauseUntilChanged(files: readonly string[]) {
  const dir = path.dirname(files[0]);
  const wanted = new Set(files.map((file) => path.basename(file)));
  let changed = false;
  let wakeUp: (() => void) | undefined;
  const onChange = (name: string): void => {
    if (!wanted.has(name)) return;
    changed = true;
    wakeUp?.();
  };
  const entry = dirWatcher(dir);
  entry?.subscribers.add(onChange);
  return {
    pause(ms: number, signal?: AbortSignal): Promise<void> {
      if (changed || signal?.aborted) {
        changed = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wakeUp = undefined;
          changed = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        wakeUp = done;
      });
    },
    close(): void {
      wakeUp?.();
      if (!entry) return;
      entry.subscribers.delete(onChange);
      if (entry.subscribers.size === 0 && dirWatchers.get(dir) === entry) {
        entry.watcher.close();
        dirWatchers.delete(dir);
      }
    },
  };
}
