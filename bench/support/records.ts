// What one subissue's run left behind, read into plain times (epoch ms): its Temporal history (activities, the
// dispatcher's slot signals), its session files (the wrapper writes the pid file as the agent starts and the exit
// file as it ends) and, with real Claude Code, the scripted model's request log. timeline.ts turns them into figures.
import { statSync } from 'node:fs';
import { tsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { sessionFiles } from '../../src/agents/claude-code/session-files.js';
import type { TimedEvent } from '../../src/core/history-timings.js';

const EventType = proto.temporal.api.enums.v1.EventType;

export interface ActivitySpan {
  name: string;
  scheduledMs: number;
  startedMs?: number;
  completedMs?: number;
}

export interface SubissueRecord {
  number: number;
  startedMs: number;
  activities: ActivitySpan[];
  /** The slot asked of the dispatcher (signal sent, or the activity that starts the dispatcher with it). */
  slotRequestedMs?: number;
  slotGrantedMs?: number;
  slotReleasedMs?: number;
  /** The agent process: from the wrapper's pid file to its exit file. */
  agentStartMs?: number;
  agentEndMs?: number;
  /** The scripted model's first and last work request of this subissue (real Claude Code only). */
  firstModelMs?: number;
  lastModelMs?: number;
}

/** The activity of `name` (its first, or its last when `last`) that completed. */
export function activity(record: SubissueRecord, name: string, last = false): ActivitySpan | undefined {
  const done = record.activities.filter((a) => a.name === name && a.completedMs !== undefined);
  return last ? done[done.length - 1] : done[0];
}

const mtime = (file: string): number | undefined => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

export function recordFromHistory(number: number, history: proto.temporal.api.history.v1.IHistory, runDir: string, label: string,
  model: { kind: string; subissue?: number; atMs?: number }[] = []): SubissueRecord | undefined {
  const record: SubissueRecord = { number, startedMs: 0, activities: [] };
  // Activities from the same reading of the history as `npm run bench`'s timings; the slot signals beside them.
  const byId = new Map<number, ActivitySpan>();
  for (const e of toTimedEvents(history)) {
    if (e.type === 'workflowStarted') record.startedMs = e.atMs;
    else if (e.type === 'activityScheduled') {
      const span = { name: e.activity ?? '', scheduledMs: e.atMs };
      byId.set(e.eventId, span);
      record.activities.push(span);
      if (span.name === 'requestAgentSlot') record.slotRequestedMs ??= e.atMs;
    } else {
      const span = byId.get(e.scheduledEventId ?? -1);
      if (span && e.type === 'activityStarted') span.startedMs = e.atMs;
      if (span && e.type === 'activityCompleted') span.completedMs = e.atMs;
    }
  }
  for (const e of history.events ?? []) {
    const at = tsToMs(e.eventTime);
    if (e.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED) {
      const name = e.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName;
      if (name === 'ccp.requestSlot') record.slotRequestedMs = Math.min(record.slotRequestedMs ?? at, at);
      if (name === 'ccp.releaseSlot') record.slotReleasedMs = at;
    } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) {
      if (e.workflowExecutionSignaledEventAttributes?.signalName === 'ccp.slotGranted') record.slotGrantedMs ??= at;
    }
  }
  if (!record.startedMs) return undefined;
  const files = sessionFiles(runDir, label);
  record.agentStartMs = mtime(files.pid);
  record.agentEndMs = mtime(files.exit);
  const asked = model.filter((r) => r.subissue === number && r.kind.startsWith('work') && r.atMs !== undefined).map((r) => r.atMs as number);
  if (asked.length > 0) {
    record.firstModelMs = Math.min(...asked);
    record.lastModelMs = Math.max(...asked);
  }
  return record;
}

/** The history's workflow start and activity events, as history-timings reads them. */
export function toTimedEvents(history: proto.temporal.api.history.v1.IHistory): TimedEvent[] {
  const events: TimedEvent[] = [];
  for (const e of history.events ?? []) {
    const base = { atMs: tsToMs(e.eventTime), eventId: Number(e.eventId) };
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) events.push({ ...base, type: 'workflowStarted' });
    else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      events.push({ ...base, type: 'activityScheduled', activity: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '' });
    else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
      events.push({ ...base, type: 'activityStarted', scheduledEventId: Number(e.activityTaskStartedEventAttributes?.scheduledEventId) });
    else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
      events.push({ ...base, type: 'activityCompleted', scheduledEventId: Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) });
  }
  return events;
}
