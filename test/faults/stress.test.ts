// Stress: CCP_STRESS_SESSIONS (default 100) real Claude Code sessions against the scripted model at full speed, fed
// through 8 worker panes as a pool (each one ends, the next starts), while two busy loops keep both cores of the
// machine taken. Every session must end as a good one does (Stop hook, SIGINT, code 0) with its commit: a session
// ccp calls failed, dead or lost while its agent exited 0 is the false failure this suite hunts. Prints a summary
// and writes it as JSON to CCP_STRESS_REPORT when set.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitAdapter } from '../../src/adapters/git.js';
import type { AgentSessionResult } from '../../src/agents/types.js';
import { readExitCode, sessionFiles } from '../../src/agents/claude-code/session-files.js';
import { withOrigin } from '../helpers/git-fixtures.js';
import { commits, sessionRequest, startAgentBed, subissue, type AgentBed } from '../helpers/agent-bed.js';

const PANES = 8;
const SESSIONS = Number(process.env.CCP_STRESS_SESSIONS ?? 100);
const BUSY_LOOPS = 2;
const SESSION_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 30 * 60_000;
// Subissue numbers of the sessions: 1000 + index, far from other tests' and unique per session.
const FIRST_SUBISSUE = 1000;

interface Outcome {
  label: string;
  endedBy: AgentSessionResult['endedBy'] | 'threw';
  exitCode: number | null;
  /** What the wrapper recorded: 0 here with a bad outcome is a false failure. */
  recordedExit: number | null;
  committed: boolean;
  ms: number;
  /** Dialogs the pane watcher answered by key (the trust dialog Claude Code's config race can bring back). */
  paneAnswers: number;
  error?: string;
  lastScreen: string;
}

const ok = (o: Outcome): boolean => o.endedBy === 'stop-hook' && o.exitCode === 0 && o.committed;
const title = (i: number): string => `Stress work ${i}`;

let bed: AgentBed | undefined;
const busy: ChildProcess[] = [];

function stopBusyLoops(): void {
  for (const child of busy.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

beforeAll(async () => {
  // Killed even when jest exits without running afterAll (an interrupted run).
  process.once('exit', stopBusyLoops);
  for (let i = 0; i < BUSY_LOOPS; i++) {
    busy.push(spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  }
  bed = await startAgentBed(PANES);
}, 120_000);

afterAll(async () => {
  try {
    stopBusyLoops();
  } finally {
    process.removeListener('exit', stopBusyLoops);
    await bed?.close();
  }
}, 120_000);

/** Runs `count` jobs, at most `width` at a time, each starting as soon as one finishes. */
async function pool<T>(count: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await job(i);
    }
  }));
  return out;
}

const countKeys = (keys: string[]): Record<string, number> =>
  keys.reduce<Record<string, number>>((n, key) => ({ ...n, [key]: (n[key] ?? 0) + 1 }), {});

const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;

test(`${SESSIONS} sessions through ${PANES} panes with both cores busy: no false failure`, async () => {
  const { dir, model } = bed!;
  const agent = bed!.agent();
  const git = createGitAdapter();
  const main = await withOrigin(await bed!.makeRepo('repo-stress'));
  const runDir = path.join(dir, 'run');
  let done = 0;
  const started = Date.now();

  const outcomes = await pool(SESSIONS, PANES, async (i): Promise<Outcome> => {
    const label = `stress-${i}`;
    const number = FIRST_SUBISSUE + i;
    const workspace = (await git.createWorkspace({ repoPath: main, workspacePath: path.join(dir, 'worktrees', label),
      branch: `subissue/${number}`, startPoint: 'origin/main' })).path;
    const t0 = Date.now();
    let outcome: Omit<Outcome, 'recordedExit' | 'committed' | 'ms' | 'paneAnswers'>;
    let paneAnswers = 0;
    try {
      const r = await agent.runSession({ ...sessionRequest(label, workspace, subissue(number, title(i))),
        timeoutMs: SESSION_TIMEOUT_MS });
      outcome = { label, endedBy: r.endedBy, exitCode: r.exitCode, lastScreen: r.lastScreen };
      paneAnswers = r.approvals.filter((a) => a.via === 'pane').length;
    } catch (err) {
      outcome = { label, endedBy: 'threw', exitCode: null, error: String(err), lastScreen: '' };
    }
    const ms = Date.now() - t0;
    const committed = (await commits(workspace))[0] === `Implement #${number}: ${title(i)}`;
    const recordedExit = (await readExitCode(sessionFiles(runDir, label).exit)) ?? null;
    // The model server keeps every request body; a long run needs none of them.
    model.bodies.length = 0;
    done++;
    if (done % 10 === 0) console.log(`${done}/${SESSIONS} sessions after ${Date.now() - started} ms`);
    return { ...outcome, recordedExit, committed, ms, paneAnswers };
  });

  const wallMs = Date.now() - started;
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const failures = outcomes.filter((o) => !ok(o));
  const summary = {
    sessions: SESSIONS, panes: PANES, busyLoops: BUSY_LOOPS, wallMs,
    p50SessionMs: percentile(times, 0.5), p90SessionMs: percentile(times, 0.9), maxSessionMs: times.at(-1) ?? 0,
    paneAnswers: outcomes.reduce((n, o) => n + o.paneAnswers, 0),
    // Enters beyond one per session are retyped /exits (or trust answers' keys: see paneAnswers).
    keys: countKeys(bed!.keys.flatMap((k) => k.keys)),
    failures: failures.map(({ ms: _ms, paneAnswers: _answers, ...f }) => f),
  };
  console.log([`stress: ${SESSIONS} sessions, ${failures.length} failed, wall ${wallMs} ms,`,
    `session p50 ${summary.p50SessionMs} ms, p90 ${summary.p90SessionMs} ms, max ${summary.maxSessionMs} ms,`,
    `pane answers ${summary.paneAnswers}, keys ${JSON.stringify(summary.keys)}`,
    ...failures.map((f) => `\n${f.label}: ${f.endedBy} exit ${f.exitCode} (recorded ${f.recordedExit}) `
      + `committed ${f.committed}${f.error ? ` error ${f.error}` : ''}\n${f.lastScreen}`)].join(' '));
  if (process.env.CCP_STRESS_REPORT) writeFileSync(process.env.CCP_STRESS_REPORT, `${JSON.stringify(summary, null, 2)}\n`);

  // False failures first: an agent that exited 0 reported as anything but a good end.
  expect(failures.filter((f) => f.recordedExit === 0).map((f) => `${f.label} ${f.endedBy}:${f.exitCode}`)).toEqual([]);
  expect(outcomes.map((o) => `${o.endedBy}:${o.exitCode}`)).toEqual(Array(SESSIONS).fill('stop-hook:0'));
  expect(outcomes.filter((o) => !o.committed).map((o) => o.label)).toEqual([]);
}, TEST_TIMEOUT_MS);
