// `npm run bench` (without --compare): the whole path on real parts (as the integration tests run it), measured. Prints one JSON
// object: per-subissue overhead around the agent, dispatch latency, idle share of the worker panes, throughput,
// and the worker's memory. Targets belong in the JSON consumer, not in timed unit tests.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { subissueTimings, type SubissueTimings } from '../src/core/history-timings.js';
import { startHarness } from '../test/helpers/harness.js';
import { seedAndStart } from '../test/helpers/drive.js';
import { driveParents } from './support/ccp-run.js';
import { emitResult } from './support/emit.js';
import { toTimedEvents } from './support/records.js';

const PARENTS = Number(process.env.CCP_BENCH_PARENTS ?? 2);
const WORKERS = Number(process.env.CCP_BENCH_WORKERS ?? 2);

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1);
  return { mean: Math.round(mean), p50: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
};

// The SDK logs warnings and worse to stderr; the result goes out by emitResult.
Runtime.install({ logger: new DefaultLogger('WARN', (entry) => console.error(`[${entry.level}] ${entry.message}`, entry.meta ?? '')) });
const h = await startHarness({ workers: WORKERS, taskQueue: 'ccp-bench' });
let peakRss = process.memoryUsage().rss;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
try {
  const began = Date.now();
  const runs = await Promise.all(
    Array.from({ length: PARENTS }, (_, i) =>
      seedAndStart(h, { title: `Bench issue ${i + 1}`, body: `Bench.\n\n- [ ] First part of ${i + 1}\n- [ ] Second part of ${i + 1}\n` }),
    ),
  );
  // One driver for all parents: merges one at a time (concurrent merges on one base are answered 409).
  const errors: string[] = [];
  const finals = await driveParents(h, runs.map((r) => r.workflowId), Date.now() + 600_000)
    .catch((err: unknown) => { errors.push(String(err)); return []; });
  const wallMs = Date.now() - began;
  const timings: SubissueTimings[] = [];
  for (const sub of finals.flatMap((f) => f.subissues)) {
    const history = await h.env.client.workflow.getHandle(sub.workflowId as string).fetchHistory();
    const t = subissueTimings(toTimedEvents(history));
    if (t) timings.push(t);
  }
  const agentTotal = timings.reduce((a, t) => a + t.agentMs, 0);
  // One cold pueue lookup (a status read, shared by every lookup of its moment) at the size the run left.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const lookupBegan = performance.now();
  const pueueTasks = (await h.deps.pueue.status()).length;
  const pueueLookupMs = Math.round(performance.now() - lookupBegan);
  const result = {
    ok: errors.length === 0 && finals.length === PARENTS && finals.every((f) => f.phase === 'closed') && timings.length === finals.flatMap((f) => f.subissues).length,
    errors: [...errors, ...finals.flatMap((f) => (f.error ? [f.error] : []))],
    parents: PARENTS,
    workers: WORKERS,
    subissues: timings.length,
    wallSeconds: Math.round(wallMs / 100) / 10,
    prsPerMinute: Math.round((timings.length / (wallMs / 60_000)) * 10) / 10,
    overheadMs: stats(timings.map((t) => t.overheadMs)),
    startToAgentMs: stats(timings.map((t) => t.startToAgentMs)),
    agentDispatchMs: stats(timings.map((t) => t.agentDispatchMs)),
    agentMs: stats(timings.map((t) => t.agentMs)),
    agentToPrMs: stats(timings.map((t) => t.agentToPrMs)),
    /** Share of pane time with no agent running, over the whole run (planning and merging included). */
    idlePercent: Math.round((1 - agentTotal / (WORKERS * wallMs)) * 1000) / 10,
    workerPeakRssMB: Math.round(peakRss / 1024 / 1024),
    pueueLookup: { tasks: pueueTasks, ms: pueueLookupMs },
  };
  emitResult(result);
  process.exitCode = result.ok ? 0 : 1;
} finally {
  clearInterval(rssTimer);
  await h.stop();
}
