// Where a watcher that takes over a running session (its first watcher's process died) starts reading the session's
// hook events. The events file holds only this attempt's events: it is emptied before the agent starts. Pure.

export interface EventPosition {
  /** hook_event_name */
  name: string;
  /** Byte offsets of the event's line in the events file. */
  start: number;
  end: number;
}

// Events that mean a turn is (still) going on.
const TURN_ACTIVITY = new Set(['UserPromptSubmit', 'PreToolUse', 'PermissionRequest', 'PostToolUse']);

/**
 * Read from the start — the latest PermissionRequest is the exact tool use of a dialog that may be waiting — except
 * around a Stop: the last Stop with no turn activity after it means the agent is done, so reading starts at it and
 * it is not missed; a Stop followed by turn activity belongs to an earlier turn, so reading starts after it and it
 * is not taken for the end of the current one.
 */
export function resumeOffset(events: readonly EventPosition[]): number {
  const lastStop = events.map((e) => e.name).lastIndexOf('Stop');
  if (lastStop < 0) return 0;
  const later = events.slice(lastStop + 1).some((e) => TURN_ACTIVITY.has(e.name));
  return later ? events[lastStop].end : events[lastStop].start;
}
