// `npm run bench -- --compare`: the same n subissues (a checkout, one commit, a push, one PR call) done on this machine
// in one run, one after the other, by pueue alone, by the seed's bash worker loop (5 s polling), by ccp with a no-op
// agent (CCP_AGENT_COMMAND) and by ccp with real Claude Code on the scripted model; then ccp at n=10 and n=100 for
// how its overhead scales. The last stdout line is one JSON object (README: Benchmark); everything else goes to stderr.
import { fileURLToPath } from 'node:url';
import { runBashLoop, runPueueAlone, type BaselineResult } from './support/baselines.js';
import type { CcpRun, CcpRunOptions } from './support/ccp-run.js';
import { activity } from './support/records.js';
import { claudeSessions, idlePercentWhileQueued, overheadByStep, percentiles, subissueSteps } from './support/timeline.js';
import { emitResult, runChild } from './support/emit.js';
import { judgeTargets } from './support/targets.js';

const N = Number(process.env.CCP_BENCH_N ?? 40);
const WORKERS = Number(process.env.CCP_BENCH_WORKERS ?? 8);
const CLAUDE_N = Number(process.env.CCP_BENCH_CLAUDE_N ?? N);
const SCALE = process.env.CCP_BENCH_SCALE !== 'off';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
/** A ratio of two times, null when either is missing (a run that produced no records). */
const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? round(a / b) : null);
const log = (line: string) => console.error(`[bench] ${line}`);

/** A ccp run's figures; `errors` empty and every PR there is what makes it count. */
function figures(run: CcpRun, n: number, workers: number) {
  const steps = subissueSteps(run.records, workers);
  const firstStart = Math.min(...run.records.map((r) => r.startedMs));
  const lastPr = Math.max(...run.records.map((r) => activity(r, 'openPullRequest')?.completedMs ?? 0));
  const measured = run.records.length > 0 && lastPr > 0;
  const errors = [...run.errors];
  if (run.prs !== n) errors.push(`${run.prs} of ${n} PRs opened`);
  if (steps.length !== n) errors.push(`${steps.length} of ${n} subissues have complete records`);
  return {
    errors,
    seconds: measured ? round((lastPr - firstStart) / 1000) : null,
    planSeconds: measured ? round((firstStart - run.parentsStartedMs) / 1000) : null,
    steps,
    overheadMs: percentiles(steps.map((s) => s.overheadMs)),
    dispatchMs: percentiles(steps.map((s) => s.dispatchMs)),
    overheadByStepMs: overheadByStep(steps),
    idlePercentWhileQueued: idlePercentWhileQueued(run.records, workers),
  };
}

async function baseline(name: string, run: () => Promise<BaselineResult>, n: number): Promise<BaselineResult> {
  log(`${name}: ${n} tasks on ${WORKERS} workers`);
  const result = await run();
  if (result.prs !== n) result.errors.push(`${name}: ${result.prs} of ${n} PRs opened`);
  log(`${name}: ${result.seconds} s`);
  return result;
}

async function ccp(agent: 'noop' | 'claude', n: number) {
  log(`ccp (${agent} agent): ${n} subissues on ${WORKERS} workers`);
  const options: CcpRunOptions = { n, workers: WORKERS, agent };
  const child = await runChild(fileURLToPath(new URL('./support/phase.js', import.meta.url)), [JSON.stringify(options)]);
  const run: CcpRun = child.result ? JSON.parse(child.result) as CcpRun
    : { errors: [`the run's process ended with ${child.code} and no result`], records: [], prs: 0, parentsStartedMs: 0,
      workerPeakRssMB: 0, temporalPeakRssMB: 0 };
  const f = figures(run, n, WORKERS);
  log(`ccp (${agent} agent): ${f.seconds} s after ${f.planSeconds} s planning, overhead p50 ${f.overheadMs.p50} ms`);
  return { run, f };
}

const pueue = await baseline('pueue alone', () => runPueueAlone(N, WORKERS), N);
const bash = await baseline('bash loop', () => runBashLoop(N, WORKERS), N);
const noop = await ccp('noop', N);
const claude = await ccp('claude', CLAUDE_N);
const claudeRun = claudeSessions(claude.run.records);
const scale = [];
if (SCALE) {
  for (const n of [10, 100]) {
    const { run, f } = await ccp('noop', n);
    scale.push({ n, ok: f.errors.length === 0, seconds: f.seconds, overheadMs: f.overheadMs, dispatchMs: f.dispatchMs,
      prepareWorktreeMs: percentiles(f.steps.map((s) => s.activities.prepareWorktree ?? 0)),
      removeWorktreeMs: percentiles(f.steps.map((s) => s.afterPr.removeWorktree ?? 0)), workerRssMB: run.workerPeakRssMB,
      errors: f.errors.slice(0, 5) });
  }
}

const errors = [...pueue.errors, ...bash.errors, ...noop.f.errors.map((e) => `ccp: ${e}`),
  ...claude.f.errors.map((e) => `ccp with Claude Code: ${e}`), ...scale.flatMap((s) => s.errors.map((e) => `ccp at n=${s.n}: ${e}`))];
const result = {
  ok: errors.length === 0,
  n: N,
  workers: WORKERS,
  ccpSeconds: noop.f.seconds,
  ccpPlanSeconds: noop.f.planSeconds,
  pueueSeconds: pueue.seconds,
  bashSeconds: bash.seconds,
  ccpOverPueue: ratio(noop.f.seconds, pueue.seconds),
  ccpOverBash: ratio(noop.f.seconds, bash.seconds),
  overheadMs: noop.f.overheadMs,
  overheadByStepMs: noop.f.overheadByStepMs,
  dispatchMs: noop.f.dispatchMs,
  idlePercentWhileQueued: claude.f.idlePercentWhileQueued,
  noopIdlePercentWhileQueued: noop.f.idlePercentWhileQueued,
  claudeN: CLAUDE_N,
  claudeSeconds: claude.f.seconds,
  claudeStartupMs: percentiles(claudeRun.startupMs),
  sessionOverheadMs: percentiles(claudeRun.sessionOverheadMs),
  claudeOverheadByStepMs: claude.f.overheadByStepMs,
  workerRssMB: Math.max(noop.run.workerPeakRssMB, claude.run.workerPeakRssMB, ...scale.map((s) => s.workerRssMB)),
  temporalRssMB: Math.max(noop.run.temporalPeakRssMB, claude.run.temporalPeakRssMB),
  scale,
};
const verdict = judgeTargets(result);
emitResult({ ...result, ...verdict, errors: errors.slice(0, 20) });
process.exitCode = result.ok ? 0 : 1;
