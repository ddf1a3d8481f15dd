// The bench's definitions (bench/support/timeline.ts) on hand-made records: what counts as overhead, pane wait,
// dispatch and idle, so the figures in the README mean what it says.
import { parentSizes } from '../../bench/support/ccp-run.js';
import type { SubissueRecord } from '../../bench/support/records.js';
import { judgeTargets } from '../../bench/support/targets.js';
import { claudeSessions, idlePercentWhileQueued, overheadByStep, percentiles, subissueSteps } from '../../bench/support/timeline.js';

/** A subissue started at `t`: worktree 1 s, slot asked at t+1000, granted at `granted`, agent step 100 ms later. */
function record(number: number, t: number, granted: number, released: number): SubissueRecord {
  const agentStarted = granted + 100;
  return {
    number, startedMs: t, slotRequestedMs: t + 1000, slotGrantedMs: granted, slotReleasedMs: released,
    agentStartMs: agentStarted + 400, agentEndMs: agentStarted + 2400,
    activities: [
      { name: 'prepareWorktree', scheduledMs: t, startedMs: t + 10, completedMs: t + 900 },
      { name: 'runAgent', scheduledMs: granted + 50, startedMs: agentStarted, completedMs: agentStarted + 2700 },
      { name: 'commitAndPush', scheduledMs: agentStarted + 2800, startedMs: agentStarted + 2810, completedMs: agentStarted + 3000 },
      { name: 'openPullRequest', scheduledMs: agentStarted + 3000, startedMs: agentStarted + 3010, completedMs: agentStarted + 3200 },
      { name: 'removeWorktree', scheduledMs: agentStarted + 3300, startedMs: agentStarted + 3310, completedMs: agentStarted + 3500 },
    ],
  };
}

describe('bench timeline', () => {
  // One pane: #1 asks at 1000 and gets it at 1020; #2 asks at 1000 too, but only gets the pane #1 gives back at 3800.
  const one = record(1, 0, 1020, 3800);
  const two = record(2, 0, 3850, 7000);

  test('the second subissue waits for the pane: that wait is no overhead, and its dispatch counts from the release', () => {
    const [a, b] = subissueSteps([one, two], 1);
    expect(a).toMatchObject({ paneWaitMs: 0, dispatchMs: 120, sessionStartMs: 400, agentMs: 2000, exitHandlingMs: 300 });
    expect(b).toMatchObject({ paneWaitMs: 2800, dispatchMs: 150, sessionStartMs: 400, agentMs: 2000 });
    expect(a.spanMs).toBe(1020 + 100 + 3200);
    expect(a.overheadMs).toBe(a.spanMs - 2000);
    expect(b.overheadMs).toBe(b.spanMs - 2000 - 2800);
    expect(a.activities).toEqual({ prepareWorktree: 900, commitAndPush: 200, openPullRequest: 200 });
    expect(a.afterPr).toEqual({ removeWorktree: 200 });
    // Everything else in the span is between steps.
    expect(a.betweenStepsMs).toBe(a.spanMs - 1300 - 0 - 120 - 400 - 2000 - 300);
    expect(overheadByStep([a, b])).toMatchObject({ prepareWorktree: 900, 'removeWorktree (after PR)': 200, sessionStart: 400 });
  });

  test('idle: pane time without an agent while something waits for one, over the time such work could use', () => {
    // One pane, #1 alone: it waits 1000 → 1520 for its agent process (idle), then its agent runs (busy, nothing queued).
    expect(idlePercentWhileQueued([one], 1)).toBe(100);
    // Both: #2 waits 1000 → 4350; the pane is idle 1000 → 1520 and 3520 (#1's agent ended) → 4350, busy between.
    const idle = 520 + (4350 - 3520);
    expect(idlePercentWhileQueued([one, two], 1)).toBe(Math.round((idle / (4350 - 1000)) * 1000) / 10);
  });

  test('Claude Code: its start-up runs to its first model request; the rest of the step beside its conversation is ccp', () => {
    const claude = { ...one, firstModelMs: one.agentStartMs! + 1500, lastModelMs: one.agentStartMs! + 1900 };
    expect(claudeSessions([claude, two])).toEqual({ startupMs: [1500], sessionOverheadMs: [2700 - 1500 - 400] });
  });

  test('percentiles, parent sizes and targets', () => {
    expect(percentiles([5, 1, 4, 2, 3])).toEqual({ p50: 3, p95: 5 });
    expect(percentiles([])).toEqual({ p50: 0, p95: 0 });
    expect(parentSizes(40)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    expect(parentSizes(8)).toEqual([5, 3]);
    expect(parentSizes(11)).toEqual([5, 4, 2]);
    expect(() => parentSizes(1)).toThrow();
    const figures = { n: 40, workers: 8, ccpOverPueue: 1.5, ccpOverBash: 0.4, overheadMs: { p95: 1400 }, sessionOverheadMs: { p50: 900 },
      dispatchMs: { p95: 200 }, idlePercentWhileQueued: 4, workerRssMB: 300,
      scale: [{ n: 10, overheadMs: { p50: 1000 } }, { n: 100, overheadMs: { p50: 1100 } }] };
    expect(judgeTargets(figures)).toMatchObject({ targetsMet: true, targetsAsSpecified: true });
    const slow = judgeTargets({ ...figures, ccpOverPueue: 12, scale: [] });
    expect(slow.targetsMet).toBe(false);
    expect(slow.targets.ccpOverPueue.met).toBe(false);
    expect(slow.targets.overheadP50GrowthN100OverN10).toMatchObject({ value: null, met: null });
  });
});
