// The bench's figures from subissue records (records.ts). Pure, so the definitions are tested without a stack.
//   overhead      time from the subissue's start to its PR that is neither the agent process nor waiting for a pane
//   pane wait     slot asked for while every pane was taken, until one was given back (the k-th grant is enabled
//                 by the (k-W+1)-th release: slots are matched in order)
//   dispatch      from the moment the subissue could have a pane (asked, and one free) to its agent step running
//   idle          pane time with no agent process while subissues wait for one (asked for a slot, no agent yet),
//                 over the pane time such work could have used
import { activity, type SubissueRecord } from './records.js';

export interface Percentiles {
  p50: number;
  p95: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]) : 0);
  return { p50: at(0.5), p95: at(0.95) };
}

export interface SubissueSteps {
  number: number;
  spanMs: number;
  overheadMs: number;
  paneWaitMs: number;
  dispatchMs: number;
  sessionStartMs: number;
  agentMs: number;
  exitHandlingMs: number;
  /** Each other activity up to the PR, scheduled → completed (prepareWorktree, commitAndPush, openPullRequest, …). */
  activities: Record<string, number>;
  betweenStepsMs: number;
  /** After the PR: removeWorktree and the like (not in the overhead, but they hold the host's git). */
  afterPr: Record<string, number>;
}

/** When each subissue's slot could first have been had: its request, or the release that freed one. */
function slotAvailability(records: SubissueRecord[], workers: number): Map<number, number> {
  const grants = records.filter((r) => r.slotGrantedMs !== undefined).sort((a, b) => (a.slotGrantedMs ?? 0) - (b.slotGrantedMs ?? 0));
  const releases = records.map((r) => r.slotReleasedMs).filter((t): t is number => t !== undefined).sort((a, b) => a - b);
  const available = new Map<number, number>();
  grants.forEach((r, k) => {
    const freed = k >= workers ? releases[k - workers] ?? 0 : 0;
    available.set(r.number, Math.max(r.slotRequestedMs ?? r.slotGrantedMs ?? 0, freed));
  });
  return available;
}

export function subissueSteps(records: SubissueRecord[], workers: number): SubissueSteps[] {
  const available = slotAvailability(records, workers);
  const steps: SubissueSteps[] = [];
  for (const r of records) {
    const agent = activity(r, 'runAgent', true);
    const pr = activity(r, 'openPullRequest');
    const could = available.get(r.number);
    if (!agent?.startedMs || !agent.completedMs || !pr?.completedMs || could === undefined
      || r.agentStartMs === undefined || r.agentEndMs === undefined) continue;
    const spanMs = pr.completedMs - r.startedMs;
    const paneWaitMs = Math.max(0, could - (r.slotRequestedMs ?? could));
    const dispatchMs = agent.startedMs - could;
    const sessionStartMs = r.agentStartMs - agent.startedMs;
    const agentMs = r.agentEndMs - r.agentStartMs;
    const exitHandlingMs = agent.completedMs - r.agentEndMs;
    const activities: Record<string, number> = {};
    const afterPr: Record<string, number> = {};
    for (const a of r.activities) {
      if (a.name === 'runAgent' || a.completedMs === undefined) continue;
      const into = a.completedMs <= pr.completedMs ? activities : afterPr;
      into[a.name] = (into[a.name] ?? 0) + (a.completedMs - a.scheduledMs);
    }
    const inActivities = Object.values(activities).reduce((sum, ms) => sum + ms, 0);
    steps.push({
      number: r.number, spanMs, overheadMs: spanMs - agentMs - paneWaitMs, paneWaitMs, dispatchMs, sessionStartMs, agentMs,
      exitHandlingMs, activities, afterPr,
      betweenStepsMs: spanMs - inActivities - paneWaitMs - dispatchMs - sessionStartMs - agentMs - exitHandlingMs,
    });
  }
  return steps;
}

/** p50 of every step, by name: where the time outside the agent goes. */
export function overheadByStep(steps: SubissueSteps[]): Record<string, number> {
  const names = new Set(steps.flatMap((s) => [...Object.keys(s.activities), ...Object.keys(s.afterPr).map((n) => `${n} (after PR)`)]));
  const p50 = (values: number[]) => percentiles(values).p50;
  const out: Record<string, number> = {
    paneWait: p50(steps.map((s) => s.paneWaitMs)),
    dispatch: p50(steps.map((s) => s.dispatchMs)),
    sessionStart: p50(steps.map((s) => s.sessionStartMs)),
    exitHandling: p50(steps.map((s) => s.exitHandlingMs)),
    betweenSteps: p50(steps.map((s) => s.betweenStepsMs)),
  };
  for (const name of [...names].sort()) {
    const after = name.endsWith(' (after PR)');
    const key = after ? name.slice(0, -' (after PR)'.length) : name;
    out[name] = p50(steps.map((s) => (after ? s.afterPr[key] : s.activities[key]) ?? 0));
  }
  return out;
}

/** Percent of usable pane time with no agent process while subissues wait for one (see the header). */
export function idlePercentWhileQueued(records: SubissueRecord[], workers: number): number {
  const marks: { at: number; queued: number; busy: number }[] = [];
  for (const r of records) {
    if (r.slotRequestedMs === undefined || r.agentStartMs === undefined || r.agentEndMs === undefined) continue;
    marks.push({ at: r.slotRequestedMs, queued: 1, busy: 0 }, { at: r.agentStartMs, queued: -1, busy: 1 },
      { at: r.agentEndMs, queued: 0, busy: -1 });
  }
  marks.sort((a, b) => a.at - b.at);
  let queued = 0;
  let busy = 0;
  let idle = 0;
  let usable = 0;
  for (let i = 0; i < marks.length; i++) {
    queued += marks[i].queued;
    busy += marks[i].busy;
    const next = marks[i + 1];
    if (!next || queued <= 0) continue;
    const dt = next.at - marks[i].at;
    idle += Math.min(Math.max(workers - busy, 0), queued) * dt;
    usable += Math.min(workers, busy + queued) * dt;
  }
  return usable > 0 ? Math.round((idle / usable) * 1000) / 10 : 0;
}

/** Real Claude Code: its own start-up (agent process → first model request) and what ccp adds around the session
 * (the agent step minus Claude Code's start-up and its conversation with the model). */
export function claudeSessions(records: SubissueRecord[]): { startupMs: number[]; sessionOverheadMs: number[] } {
  const startupMs: number[] = [];
  const sessionOverheadMs: number[] = [];
  for (const r of records) {
    const agent = activity(r, 'runAgent', true);
    if (!agent?.startedMs || !agent.completedMs || r.agentStartMs === undefined || r.firstModelMs === undefined
      || r.lastModelMs === undefined) continue;
    const startup = r.firstModelMs - r.agentStartMs;
    startupMs.push(startup);
    sessionOverheadMs.push(agent.completedMs - agent.startedMs - startup - (r.lastModelMs - r.firstModelMs));
  }
  return { startupMs, sessionOverheadMs };
}
