// Which subissues may start now: pure rules the parent workflow applies on every change.
import type { SubissuePhase, SubissueStatus } from '../shared/messages.js';
import { stackTarget } from './stacking.js';

const DONE_FOR_DEPENDENTS: ReadonlySet<SubissuePhase> = new Set(['merged']);
const UNREACHABLE: ReadonlySet<SubissuePhase> = new Set(['failed', 'blocked', 'stopped']);
/** Dispatch order of priorities: the most urgent first. */
export const PRIORITY_RANK: Readonly<Record<SubissueStatus['priority'], number>> = { critical: 0, high: 1, normal: 2, low: 3 };
export const TERMINAL_PHASES: ReadonlySet<SubissuePhase> = new Set(['merged', 'failed', 'blocked', 'stopped']);

export interface ScheduleDecision {
  start: SubissueStatus[];
  /** Waiting subissues that can never start because a dependency failed. */
  block: Array<{ sub: SubissueStatus; because: string }>;
  /** Subissue number → the dependency whose branch it starts on (stacked PRs), for those in `start` that stack. */
  stackOn: Record<number, number>;
}

export interface ScheduleOptions {
  /** Stacked PRs: a dependent may start on its one unmerged dependency's branch once that one's PR is open. */
  stacking?: boolean;
}

/**
 * Subissues still waiting whose dependencies are all done start (most urgent first); those with a failed
 * dependency are blocked. Dependents start once the dependency is merged, so they build on its code — or, with
 * stacking, once its PR is open, on its branch (core/stacking.ts).
 */
export function decideStarts(subissues: SubissueStatus[], paused: boolean, options: ScheduleOptions = {}): ScheduleDecision {
  const byKey = new Map(subissues.map((s) => [s.key, s]));
  const decision: ScheduleDecision = { start: [], block: [], stackOn: {} };
  for (const sub of subissues) {
    if (sub.phase !== 'waiting') continue;
    const deps = sub.dependsOn.map((k) => byKey.get(k)).filter((d): d is SubissueStatus => d !== undefined);
    const failed = deps.find((d) => UNREACHABLE.has(d.phase));
    if (failed) decision.block.push({ sub, because: `dependency #${failed.number} ${failed.phase}` });
    else if (paused) continue;
    else if (deps.every((d) => DONE_FOR_DEPENDENTS.has(d.phase))) decision.start.push(sub);
    else {
      const on = options.stacking ? stackTarget(deps) : undefined;
      if (on) {
        decision.start.push(sub);
        decision.stackOn[sub.number] = on.number;
      }
    }
  }
  decision.start.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.number - b.number);
  return decision;
}

export function allTerminal(subissues: SubissueStatus[]): boolean {
  return subissues.every((s) => TERMINAL_PHASES.has(s.phase));
}
