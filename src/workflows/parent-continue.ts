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
  workflowInfo,
} from '@temporalio/workflow';
import { TERMINAL_PHASES } from '../core/scheduling.js';
import type { ParentStatus } from '../shared/messages.js';
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
