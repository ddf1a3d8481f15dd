// Worker panes follow a host's live count: how many a window holds without going below Claude Code's dialog size,
// which window a new pane goes to, and which panes go first when there are too many.
import { MIN_WORKER_PANE, nextWorkerNumber, planWorkerPanes, tiledGrid, windowCapacity, windowWithRoom,
  type WorkerPaneState } from '../../src/core/pane-layout.js';

test('tmux tiles n panes in these rows and columns', () => {
  expect([1, 2, 3, 4, 5, 9, 10, 13].map((n) => tiledGrid(n))).toEqual([
    { rows: 1, columns: 1 }, { rows: 2, columns: 1 }, { rows: 2, columns: 2 }, { rows: 2, columns: 2 },
    { rows: 3, columns: 2 }, { rows: 3, columns: 3 }, { rows: 4, columns: 3 }, { rows: 4, columns: 4 }]);
});

test("the session's 220x60 window holds the dashboard and 8 workers at 72x18; a 10th pane would be narrower", () => {
  expect(windowCapacity({ width: 220, height: 60 })).toBe(9);
  expect(MIN_WORKER_PANE).toEqual({ width: 72, height: 18 });
  // Smaller windows (a small terminal attached) hold fewer; one pane always fits, however small.
  expect(windowCapacity({ width: 150, height: 40 })).toBe(4);
  expect(windowCapacity({ width: 80, height: 24 })).toBe(1);
  expect(windowCapacity({ width: 20, height: 10 })).toBe(1);
});

test('a new pane goes to the first window with room, else to a new one', () => {
  const full = { id: '@1', width: 220, height: 60, panes: 9 };
  expect(windowWithRoom([full, { id: '@2', width: 220, height: 60, panes: 3 }])).toBe('@2');
  expect(windowWithRoom([{ ...full, panes: 5 }, { id: '@2', width: 220, height: 60, panes: 3 }])).toBe('@1');
  expect(windowWithRoom([full])).toBeUndefined();
});

const pane = (id: string, window: number, index: number, busy = false, retiring = false): WorkerPaneState =>
  ({ id, window, index, busy, retiring });

test('fewer workers: free panes go now, the last windows first; then busy ones are marked to go when they end', () => {
  const panes = [pane('%1', 0, 1, true), pane('%2', 0, 2), pane('%3', 0, 3, true), pane('%9', 1, 0), pane('%10', 1, 1, true)];
  expect(planWorkerPanes(panes, 3)).toEqual({ remove: ['%9', '%2'], retire: [], keep: [], add: 0 });
  expect(planWorkerPanes(panes, 1)).toEqual({ remove: ['%9', '%2'], retire: ['%10', '%3'], keep: [], add: 0 });
  // Already marked: not marked again.
  expect(planWorkerPanes([pane('%1', 0, 1, true), pane('%2', 0, 2, true, true)], 1))
    .toEqual({ remove: [], retire: [], keep: [], add: 0 });
});

test('a marked busy pane whose place a free pane takes is kept; more workers keep marked panes before adding', () => {
  // %3 was marked; %1 became free meanwhile: %1 goes now and %3 stays.
  expect(planWorkerPanes([pane('%1', 0, 1), pane('%2', 0, 2, true), pane('%3', 0, 3, true, true)], 2))
    .toEqual({ remove: ['%1'], retire: [], keep: ['%3'], add: 0 });
  expect(planWorkerPanes([pane('%1', 0, 1, true), pane('%2', 0, 2, true, true)], 4))
    .toEqual({ remove: [], retire: [], keep: ['%2'], add: 2 });
  expect(planWorkerPanes([], 0)).toEqual({ remove: [], retire: [], keep: [], add: 0 });
});

test('a new pane takes the lowest worker number free', () => {
  expect(nextWorkerNumber([])).toBe(1);
  expect(nextWorkerNumber([1, 2, 4])).toBe(3);
});
