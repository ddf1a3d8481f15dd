// How to bring pueue in line with what the mirror should show (core/mirror-targets.ts): the pueue calls and mirror
// files, in an order that never leaves pueue a free slot to start a task by itself (each group's limit is its
// running count; tasks ccp runs are force-started). Pure: the reconciler applies the plan (client/mirror-apply.ts).
import type { PueueSnapshot, PueueTask, PueueTaskState } from '../adapters/pueue-status.js';
import type { MirrorTarget, MirrorTargets, MirrorTask } from './mirror-targets.js';

export type AddMode = 'stashed' | 'queued' | 'start';

export type MirrorAction =
  | { do: 'add-group'; group: string; parallel: number }
  | { do: 'pause-group'; group: string }
  | { do: 'resume-group'; group: string }
  | { do: 'parallel'; group: string; parallel: number }
  /** The result the task's command exits with (written before it may run). */
  | { do: 'exit-file'; label: string; exitCode: number; summary: string }
  | { do: 'clear-exit-file'; label: string }
  /** Why it waits, printed by the task's command ('' clears it). */
  | { do: 'note'; label: string; note: string }
  | { do: 'kill'; label: string; id: number }
  | { do: 'remove'; label: string; id: number }
  | { do: 'stash'; label: string; id: number; delaySeconds?: number }
  | { do: 'enqueue'; label: string; id: number; delaySeconds?: number }
  | { do: 'restart'; label: string; id: number; mode: AddMode }
  | { do: 'add'; task: MirrorTask; mode: AddMode; delaySeconds?: number }
  | { do: 'start'; label: string }
  | { do: 'pause'; label: string };

/** The files the mirror keeps beside pueue, as found: each label's exit code written, and its note. */
export interface MirrorFiles {
  exits: ReadonlyMap<string, number>;
  notes: ReadonlyMap<string, string>;
}

// Phases, in the order they run (see the file comment): a plan is its actions sorted by phase.
const PHASE = {
  groups: 0, lowerLimits: 1, files: 2, off: 3, stashes: 4, adds: 5, starts: 6, raiseLimits: 7, queue: 8, resumes: 9, pauses: 10,
} as const;
type Phase = (typeof PHASE)[keyof typeof PHASE];

export const FAILED_STATES: readonly PueueTaskState[] = ['Failed', 'Killed', 'Errored', 'FailedToSpawn', 'DependencyFailed'];
export const DONE_STATES: readonly PueueTaskState[] = ['Success', ...FAILED_STATES];
/** Enqueue times within this of the wanted one are the same delay. */
const DELAY_SLACK_MS = 2_000;

/** `held`: labels left as they are in pueue this pass (a command given there that ccp is still carrying out). */
export function planMirror(targets: MirrorTargets, actual: PueueSnapshot, files: MirrorFiles, now: Date,
  held: ReadonlySet<string> = new Set()): MirrorAction[] {
  const steps: Array<{ phase: Phase; action: MirrorAction }> = [];
  const step = (phase: Phase, action: MirrorAction): void => {
    steps.push({ phase, action });
  };
  planGroups(targets, actual, step);
  const failing = new Set(targets.tasks.filter((t) => t.target.kind === 'dependency-failed'
    || (t.target.kind === 'done' && t.target.exitCode !== 0)).map((t) => t.label));
  for (const task of targets.tasks) if (!held.has(task.label)) planTask(task, { ...actual, failing }, files, now, step);
  return steps.map((s, order) => ({ ...s, order })).sort((a, b) => a.phase - b.phase || a.order - b.order).map((s) => s.action);
}

type Step = (phase: Phase, action: MirrorAction) => void;
/** pueue's state, and the labels this plan ends failed (their dependents may run after them to be DependencyFailed). */
type Actual = PueueSnapshot & { failing: ReadonlySet<string> };

function planGroups(targets: MirrorTargets, actual: PueueSnapshot, step: Step): void {
  const running = new Map<string, number>();
  for (const task of targets.tasks) {
    running.set(task.group, (running.get(task.group) ?? 0) + (task.target.kind === 'running' || task.target.kind === 'paused' ? 1 : 0));
  }
  for (const [group, count] of running) {
    // 0 would mean "unlimited" to pueue: at least 1, and never a free slot beside the tasks ccp runs.
    const limit = Math.max(1, count);
    const now = actual.groups[group];
    if (!now) {
      step(PHASE.groups, { do: 'add-group', group, parallel: limit });
    } else if (now.parallel === 0 || now.parallel > limit) {
      step(PHASE.lowerLimits, { do: 'parallel', group, parallel: limit });
    } else if (now.parallel < limit) {
      step(PHASE.raiseLimits, { do: 'parallel', group, parallel: limit });
    }
    const paused = targets.pausedGroups.has(group);
    if (paused && now?.status !== 'Paused') step(PHASE.lowerLimits, { do: 'pause-group', group });
    if (!paused && now?.status === 'Paused') step(PHASE.resumes, { do: 'resume-group', group });
  }
}

function planTask(task: MirrorTask, actual: Actual, files: MirrorFiles, now: Date, step: Step): void {
  const { label } = task;
  const current = actual.byLabel.get(label);
  if (current?.state === 'Locked') return; // someone edits it in pueue: leave it be
  const target = task.target;
  if (target.kind === 'done') {
    planDone(task, target, current, files, step);
    return;
  }
  if (target.kind === 'dependency-failed') {
    planDependencyFailed(task, target, current, actual, files, step);
    return;
  }
  // Back to (or still at) work: no result may end its command.
  if (files.exits.has(label)) step(PHASE.files, { do: 'clear-exit-file', label });
  const note = target.kind === 'running' || target.kind === 'paused' ? target.note ?? '' : '';
  if ((files.notes.get(label) ?? '') !== note) step(PHASE.files, { do: 'note', label, note });
  const state = current?.state;
  const leaveRunning = (mode: AddMode): void => {
    if (!current) return;
    if (state === 'Running' || state === 'Paused') step(PHASE.off, { do: 'kill', label, id: current.id });
    step(mode === 'queued' ? PHASE.queue : PHASE.stashes, { do: 'restart', label, id: current.id, mode });
  };
  switch (target.kind) {
    case 'stashed':
      if (!current) step(PHASE.adds, { do: 'add', task, mode: 'stashed' });
      else if (state === 'Queued') step(PHASE.stashes, { do: 'stash', label, id: current.id });
      else if (state === 'Stashed' && current.enqueueAt) {
        // pueue's stash takes queued tasks only: enqueue, then stash without the delay.
        step(PHASE.stashes, { do: 'enqueue', label, id: current.id });
        step(PHASE.stashes, { do: 'stash', label, id: current.id });
      } else if (state !== 'Stashed') leaveRunning('stashed');
      return;
    case 'scheduled': {
      const delaySeconds = Math.max(1, Math.ceil((Date.parse(target.enqueueAt) - now.getTime()) / 1000));
      if (!current) step(PHASE.adds, { do: 'add', task, mode: 'stashed', delaySeconds });
      else if (state === 'Queued') step(PHASE.stashes, { do: 'stash', label, id: current.id, delaySeconds });
      else if (state === 'Stashed') {
        const off = current.enqueueAt ? Math.abs(Date.parse(current.enqueueAt) - Date.parse(target.enqueueAt)) : Infinity;
        if (off > DELAY_SLACK_MS) step(PHASE.stashes, { do: 'enqueue', label, id: current.id, delaySeconds });
      } else {
        leaveRunning('stashed');
        step(PHASE.queue, { do: 'enqueue', label, id: current.id, delaySeconds });
      }
      return;
    }
    case 'queued':
      if (!current) step(PHASE.queue, { do: 'add', task, mode: 'queued' });
      else if (state === 'Stashed') step(PHASE.queue, { do: 'enqueue', label, id: current.id });
      else if (state !== 'Queued') leaveRunning('queued');
      return;
    case 'running':
    case 'paused':
      if (!current) step(PHASE.adds, { do: 'add', task, mode: 'start' });
      else if (state && DONE_STATES.includes(state)) step(PHASE.starts, { do: 'restart', label, id: current.id, mode: 'start' });
      else if (state !== 'Running' && !(state === 'Paused' && target.kind === 'paused')) step(PHASE.starts, { do: 'start', label });
      if (target.kind === 'paused' && state !== 'Paused') step(PHASE.pauses, { do: 'pause', label });
      return;
  }
}

function planDone(task: MirrorTask, target: Extract<MirrorTarget, { kind: 'done' }>, current: PueueTask | undefined,
  files: MirrorFiles, step: Step): void {
  const { label } = task;
  const ended = current && (target.exitCode === 0 ? current.state === 'Success' : current.state === 'Failed' && current.exitCode === target.exitCode);
  if (ended) return;
  if (files.notes.get(label)) step(PHASE.files, { do: 'note', label, note: '' });
  if (files.exits.get(label) !== target.exitCode) {
    step(PHASE.files, { do: 'exit-file', label, exitCode: target.exitCode, summary: target.summary });
  }
  // Its command reads the exit file and ends with it: run it (again) unless it runs.
  if (!current) step(PHASE.adds, { do: 'add', task, mode: 'start' });
  else if (DONE_STATES.includes(current.state)) step(PHASE.starts, { do: 'restart', label, id: current.id, mode: 'start' });
  else if (current.state !== 'Running') step(PHASE.starts, { do: 'start', label });
}

function planDependencyFailed(task: MirrorTask, target: Extract<MirrorTarget, { kind: 'dependency-failed' }>,
  current: PueueTask | undefined, actual: Actual, files: MirrorFiles, step: Step): void {
  if (current?.state === 'DependencyFailed') return;
  const failedIds = new Set(actual.tasks.filter((t) => FAILED_STATES.includes(t.state) || actual.failing.has(t.label ?? ''))
    .map((t) => t.id));
  // Dependencies failed in pueue, or ending failed in this plan (added before it: plans keep dependency order).
  const failedDeps = task.after.filter((label) => {
    const dep = actual.byLabel.get(label);
    return (dep !== undefined && failedIds.has(dep.id)) || actual.failing.has(label);
  });
  if (current && current.dependencies.some((id) => failedIds.has(id))) {
    // pueue marks a queued task whose dependency failed DependencyFailed by itself.
    if (current.state === 'Stashed') step(PHASE.queue, { do: 'enqueue', label: task.label, id: current.id });
    if (current.state === 'Stashed' || current.state === 'Queued') return;
  }
  if (failedDeps.length === 0) {
    // No failed dependency in pueue to run after (cleaned, or never mirrored): Failed with the reason instead.
    planDone(task, { kind: 'done', exitCode: 1, summary: target.summary }, current, files, step);
    return;
  }
  // Added again after its failed dependencies, queued: pueue ends it DependencyFailed.
  if (current) {
    if (current.state === 'Running' || current.state === 'Paused') step(PHASE.off, { do: 'kill', label: task.label, id: current.id });
    step(PHASE.stashes, { do: 'remove', label: task.label, id: current.id });
  }
  step(PHASE.queue, { do: 'add', task: { ...task, after: failedDeps }, mode: 'queued' });
}
