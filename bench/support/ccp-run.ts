// One ccp run of n subissues on `workers` panes, on the real stack the integration tests use (test/helpers/harness):
// parents of up to five checklist tasks each (the scripted model plans one subissue per task), the reviewer merging
// PRs one at a time in one loop (the stand-in answers 409 to merges racing on one base), every subissue's records
// read back before the stack goes.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mergeOpenPullRequests } from '../../src/offline/reviewer.js';
import { subissueLabel } from '../../src/shared/ids.js';
import { PARENT_ENDED_PHASES, parentStatusQuery, type ParentStatus } from '../../src/shared/messages.js';
import { startHarness, type Harness } from '../../test/helpers/harness.js';
import { seedAndStart } from '../../test/helpers/drive.js';
import { recordFromHistory, type SubissueRecord } from './records.js';
import { writeNoopAgent } from './workload.js';

export interface CcpRunOptions {
  n: number;
  workers: number;
  /** "noop": the no-op agent through CCP_AGENT_COMMAND; "claude": real Claude Code on the scripted model. */
  agent: 'noop' | 'claude';
  timeoutMs?: number;
  /** Called with the result before the stack is stopped (a stop that goes wrong cannot lose it). */
  onResult?: (run: CcpRun) => void;
}

export interface CcpRun {
  errors: string[];
  records: SubissueRecord[];
  /** PRs opened (the subissues that reached pr-open or further). */
  prs: number;
  parentsStartedMs: number;
  workerPeakRssMB: number;
  temporalPeakRssMB: number;
}

/** Parent sizes for n subissues: fives, the last two at least 2 each (a plan holds 2..5). */
export function parentSizes(n: number): number[] {
  if (n < 2) throw new Error(`CCP_BENCH_N must be at least 2 (got ${n})`);
  const sizes = Array.from({ length: Math.floor(n / 5) }, () => 5);
  const rest = n % 5;
  if (rest === 1) sizes.splice(-1, 1, 4, 2);
  else if (rest > 0) sizes.push(rest);
  return sizes;
}

const rssMB = (pid: number | 'self'): number => {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : 0;
  } catch {
    return 0;
  }
};

/** This process's children running the Temporal dev server (started by the harness). */
function temporalPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('temporal')) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Query every parent, then merge what is open, one PR after the other, until all parents ended. Asks no more
 * than a person's reviewer would (each question costs the worker and Temporal the CPU the run is measured on): PRs
 * once they are merged, whether a workflow still runs only once every parent says it ended. */
export async function driveParents(h: Harness, workflowIds: string[], deadline: number): Promise<ParentStatus[]> {
  const settled = new Set<number>();
  for (;;) {
    const statuses = await Promise.all(workflowIds.map((id) => h.env.client.workflow.getHandle(id).query(parentStatusQuery)));
    await mergeOpenPullRequests(h.github, h.repo, statuses, settled);
    const stillRunning = async (id: string) => (await h.env.client.workflow.getHandle(id).describe()).status.name === 'RUNNING';
    const ended = statuses.every((s) => PARENT_ENDED_PHASES.includes(s.phase))
      && !(await Promise.all(workflowIds.map(stillRunning))).some(Boolean);
    if (ended) {
      return Promise.all(workflowIds.map((id) => h.env.client.workflow.getHandle(id).query(parentStatusQuery)));
    }
    if (Date.now() > deadline) throw new Error(`parents still running after the bench's time limit: ${JSON.stringify(statuses.map((s) => s.phase))}`);
    await sleep(500);
  }
}

export async function runCcp(options: CcpRunOptions): Promise<CcpRun> {
  const scratch = mkdtempSync('/tmp/ccp-bn-');
  const env = options.agent === 'noop' ? { CCP_AGENT_COMMAND: writeNoopAgent(scratch) } : undefined;
  const h = await startHarness({ workers: options.workers, taskQueue: 'ccp-bench', env });
  let workerPeak = rssMB('self');
  let temporalPeak = 0;
  const sample = () => {
    workerPeak = Math.max(workerPeak, rssMB('self'));
    temporalPeak = Math.max(temporalPeak, temporalPids().reduce((sum, pid) => sum + rssMB(pid), 0));
  };
  const sampler = setInterval(sample, 500);
  try {
    const parentsStartedMs = Date.now();
    const runs = [];
    for (const [i, size] of parentSizes(options.n).entries()) {
      const tasks = Array.from({ length: size }, (_, j) => `- [ ] Bench task ${j + 1} of part ${i + 1}`).join('\n');
      runs.push(await seedAndStart(h, { title: `Bench part ${i + 1}`, body: `Bench work.\n\n${tasks}\n` }));
    }
    const errors: string[] = [];
    let finals: ParentStatus[] = [];
    try {
      finals = await driveParents(h, runs.map((r) => r.workflowId), Date.now() + (options.timeoutMs ?? 20 * 60_000));
    } catch (err) {
      errors.push(String(err));
    }
    sample();
    const subs = finals.flatMap((f) => f.subissues);
    errors.push(...finals.filter((f) => f.phase !== 'closed').map((f) => `parent #${f.number} ended ${f.phase}: ${f.error ?? ''}`));
    errors.push(...subs.filter((s) => s.error).map((s) => `#${s.number}: ${s.error}`));
    const runDir = path.join(h.config.paths.run, 'agents');
    const records: SubissueRecord[] = [];
    for (const sub of subs) {
      if (!sub.workflowId) continue;
      const history = await h.env.client.workflow.getHandle(sub.workflowId).fetchHistory();
      const record = recordFromHistory(sub.number, history, runDir, subissueLabel(sub.number), h.offline.model.requests);
      if (record) records.push(record);
    }
    const run = { errors, records, prs: subs.filter((s) => s.pr).length, parentsStartedMs, workerPeakRssMB: workerPeak,
      temporalPeakRssMB: temporalPeak };
    options.onResult?.(run);
    return run;
  } finally {
    clearInterval(sampler);
    await h.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
