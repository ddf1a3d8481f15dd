// How the worker panes of the tmux session follow a host's live worker count (`ccp workers add|remove|set`): which
// window a new pane goes to, and which panes go when there are too many. Pure: the tmux adapter and the worker's
// reconciler (src/worker/live-workers.ts) do the I/O.

export interface Size {
  width: number;
  height: number;
}

/** The smallest pane Claude Code's dialogs are known to work in: 8 workers and the dashboard tiled in the session's
 * 220×60 window (test/integration/claude-code-workers.test.ts). Narrower panes wrap the dialogs further. */
export const MIN_WORKER_PANE: Size = { width: 72, height: 18 };

/** Rows and columns of tmux's `tiled` layout for n panes (tmux's own rule, layout-set.c). */
export function tiledGrid(n: number): { rows: number; columns: number } {
  let rows = 1;
  let columns = 1;
  while (rows * columns < n) {
    rows++;
    if (rows * columns < n) columns++;
  }
  return { rows, columns };
}

/** How many panes a window of this size holds, tiled, none smaller than `min` (at least 1: a window is never empty).
 * Each row of panes gives one line to its border title (pane-border-status top), columns one to the separator. */
export function windowCapacity(window: Size, min: Size = MIN_WORKER_PANE): number {
  const fits = (n: number): boolean => {
    const { rows, columns } = tiledGrid(n);
    const width = Math.floor((window.width - (columns - 1)) / columns);
    const height = Math.floor((window.height - rows) / rows) - 1;
    return width >= min.width && height >= min.height;
  };
  let n = 1;
  while (n < 64 && fits(n + 1)) n++;
  return n;
}

export interface WindowState extends Size {
  id: string;
  /** Panes in the window now, the dashboard included. */
  panes: number;
}

/** The window a new pane goes to: the first one with room; undefined when every one is full (open another). */
export function windowWithRoom(windows: WindowState[], min: Size = MIN_WORKER_PANE): string | undefined {
  return windows.find((w) => w.panes < windowCapacity(w, min))?.id;
}

export interface WorkerPaneState {
  id: string;
  /** Window order in the session (0 = the dashboard's), then the pane's index in it. */
  window: number;
  index: number;
  /** An agent session holds it (its @ccp_task is set). */
  busy: boolean;
  /** Marked to go (@ccp_retiring): no new session takes it. */
  retiring: boolean;
}

export interface PanePlan {
  /** Free panes beyond the count: removed now. */
  remove: string[];
  /** Busy panes beyond the count: marked, removed once their session ends. */
  retire: string[];
  /** Marked panes needed again (the count went up, or a free pane goes in their place): unmarked. */
  keep: string[];
  /** New panes to open. */
  add: number;
}

/**
 * What to do so the host has `workers` worker panes. Beyond the count, free panes go first (now), then busy ones
 * (marked, removed when their agent ends), the last windows' first so windows empty out; a marked busy pane whose
 * place a free pane can take is unmarked. Below the count, marked panes are kept before new ones are opened.
 */
export function planWorkerPanes(panes: WorkerPaneState[], workers: number): PanePlan {
  const excess = Math.max(0, panes.length - workers);
  const lastFirst = [...panes].sort((a, b) => b.window - a.window || b.index - a.index);
  const going = [...lastFirst.filter((p) => !p.busy), ...lastFirst.filter((p) => p.busy)].slice(0, excess);
  const goingIds = new Set(going.map((p) => p.id));
  return {
    remove: going.filter((p) => !p.busy).map((p) => p.id),
    retire: going.filter((p) => p.busy && !p.retiring).map((p) => p.id),
    keep: panes.filter((p) => p.retiring && !goingIds.has(p.id)).map((p) => p.id),
    add: Math.max(0, workers - panes.length),
  };
}

/** The number a new worker pane shows ("worker 3: idle"): the lowest one no pane has. */
export function nextWorkerNumber(taken: number[]): number {
  let n = 1;
  while (taken.includes(n)) n++;
  return n;
}
