// `ccp gc`: finds the workspaces in $CCP_HOME/worktrees, asks Temporal which subissues still run and git what only a
// workspace holds, then removes what src/core/gc-plan.ts says may go.
import type { Client } from '@temporalio/client';
import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GitAdapter } from '../adapters/git.js';
import { planGc, type GcDecision, type WorkspaceFacts } from '../core/gc-plan.js';
import { isAlive } from '../stack/processes.js';

export interface GcInput {
  client: Client;
  git: GitAdapter;
  /** The local clone workspaces were made from (legacy worktrees are unregistered there). */
  repoPath: string;
  worktreesDir: string;
  force?: boolean;
  dryRun?: boolean;
  /** Workspaces younger than this stay (a subissue starting meanwhile may own one); 10 minutes by default. */
  minAgeMs?: number;
}

export interface GcResult {
  decisions: GcDecision[];
  removed: string[];
  freedBytes: number;
}

const SUBISSUE_DIR = /^subissue-(\d+)$/;
const HALF_MADE = /^subissue-(\d+)\.tmp-(\d+)$/;

export async function collectGarbage(input: GcInput): Promise<GcResult> {
  const listedAt = Date.now();
  const running = await runningSubissues(input.client);
  const minAgeMs = input.minAgeMs ?? 10 * 60_000;
  const facts: WorkspaceFacts[] = [];
  for (const name of existsSync(input.worktreesDir) ? readdirSync(input.worktreesDir) : []) {
    const dir = path.join(input.worktreesDir, name);
    if (!lstatSync(dir).isDirectory()) continue;
    const half = HALF_MADE.exec(name);
    const whole = SUBISSUE_DIR.exec(name);
    if (!half && !whole) continue; // not ccp's: never touched
    const subissue = Number((half ?? whole)![1]);
    const halfMade = half !== null && !isAlive(Number(half[2]));
    const fact: WorkspaceFacts = { path: dir, subissue, halfMade, inUse: running.has(subissue) || (half !== null && !halfMade),
      recent: listedAt - statSync(dir).ctimeMs < minAgeMs, bytes: dirBytes(dir) };
    if (!halfMade && existsSync(path.join(dir, '.git'))) {
      try {
        Object.assign(fact, await input.git.unsavedWork(dir));
      } catch {
        fact.uncommitted = 1; // git could not tell: keep it as if it held work
        fact.unpushed = 0;
      }
    }
    facts.push(fact);
  }
  const decisions = planGc(facts, { force: input.force });
  const removed: string[] = [];
  let freedBytes = 0;
  for (const d of decisions.filter((x) => x.remove)) {
    if (!input.dryRun) await input.git.removeWorkspace(input.repoPath, d.path);
    removed.push(d.path);
    freedBytes += d.bytes;
  }
  return { decisions, removed, freedBytes };
}

/** Subissue numbers whose workflow runs (paused ones too: they come back to their workspace). */
async function runningSubissues(client: Client): Promise<Set<number>> {
  const numbers = new Set<number>();
  for await (const wf of client.workflow.list({ query: 'WorkflowType = "subissueWorkflow" AND ExecutionStatus = "Running"' })) {
    const match = /\.sub-(\d+)$/.exec(wf.workflowId);
    if (match) numbers.add(Number(match[1]));
  }
  return numbers;
}

function dirBytes(dir: string): number {
  let total = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else total += st.size;
    }
  };
  try {
    walk(dir);
  } catch {
    // vanished meanwhile: what was counted stands
  }
  return total;
}
