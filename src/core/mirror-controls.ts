// Commands given in pueue, read off the mirror: what pueue shows now against what the last pass left it showing
// (the baseline), where ccp's truth did not move the same way. A group paused or started, a task ccp runs killed, a
// failed task restarted (in place or as a new task of its label). Everything else pueue does by itself is undone by
// the plan as before. Pure: the reconciler reads, carries the commands out (client/mirror-obey.ts) and applies.
import type { PueueSnapshot, PueueTaskState } from '../adapters/pueue-status.js';
import type { DispatchState } from '../shared/dispatch.js';
import type { RepoRef } from '../shared/types.js';
import { DONE_STATES, FAILED_STATES, type MirrorAction } from './mirror-plan.js';
import { DEFAULT_MIRROR_GROUP, type MirrorTargets } from './mirror-targets.js';

/** What pueue shows once a pass is applied: the daemon it ran on, each group's status, each label's task. */
export interface MirrorBaseline {
  daemonPid?: number;
  groups: ReadonlyMap<string, 'Running' | 'Paused'>;
  /** id undefined: added by the pass (its id not read back). */
  tasks: ReadonlyMap<string, { id?: number; state: PueueTaskState; endedAt?: string }>;
}

export type UserCommand =
  /** `pueue pause --group g`: ccp pauses the ccp groups shown as g. */
  | { do: 'pause-groups'; group: string; ccpGroups: string[] }
  /** The default group (ungrouped subissues, which only ccp's everything-pause holds), or every group at once. */
  | { do: 'pause-all'; group?: string }
  /** `pueue start --group g`: every ccp pause that holds g back is lifted: its groups' and the everything-pause. */
  | { do: 'resume-groups'; group: string; ccpGroups: string[]; all: boolean }
  /** `pueue kill <id>` of a task ccp runs: its agent back to the queue. */
  | { do: 'requeue'; label: string; subissue: number; repo: RepoRef; since: string }
  /** `pueue kill <id>` once the agent finished (ccp pushes, opens the PR): nothing to stop; said so, shown again. */
  | { do: 'nothing-to-stop'; label: string; subissue: number }
  /** `pueue restart <id>` of a failed task: ccp retries the subissue. */
  | { do: 'retry'; label: string; subissue: number; repo: RepoRef; since: string };

const RUNNING_STATES: readonly PueueTaskState[] = ['Running', 'Paused'];

/** The state each action leaves its task or group in, over the snapshot the plan was made from. Labels and groups
 * whose action failed are left out: what they show is not known, so nothing is read into them next time. */
export function baselineAfter(snapshot: PueueSnapshot, actions: readonly MirrorAction[], failed: ReadonlySet<string>,
  daemonPid?: number): MirrorBaseline {
  const groups = new Map(Object.entries(snapshot.groups).map(([name, g]) => [name, g.status === 'Paused' ? 'Paused' as const : 'Running' as const]));
  type Seen = { id?: number; state: PueueTaskState; endedAt?: string };
  const tasks = new Map<string, Seen>([...snapshot.byLabel].map(([label, t]) => [label, { id: t.id, state: t.state, endedAt: t.endedAt }]));
  const modeState = { start: 'Running', queued: 'Queued', stashed: 'Stashed' } as const;
  for (const action of actions) {
    if ('group' in action) {
      if (action.do === 'pause-group') groups.set(action.group, 'Paused');
      if (action.do === 'resume-group' || (action.do === 'add-group' && !groups.has(action.group))) groups.set(action.group, 'Running');
      continue;
    }
    const label = action.do === 'add' ? action.task.label : action.label;
    const was = tasks.get(label);
    const set = (state: PueueTaskState): void => {
      tasks.set(label, { id: was?.id, state });
    };
    switch (action.do) {
      case 'add': tasks.set(label, { state: modeState[action.mode === 'stashed' || action.delaySeconds ? 'stashed' : action.mode] }); break;
      case 'restart': set(modeState[action.mode]); break;
      case 'start': set('Running'); break;
      case 'pause': set('Paused'); break;
      case 'kill': set('Killed'); break;
      case 'stash': set('Stashed'); break;
      case 'enqueue': set(action.delaySeconds ? 'Stashed' : 'Queued'); break;
      case 'remove': tasks.delete(label); break;
      default: break; // files only
    }
  }
  for (const name of failed) {
    tasks.delete(name);
    if (name.startsWith('group ')) groups.delete(name.slice('group '.length));
  }
  return { daemonPid, groups, tasks };
}

export interface UserCommandsInput {
  /** None yet (the first pass) or from another daemon (restarted: its tasks Killed by the loss): nothing is read. */
  baseline?: MirrorBaseline;
  now: PueueSnapshot;
  daemonPid?: number;
  /** ccp's truth now. */
  targets: MirrorTargets;
  paused?: DispatchState['paused'];
  /** Labels whose earlier command ccp is still carrying out. */
  held?: ReadonlySet<string>;
}

export function userCommands(input: UserCommandsInput): UserCommand[] {
  const { baseline, now, targets } = input;
  if (!baseline || baseline.daemonPid !== input.daemonPid) return [];
  return [...groupCommands(baseline, now, targets, input.paused), ...taskCommands(baseline, now, targets, input.held)];
}

function groupCommands(baseline: MirrorBaseline, now: PueueSnapshot, targets: MirrorTargets,
  paused: DispatchState['paused'] | undefined): UserCommand[] {
  const ccpGroups = new Map<string, Set<string>>();
  for (const task of targets.tasks) {
    const names = ccpGroups.get(task.group) ?? new Set<string>();
    if (task.ccpGroup) names.add(task.ccpGroup);
    ccpGroups.set(task.group, names);
  }
  const pausedNow: string[] = [];
  const startedNow: string[] = [];
  for (const group of ccpGroups.keys()) {
    const was = baseline.groups.get(group);
    const is = now.groups[group]?.status;
    if (was === 'Running' && is === 'Paused' && !targets.pausedGroups.has(group)) pausedNow.push(group);
    if (was === 'Paused' && is === 'Running' && targets.pausedGroups.has(group)) startedNow.push(group);
  }
  const commands: UserCommand[] = [];
  const running = [...ccpGroups.keys()].filter((g) => baseline.groups.get(g) === 'Running');
  const everyGroup = running.length > 1 && running.every((g) => pausedNow.includes(g));
  const toAll = pausedNow.find((g) => g === DEFAULT_MIRROR_GROUP || (ccpGroups.get(g)?.size ?? 0) === 0);
  if (everyGroup || toAll !== undefined) commands.push({ do: 'pause-all', ...(everyGroup ? {} : { group: toAll }) });
  else for (const group of pausedNow) commands.push({ do: 'pause-groups', group, ccpGroups: [...(ccpGroups.get(group) ?? [])] });
  for (const group of startedNow) {
    const names = [...(ccpGroups.get(group) ?? [])].filter((name) => paused?.groups.includes(name));
    commands.push({ do: 'resume-groups', group, ccpGroups: names, all: paused?.all ?? false });
  }
  return commands;
}

function taskCommands(baseline: MirrorBaseline, now: PueueSnapshot, targets: MirrorTargets,
  held: ReadonlySet<string> = new Set()): UserCommand[] {
  const commands: UserCommand[] = [];
  for (const task of targets.tasks) {
    const was = baseline.tasks.get(task.label);
    const is = now.byLabel.get(task.label);
    if (!was || !is || held.has(task.label)) continue;
    const about = { label: task.label, subissue: task.subissue, repo: task.repo, since: task.since };
    const kind = task.target.kind;
    // Killed is only what `pueue kill` makes of a task (its command ends by itself only with ccp's result).
    const sameTask = was.id === undefined || was.id === is.id;
    if ((kind === 'running' || kind === 'paused') && RUNNING_STATES.includes(was.state) && sameTask && is.state === 'Killed') {
      commands.push(task.agentAtWork ? { do: 'requeue', ...about } : { do: 'nothing-to-stop', label: task.label, subissue: task.subissue });
    }
    const failed = kind === 'dependency-failed' || (kind === 'done' && task.target.exitCode !== 0);
    // Restarted: a new task of the label, or the same one waiting or running again, or ended again since.
    const restarted = is.id !== was.id || !DONE_STATES.includes(is.state) || is.endedAt !== was.endedAt;
    if (failed && FAILED_STATES.includes(was.state) && was.id !== undefined && restarted) commands.push({ do: 'retry', ...about });
  }
  return commands;
}

/** A command ccp carries out: its task is left as it is in pueue until the subissue's status moves, or this long. */
export const HOLD_MS = 30_000;

export interface Hold {
  label: string;
  /** The subissue's status time when the command was given. */
  since: string;
  until: number;
}

/** The holds still in force: the subissue's status has not changed since, and time is left. */
export function holdsInForce(holds: readonly Hold[], targets: MirrorTargets, nowMs: number): Hold[] {
  const since = new Map(targets.tasks.map((t) => [t.label, t.since]));
  return holds.filter((hold) => hold.until > nowMs && since.get(hold.label) === hold.since);
}
