// The targets of issue 10 (N=40, W=8, no-op agent, a quiet 2-core machine), judged on a compare run's figures.
// They are the bench's verdict, apart from `ok` (the run itself worked): a bench, never a timed test.

export interface CompareFigures {
  n: number;
  workers: number;
  ccpOverPueue: number | null;
  ccpOverBash: number | null;
  overheadMs: { p95: number };
  sessionOverheadMs: { p50: number };
  dispatchMs: { p95: number };
  idlePercentWhileQueued: number;
  workerRssMB: number;
  scale: { n: number; overheadMs: { p50: number } }[];
}

export interface TargetVerdict {
  target: string;
  value: number | null;
  /** null: not measured in this run (CCP_BENCH_SCALE=off). */
  met: boolean | null;
}

export function judgeTargets(f: CompareFigures): { targets: Record<string, TargetVerdict>; targetsMet: boolean; targetsAsSpecified: boolean } {
  const at = (n: number) => f.scale.find((s) => s.n === n)?.overheadMs.p50;
  const small = at(10);
  const large = at(100);
  const growth = small !== undefined && large !== undefined && small > 0 ? Math.round((large / small) * 100) / 100 : null;
  const atMost = (target: string, value: number | null, limit: number): TargetVerdict =>
    ({ target, value, met: value === null ? null : value <= limit });
  const targets = {
    ccpOverPueue: atMost('<= 2.0', f.ccpOverPueue, 2),
    ccpOverBash: atMost('<= 0.5', f.ccpOverBash, 0.5),
    overheadP95Ms: atMost('<= 1500', f.overheadMs.p95, 1500),
    sessionOverheadP50Ms: atMost('<= 1000 (real Claude Code)', f.sessionOverheadMs.p50, 1000),
    dispatchP95Ms: atMost('<= 250', f.dispatchMs.p95, 250),
    idlePercentWhileQueued: atMost('<= 5', f.idlePercentWhileQueued, 5),
    overheadP50GrowthN100OverN10: atMost('<= 1.2', growth, 1.2),
    workerRssMB: atMost('<= 400', f.workerRssMB, 400),
  };
  return {
    targets,
    // Every target measured and met; a skipped one (null) leaves it false.
    targetsMet: Object.values(targets).every((t) => t.met === true),
    // The targets are stated for N=40 on 8 workers: a quick run's verdict is only indicative.
    targetsAsSpecified: f.n === 40 && f.workers === 8,
  };
}
