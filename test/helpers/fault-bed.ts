// A whole ccp host as a user runs it (`ccp up/start/status/down` through the CLI, own Temporal dev server on a
// SQLite file, pueued, tmux on its own socket, the GitHub stand-in, the real Claude Code on the scripted model),
// with the faults of the fault matrix: kill -9 of the worker or the Temporal server, tmux server loss, pueued loss.
// `cleanRunReport` checks what every fault must leave behind and measures nothing; recovery times are reported.
import { execa } from 'execa';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGitHubAdapter } from '../../src/adapters/github.js';
import { demoEnvironment } from '../../src/cli/demo.js';
import { mergeOpenPullRequests } from '../../src/offline/reviewer.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import type { ParentStatus } from '../../src/shared/messages.js';
import type { FaultRule } from '../../src/standin/github/faults.js';
import { isAlive } from '../../src/stack/processes.js';
import { CCP_BIN } from '../../src/stack/stack.js';
import { readInflightEntries } from '../../src/worker/inflight.js';
import { removeTestDir } from './test-dir.js';

export interface FaultBedOptions {
  workers?: number;
  /** Model "thinking time" per agent turn and for the plan: faults then land mid-step. */
  paceMs?: number;
  analyzePaceMs?: number;
  /** Merge the PRs as they open (off: the run waits at the merge, for a fault there). */
  merge?: boolean;
  /** GitHub stand-in faults switched on before anything starts. */
  githubFaults?: FaultRule[];
}

export type FaultBed = Awaited<ReturnType<typeof startFaultBed>>;

export async function startFaultBed(options: FaultBedOptions = {}) {
  const dir = mkdtempSync('/tmp/ccp-fault-');
  const offline: OfflineServices = await startOfflineServices(dir, { paceMs: options.paceMs, analyzePaceMs: options.analyzePaceMs });
  const env: NodeJS.ProcessEnv = {
    ...await demoEnvironment(offline, options.workers ?? 2),
    CCP_TMUX_SOCKET: path.join(dir, 'tmux.sock'), CCP_TMUX_CONFIG: '/dev/null', CCP_MERGE_POLL_SECONDS: '1',
  };
  const [owner, repo] = (env.CCP_REPO as string).split('/') as [string, string];
  const runDir = path.join(env.CCP_HOME as string, 'run');
  const github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
  let merging = options.merge ?? true;
  if (options.githubFaults) offline.github.injectFaults(options.githubFaults);

  const ccp = (...args: string[]) => execa(process.execPath, [CCP_BIN, ...args], { env, extendEnv: false, reject: false });
  const tmux = (...args: string[]) => execa('tmux', ['-S', env.CCP_TMUX_SOCKET as string, ...args], { reject: false });
  const pid = (name: 'worker' | 'temporal'): number => Number(readFileSync(path.join(runDir, `${name}.pid`), 'utf8'));

  const bed = {
    dir, offline, env, owner, repo, runDir, github,
    ccp, tmux,
    async up(): Promise<void> {
      const result = await ccp('up');
      if (result.exitCode !== 0) throw new Error(`ccp up failed (${result.exitCode}): ${result.stderr}`);
    },
    async statuses(): Promise<ParentStatus[]> {
      const result = await ccp('status', '--json');
      if (result.exitCode !== 0) throw new Error(`ccp status failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as ParentStatus[];
    },
    /** Seeds a two-part issue and starts it (`ccp start`); returns its number. */
    async startIssue(title: string): Promise<number> {
      const issue = offline.github.seedIssue(owner, repo, { title, body: `Two parts.\n\n- [ ] First part of ${title}\n- [ ] Second part of ${title}\n` });
      const started = await ccp('start', String(issue.number));
      if (started.exitCode !== 0) throw new Error(`ccp start failed: ${started.stderr}`);
      return issue.number;
    },
    /** `ccp up`, then a two-part issue started: its number. */
    async upAndStart(title: string): Promise<number> {
      await bed.up();
      return bed.startIssue(title);
    },
    parent: async (number: number): Promise<ParentStatus | undefined> => (await bed.statuses()).find((p) => p.number === number),
    busyPanes: async (): Promise<string[]> =>
      (await tmux('list-panes', '-s', '-t', env.CCP_TMUX_SESSION as string, '-F', '#{@ccp_task}')).stdout.split('\n').filter(Boolean),
    /** kill -9 of a process `ccp up` started; resolves once it is gone, with the time of the kill. */
    async kill(name: 'worker' | 'temporal'): Promise<number> {
      const victim = pid(name);
      process.kill(victim, 'SIGKILL');
      const at = Date.now();
      for (let i = 0; i < 100 && isAlive(victim); i++) await sleep(50);
      if (isAlive(victim)) throw new Error(`${name} ${victim} survived SIGKILL`);
      return at;
    },
    workerPid: () => pid('worker'),
    /** Whether the current worker runs an activity of this type again (its in-flight ledger, src/worker/inflight.ts). */
    runs(activityType: string): boolean {
      const worker = pid('worker');
      return readInflightEntries(path.join(runDir, 'inflight')).entries
        .some(({ entry }) => entry.pid === worker && entry.activityType === activityType);
    },
    setMerging(on: boolean): void {
      merging = on;
    },
    /** Polls until `check` holds; returns when (ms since epoch). */
    async until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await check()) return Date.now();
        await sleep(100);
      }
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    /** Merges PRs as they open (when merging) until every given parent is closed or failed. */
    async runToEnd(numbers: number[], timeoutMs = 300_000): Promise<ParentStatus[]> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const all = await bed.statuses();
        if (merging) await mergeOpenPullRequests(github, { owner, repo }, all);
        const mine = numbers.map((n) => all.find((p) => p.number === n));
        if (mine.every((p) => p && (p.phase === 'closed' || p.phase === 'failed'))) return mine as ParentStatus[];
        await sleep(500);
      }
      throw new Error(`parents ${numbers.join(', ')} did not finish in ${timeoutMs} ms: ${JSON.stringify(await bed.statuses())}`);
    },
    async close(): Promise<void> {
      const down = await ccp('down', '--now');
      if (down.exitCode !== 0) {
        // ccp itself failed (a broken build, a server that never came up): nothing of this bed may outlive it.
        for (const name of ['worker', 'temporal'] as const) {
          try {
            process.kill(pid(name), 'SIGKILL');
          } catch {
            // not started, or gone
          }
        }
        await tmux('kill-server');
        await execa('pkill', ['-KILL', '-f', dir], { reject: false });
      }
      await offline.close();
      await removeTestDir(dir);
    },
  };
  return bed;
}

export interface CleanRunReport {
  /** What is wrong; empty when the run is clean. */
  problems: string[];
  /** Planning requests the model saw per parent. */
  plans: number;
  /** Per subissue, the agent steps the model saw, in order. */
  steps: Record<string, number[]>;
}

/** What a fault must leave behind: parents closed, every PR merged, nothing on GitHub twice, no conversation
 * started over (the model never saw a subissue's step after a later one) and one plan per parent. */
export function cleanRunReport(bed: FaultBed, parents: ParentStatus[]): CleanRunReport {
  const problems: string[] = [];
  const { owner, repo, offline } = bed;
  for (const parent of parents) {
    if (parent.phase !== 'closed') problems.push(`#${parent.number} ended ${parent.phase}: ${parent.error ?? ''}`);
    for (const sub of parent.subissues) {
      if (sub.phase !== 'merged' || sub.error) problems.push(`#${sub.number} ended ${sub.phase}: ${sub.error ?? ''}`);
    }
    const subTitles = offline.github.subIssues(owner, repo, parent.number).map((s) => s.title);
    if (new Set(subTitles).size !== subTitles.length) problems.push(`#${parent.number} has duplicate subissues: ${subTitles.join(' | ')}`);
  }
  const issues = offline.github.listIssues(owner, repo);
  const titles = issues.map((i) => i.title);
  for (const title of new Set(titles)) {
    if (titles.filter((t) => t === title).length > 1) problems.push(`issue "${title}" exists twice`);
  }
  const pulls = offline.github.listPulls(owner, repo);
  const heads = pulls.map((p) => p.pull?.head ?? '');
  for (const head of new Set(heads)) {
    if (heads.filter((h) => h === head).length > 1) problems.push(`two PRs from ${head}`);
  }
  for (const pr of pulls.filter((p) => !p.pull?.merged)) problems.push(`PR #${pr.number} (${pr.pull?.head}) not merged`);
  for (const item of [...issues, ...pulls]) {
    const bodies = offline.github.comments(owner, repo, item.number).map((c) => c.body);
    if (new Set(bodies).size !== bodies.length) problems.push(`#${item.number} has a comment twice`);
  }
  const plans = offline.model.requests.filter((r) => r.kind === 'analyze').length;
  if (plans !== parents.length) problems.push(`the model was asked for ${plans} plans for ${parents.length} parents`);
  const steps: Record<string, number[]> = {};
  for (const r of offline.model.requests.filter((x) => x.kind === 'work' && x.subissue !== undefined)) {
    (steps[`#${r.subissue}`] ??= []).push(r.step ?? -1);
  }
  // A request in flight when its agent died is sent again by the resumed session (the same step twice); a
  // conversation started over shows as a step lower than one already seen.
  for (const [sub, seen] of Object.entries(steps)) {
    if (seen[0] !== 0) problems.push(`${sub}'s conversation did not start at step 0: ${seen.join(',')}`);
    if (seen.some((s, i) => i > 0 && s < seen[i - 1])) problems.push(`${sub}'s conversation started over: steps ${seen.join(',')}`);
  }
  return { problems, plans, steps };
}

/** Prints a recovery time, and appends it as a JSON line to CCP_FAULT_REPORT when set (the bench reads it). */
export function reportRecovery(fault: string, ms: number, extra: Record<string, unknown> = {}): void {
  const line = { fault, recoveryMs: ms, ...extra };
  console.log(`fault matrix: ${JSON.stringify(line)}`);
  if (process.env.CCP_FAULT_REPORT) appendFileSync(process.env.CCP_FAULT_REPORT, `${JSON.stringify(line)}\n`);
}
