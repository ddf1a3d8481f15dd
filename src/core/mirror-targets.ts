// What the pueue mirror should show for each subissue, read off the parents' statuses (the truth) and the
// dispatcher's pauses: its pueue group, priority, dependencies, and the state its task should be in. Pure.
import type { DispatchState } from '../shared/dispatch.js';
import { subissueLabel } from '../shared/ids.js';
import type { ParentStatus, SubissueStatus } from '../shared/messages.js';
import type { Priority, RepoRef } from '../shared/types.js';
import { oneLineReason } from './reasons.js';

/** The pueue group of subissues whose plan names none. */
export const DEFAULT_MIRROR_GROUP = 'ccp';

/** pueue runs higher priorities first; normal stays pueue's default 0. */
export const PUEUE_PRIORITY: Readonly<Record<Priority, number>> = { critical: 2, high: 1, normal: 0, low: -1 };

export type MirrorTarget =
  /** Waits for its dependencies (or a paused parent, or its turn to be started): Stashed. */
  | { kind: 'stashed' }
  /** Delayed: Stashed with its enqueue time. */
  | { kind: 'scheduled'; enqueueAt: string }
  /** Ready, waiting for an agent slot: Queued. */
  | { kind: 'queued' }
  /** Its agent works (or its branch is pushed): Running, with why it is slow when it is. */
  | { kind: 'running'; note?: string }
  /** Its agent waits for a person or a usage limit: Paused, with why. */
  | { kind: 'paused'; note: string }
  /** Finished: Success (0) or Failed(n), the summary printed last. */
  | { kind: 'done'; exitCode: number; summary: string }
  /** A dependency failed: DependencyFailed. */
  | { kind: 'dependency-failed'; summary: string };

export interface MirrorTask {
  label: string;
  /** The subissue, its parent's repository and its ccp group: what a command given in pueue acts on. */
  subissue: number;
  repo: RepoRef;
  ccpGroup?: string;
  /** When its status last changed (ISO). */
  since: string;
  /** The pueue group (see pueueGroupName). */
  group: string;
  priority: number;
  /** Labels of the subissues it runs after. */
  after: string[];
  /** The subissue in words, for the task's command line: its parent, number and title. */
  describe: string;
  target: MirrorTarget;
  /** Its agent is at work (running shows that or, after it, the push and the PR): what a `pueue kill` can stop. */
  agentAtWork: boolean;
}

export interface MirrorTargetsInput {
  parents: ParentStatus[];
  /** The dispatcher's pauses (groups, everything); absent: none known. */
  paused?: DispatchState['paused'];
  now: Date;
  /** Finished subissues that ended before this are left out: their tasks are cleaned (the retention). */
  horizon?: Date;
}

export interface MirrorTargets {
  tasks: MirrorTask[];
  /** pueue groups whose ccp group (or everything) is paused. */
  pausedGroups: Set<string>;
}

/** A ccp group as a pueue group name: letters, digits, `.`, `_`, `-` (pueue's CLI takes other words as flags). */
export function pueueGroupName(group: string | undefined): string {
  const name = (group ?? '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '');
  return name || DEFAULT_MIRROR_GROUP;
}

const FINISHED_PHASES: ReadonlySet<SubissueStatus['phase']> = new Set(['pr-open', 'merged', 'failed', 'blocked', 'stopped']);

export function mirrorTargets(input: MirrorTargetsInput): MirrorTargets {
  const now = input.now.getTime();
  const tasks: MirrorTask[] = [];
  for (const parent of input.parents) {
    const labelOf = new Map(parent.subissues.map((s) => [s.key, subissueLabel(s.number)]));
    for (const sub of dependencyOrder(parent.subissues)) {
      if (input.horizon && FINISHED_PHASES.has(sub.phase) && Date.parse(sub.updatedAt) < input.horizon.getTime()) continue;
      tasks.push({
        label: subissueLabel(sub.number),
        subissue: sub.number,
        repo: parent.repo,
        ...(sub.group ? { ccpGroup: sub.group } : {}),
        since: sub.updatedAt,
        group: pueueGroupName(sub.group),
        priority: PUEUE_PRIORITY[sub.priority] ?? 0,
        after: sub.dependsOn.flatMap((key) => labelOf.get(key) ?? []),
        describe: `${parent.repo.owner}/${parent.repo.repo}#${parent.number} → #${sub.number}: ${sub.title}`,
        target: targetOf(sub, parent, now),
        agentAtWork: sub.phase === 'agent',
      });
    }
  }
  const pausedGroups = new Set<string>();
  const paused = input.paused;
  for (const task of tasks) if (paused?.all) pausedGroups.add(task.group);
  for (const group of paused?.groups ?? []) pausedGroups.add(pueueGroupName(group));
  // Queued is only true while pueue cannot start it by itself: its group holds a running task (the group's limit is
  // its running count), or the group is paused. Else it waits stashed.
  const running = new Set(tasks.filter((t) => t.target.kind === 'running' || t.target.kind === 'paused').map((t) => t.group));
  for (const task of tasks) {
    if (task.target.kind === 'queued' && !running.has(task.group) && !pausedGroups.has(task.group)) task.target = { kind: 'stashed' };
  }
  return { tasks, pausedGroups };
}

function targetOf(sub: SubissueStatus, parent: ParentStatus, now: number): MirrorTarget {
  const notBefore = sub.notBefore ?? (parent.phase === 'scheduled' ? parent.notBefore : undefined);
  const delayed = notBefore !== undefined && Date.parse(notBefore) > now;
  switch (sub.phase) {
    case 'waiting':
      return delayed ? { kind: 'scheduled', enqueueAt: notBefore } : { kind: 'stashed' };
    case 'queued':
    case 'worktree':
      return delayed ? { kind: 'scheduled', enqueueAt: notBefore } : { kind: 'queued' };
    case 'agent':
    case 'pushing':
      if (sub.needsYou) {
        return { kind: 'paused', note: `needs you: ${sub.needsYou.tool} ${oneLineReason(sub.needsYou.subject, 100)} — ccp approve|deny ${sub.number}` };
      }
      if (sub.wait?.usageLimitUntil) return { kind: 'paused', note: `waits for the usage limit until ${sub.wait.usageLimitUntil}` };
      return sub.wait?.stalledSince ? { kind: 'running', note: `no progress since ${sub.wait.stalledSince}` } : { kind: 'running' };
    case 'pr-open':
    case 'merged':
      return { kind: 'done', exitCode: 0, summary: `PR #${sub.pr?.number ?? '?'} ${sub.phase === 'merged' ? 'merged' : 'open'}${sub.pr?.url ? `: ${sub.pr.url}` : ''}` };
    case 'failed':
      return { kind: 'done', exitCode: 1, summary: oneLineReason(sub.error ?? 'failed') };
    case 'stopped':
      return { kind: 'done', exitCode: 130, summary: oneLineReason(sub.error ?? 'stopped') };
    case 'blocked':
      return { kind: 'dependency-failed', summary: oneLineReason(sub.error ?? 'a dependency failed') };
  }
}

/** Subissues with each one after those it depends on (pueue's `--after` needs their tasks first); else plan order. */
function dependencyOrder(subissues: SubissueStatus[]): SubissueStatus[] {
  const byKey = new Map(subissues.map((s) => [s.key, s]));
  const ordered: SubissueStatus[] = [];
  const placed = new Set<string>();
  const visit = (sub: SubissueStatus, path: Set<string>): void => {
    if (placed.has(sub.key) || path.has(sub.key)) return;
    path.add(sub.key);
    for (const key of sub.dependsOn) {
      const dep = byKey.get(key);
      if (dep) visit(dep, path);
    }
    placed.add(sub.key);
    ordered.push(sub);
  };
  for (const sub of subissues) visit(sub, new Set());
  return ordered;
}
