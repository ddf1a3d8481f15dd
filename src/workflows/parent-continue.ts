// A parent that runs for days stays bounded: when Temporal suggests it, the parent continues as new, carrying its
// status and plan; the subissues it started run on (started with ParentClosePolicy ABANDON) and report to the
// new run by their progress signals, which go to the parent's workflow id, whichever run it is.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { SharedActivities } from '../activities/index.js';
import { nextRecheckMs, RECHECK_FIRST_MS } from '../core/recheck.js';
import { TERMINAL_PHASES } from '../core/scheduling.js';
import type { ParentStatus, SubissueStatus } from '../shared/messages.js';
import type { CreatedSubissue } from '../shared/types.js';

/** What one run of a parent hands the next. */
export interface ContinuedParent {
  status: ParentStatus;
  created: CreatedSubissue[];
  baseBranch: string;
}

const CONTINUE_PATCH = 'parent-continue-as-new';

/** How the parent starts children: ABANDON once it may continue as new (patched: older runs keep TERMINATE). */
export function childCloseOptions(): { parentClosePolicy?: ParentClosePolicy } {
  return patched(CONTINUE_PATCH) ? { parentClosePolicy: ParentClosePolicy.ABANDON } : {};
}

/** Temporal suggests a new run (the history grew long), and this run may take it. */
export function shouldContinueAsNew(): boolean {
  return patched(CONTINUE_PATCH) && workflowInfo().continueAsNewSuggested;
}

/** Continues as new once every signal and update handler has finished (none is lost on the way). */
export async function continueParent<A extends { continued?: ContinuedParent }>(input: A, carried: ContinuedParent): Promise<never> {
  await condition(allHandlersFinished);
  return continueAsNew<(arg: A) => Promise<unknown>>({ ...input, continued: carried });
}

/** Stops subissues still running: those of this run and those an earlier run started (abandoned to this one), then
 * waits (a bounded while) for them to report their end, so they clean up before the parent closes. */
export async function stopRunningChildren(status: ParentStatus): Promise<void> {
  const running = status.subissues.filter((s) => s.workflowId && !TERMINAL_PHASES.has(s.phase) && s.phase !== 'waiting');
  await Promise.all(running.map((s) => getExternalWorkflowHandle(s.workflowId as string).cancel().catch(() => undefined)));
  await condition(() => running.every((s) => TERMINAL_PHASES.has(s.phase)), '5 minutes');
}

const ADOPTED_WATCH_PATCH = 'parent-adopted-children-watch';
// The children an earlier run started are checked now and then (core/recheck.ts).

const temporal = proxyActivities<SharedActivities>({ startToCloseTimeout: '1 minute', retry: { initialInterval: '2s', maximumAttempts: 3 } });

/**
 * Waits until something changed (`dirty`). While children an earlier run started still run (`adopted`), their ends
 * are also looked up now and then: they report by signal, and one terminated by hand (the Web UI, `temporal
 * workflow terminate`) never does, which would leave the parent waiting for ever. Each end found is `settle`d.
 */
export function adoptedChildrenWatch(settle: (sub: SubissueStatus, phase: SubissueStatus['phase'], error?: string) => void) {
  let every = RECHECK_FIRST_MS;
  let last = Date.now();
  return async function untilChanged(dirty: () => boolean, adopted: () => SubissueStatus[]): Promise<void> {
    for (;;) {
      if (adopted().length === 0 || !patched(ADOPTED_WATCH_PATCH)) return void (await condition(dirty));
      if (await condition(dirty, Math.max(1, last + every - Date.now()))) return;
      last = Date.now();
      const watched = adopted();
      const outcomes = await temporal.childOutcomes({ workflowIds: watched.map((s) => s.workflowId as string) });
      for (const outcome of outcomes) {
        const sub = watched.find((s) => s.workflowId === outcome.workflowId);
        if (!sub || TERMINAL_PHASES.has(sub.phase)) continue; // its own signal came first
        // Completed: merged (its PR, which pr-open recorded, with it).
        if (outcome.end === 'merged') {
          sub.mergedAt ??= new Date().toISOString();
          if (sub.pr) sub.pr = { ...sub.pr, merged: true };
        }
        settle(sub, outcome.end, outcome.error);
      }
      every = outcomes.length > 0 ? RECHECK_FIRST_MS : nextRecheckMs(every);
      if (dirty()) return;
    }
  };
}
