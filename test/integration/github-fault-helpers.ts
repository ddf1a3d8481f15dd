// What GitHub faults did to a run, read from Temporal's history: which activities were retried after which failure,
// and whether any failed for good.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParentStatus } from '../../src/shared/messages.js';
import type { Harness } from '../helpers/harness.js';

export interface ActivityRun {
  workflowId: string;
  activity: string;
  /** The attempt that ran last. */
  attempt: number;
  /** Type and message of the failure before that attempt (retried activities only). */
  lastFailure?: { type?: string; message?: string };
}

/** The last attempt of every activity the workflows ran, and the activities that failed for good. */
export async function activityRuns(h: Harness, workflowIds: string[]): Promise<{ runs: ActivityRun[]; failed: ActivityRun[] }> {
  const runs: ActivityRun[] = [];
  const failed: ActivityRun[] = [];
  for (const workflowId of workflowIds) {
    const events = (await h.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const types = new Map<string, string>();
    for (const event of events) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) types.set(String(event.eventId), scheduled.activityType?.name ?? '?');
      const started = event.activityTaskStartedEventAttributes;
      if (started) {
        const failure = started.lastFailure;
        runs.push({
          workflowId,
          activity: types.get(String(started.scheduledEventId)) ?? '?',
          attempt: started.attempt ?? 1,
          ...(failure ? { lastFailure: { type: failure.applicationFailureInfo?.type ?? undefined, message: failure.message ?? undefined } } : {}),
        });
      }
      const failedEvent = event.activityTaskFailedEventAttributes;
      if (failedEvent) {
        failed.push({
          workflowId,
          activity: types.get(String(failedEvent.scheduledEventId)) ?? '?',
          attempt: 0,
          lastFailure: { type: failedEvent.failure?.applicationFailureInfo?.type ?? undefined, message: failedEvent.failure?.message ?? undefined },
        });
      }
    }
  }
  return { runs, failed };
}

/** The parent and its children's workflow ids. */
export function runWorkflowIds(parentId: string, status: ParentStatus): string[] {
  return [parentId, ...status.subissues.flatMap((s) => (s.workflowId ? [s.workflowId] : []))];
}

export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(everyMs);
  }
}
