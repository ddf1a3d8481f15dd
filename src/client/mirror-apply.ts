// One reconciliation of the pueue mirror: what it should show (core/mirror-targets.ts) against what pueue holds,
// planned (core/mirror-plan.ts) and applied here. The worker's reconciler runs it every second; `ccp queue sync`
// once. Each action stands alone: one that fails is reported and tried again on the next pass.
import type { PueueAdapter } from '../adapters/pueue.js';
import { baselineAfter, holdsInForce, userCommands, type Hold, type MirrorBaseline } from '../core/mirror-controls.js';
import { planMirror, type MirrorAction } from '../core/mirror-plan.js';
import { mirrorTargets, type MirrorTargetsInput } from '../core/mirror-targets.js';
import type { DispatchState } from '../shared/dispatch.js';
import { obeyPueue, type MirrorSteering } from './mirror-obey.js';

export interface ReconcileResult {
  /** Labels whose task was changed (added, moved to another state, given a result or a note). */
  changed: string[];
  /** Subissues that were right already. */
  unchanged: number;
  failed: Array<{ label: string; error: string }>;
  /** With `control`: what to compare the next pass with, the holds in force and the pauses after any command. */
  control?: { baseline: MirrorBaseline; holds: Hold[]; paused?: DispatchState['paused'] };
}

/** Commands given in pueue are read and carried out (the worker's reconciler; `ccp queue sync` only mirrors). */
export interface MirrorControl {
  ccp: MirrorSteering;
  /** What the last pass left pueue showing (none: nothing is read into this one). */
  baseline?: MirrorBaseline;
  holds: Hold[];
  log: (line: string) => void;
}

/** Before pausing a task, its command is given a moment to print the note that says why. */
const NOTE_PRINT_MS = 600;
/** A killed task is Done once pueued saw its process end (it is restarted next): this long at most. */
const KILL_SETTLE_MS = 5_000;

async function untilStopped(pueue: PueueAdapter, label: string): Promise<void> {
  const deadline = Date.now() + KILL_SETTLE_MS;
  for (;;) {
    const state = (await pueue.findByLabel(label))?.state;
    if ((state !== 'Running' && state !== 'Paused') || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function reconcileMirror(pueue: PueueAdapter, input: MirrorTargetsInput & { cwd: string; control?: MirrorControl })
  : Promise<ReconcileResult> {
  let targets = mirrorTargets(input);
  return pueue.mirror.exclusive(async () => {
    // Read within the lock: what another pass changed just before counts.
    const actual = await pueue.snapshot(true);
    const { control } = input;
    const daemonPid = pueue.daemonPid();
    let holds: Hold[] = [];
    let paused: DispatchState['paused'] | undefined;
    if (control) {
      holds = holdsInForce(control.holds, targets, input.now.getTime());
      const commands = userCommands({ baseline: control.baseline, now: actual, daemonPid, targets, paused: input.paused,
        held: new Set(holds.map((h) => h.label)) });
      if (commands.length > 0) {
        const obeyed = await obeyPueue(control.ccp, commands, input.parents, control.log, input.now.getTime());
        holds = [...holds, ...obeyed.holds];
        paused = obeyed.paused;
        // ccp's truth after the commands: pueue keeps what the person did.
        if (paused) targets = mirrorTargets({ ...input, paused });
      }
    }
    const actions = planMirror(targets, actual, pueue.mirror.read(), input.now, new Set(holds.map((h) => h.label)));
    const result = await applyMirrorPlan(pueue, actions, input.cwd);
    const changed = new Set(actions.flatMap(labelOf));
    const baseline = baselineAfter(actual, actions, new Set(result.failed.map((f) => f.label)), daemonPid);
    return { ...result, changed: [...changed], unchanged: targets.tasks.filter((t) => !changed.has(t.label)).length,
      ...(control ? { control: { baseline, holds, ...(paused ? { paused } : {}) } } : {}) };
  });
}

function labelOf(action: MirrorAction): string[] {
  if ('label' in action) return [action.label];
  return action.do === 'add' ? [action.task.label] : [];
}

/** Starts a task, fine when pueue started it meanwhile (its group had room) or it already ended (its exit file
 * came): pueue refuses those with "The command failed for tasks", which is no mirror falling behind. */
async function startUnlessStarted(pueue: PueueAdapter, label: string, id: number): Promise<void> {
  try {
    await pueue.control('start', [id]);
  } catch (err) {
    const now = (await pueue.snapshot()).byLabel.get(label)?.state;
    if (now !== 'Running' && now !== 'Success' && now !== 'Failed') throw err;
  }
}

export async function applyMirrorPlan(pueue: PueueAdapter, actions: MirrorAction[], cwd: string)
  : Promise<Pick<ReconcileResult, 'failed'>> {
  const failed: ReconcileResult['failed'] = [];
  if (actions.length === 0) return { failed };
  const ids = new Map([...(await pueue.snapshot()).byLabel].map(([label, task]) => [label, task.id]));
  const idOf = (label: string): number => {
    const id = ids.get(label);
    if (id === undefined) throw new Error(`no pueue task labelled ${label}`);
    return id;
  };
  let noteWritten = false;
  let waitedForNotes = false;
  for (const action of actions) {
    try {
      switch (action.do) {
        case 'add-group': await pueue.ensureGroup(action.group, action.parallel); break;
        case 'pause-group': await pueue.pauseGroup(action.group); break;
        case 'resume-group': await pueue.resumeGroup(action.group); break;
        case 'parallel': await pueue.setParallel(action.group, action.parallel); break;
        case 'exit-file': pueue.mirror.writeExit(action.label, action.exitCode, action.summary); break;
        case 'clear-exit-file': pueue.mirror.clearExit(action.label); break;
        case 'note':
          pueue.mirror.writeNote(action.label, action.note);
          noteWritten ||= action.note !== '';
          break;
        case 'kill':
          await pueue.control('kill', [action.id]);
          await untilStopped(pueue, action.label);
          break;
        case 'remove': await pueue.control('remove', [action.id]); break;
        case 'stash': case 'enqueue': await pueue.control(action.do, [action.id], action.delaySeconds); break;
        case 'restart': await pueue.restart(action.id, action.mode); break;
        case 'start': await startUnlessStarted(pueue, action.label, idOf(action.label)); break;
        case 'add': {
          const { task } = action;
          const after = task.after.flatMap((label) => ids.get(label) ?? []);
          ids.set(task.label, await pueue.add({ label: task.label, group: task.group, cwd, priority: task.priority, after,
            command: pueue.mirror.command(task.label, task.describe), mode: action.mode, delaySeconds: action.delaySeconds }));
          break;
        }
        case 'pause':
          if (noteWritten && !waitedForNotes) {
            waitedForNotes = true;
            await new Promise((resolve) => setTimeout(resolve, NOTE_PRINT_MS));
          }
          await pueue.control('pause', [idOf(action.label)]);
          break;
      }
    } catch (err) {
      failed.push({ label: labelOf(action)[0] ?? ('group' in action ? `group ${action.group}` : action.do),
        error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { failed };
}
