// Timings of a subissue workflow read from its Temporal history: how long ccp itself takes around the agent.
// Pure: takes plain events (type, time, activity name), so it is testable without a server.

export interface TimedEvent {
  type: 'workflowStarted' | 'activityScheduled' | 'activityStarted' | 'activityCompleted';
  atMs: number;
  /** Activity type for scheduled events; for started/completed, the scheduled event's id they refer to. */
  activity?: string;
  eventId: number;
  scheduledEventId?: number;
}

export interface SubissueTimings {
  /** Child start → agent running in a pane (worktree, mirror, queueing for a pane). */
  startToAgentMs: number;
  /** Agent activity scheduled → picked up by a worker (waiting for a free pane included). */
  agentDispatchMs: number;
  agentMs: number;
  /** Agent done → PR open (commit, push, PR, mirror). */
  agentToPrMs: number;
  /** Everything up to the PR that is not the agent's own time. */
  overheadMs: number;
}

export function subissueTimings(events: TimedEvent[]): SubissueTimings | undefined {
  const started = events.find((e) => e.type === 'workflowStarted');
  const scheduled = new Map(events.filter((e) => e.type === 'activityScheduled').map((e) => [e.eventId, e]));
  const phase = (activity: string, type: TimedEvent['type']) =>
    events.find((e) => e.type === type && scheduled.get(e.scheduledEventId ?? -1)?.activity === activity);
  const agentScheduled = [...scheduled.values()].find((e) => e.activity === 'runAgent');
  const agentStarted = phase('runAgent', 'activityStarted');
  const agentDone = phase('runAgent', 'activityCompleted');
  const prDone = phase('openPullRequest', 'activityCompleted');
  if (!started || !agentScheduled || !agentStarted || !agentDone || !prDone) return undefined;
  const agentMs = agentDone.atMs - agentStarted.atMs;
  return {
    startToAgentMs: agentStarted.atMs - started.atMs,
    agentDispatchMs: agentStarted.atMs - agentScheduled.atMs,
    agentMs,
    agentToPrMs: prDone.atMs - agentDone.atMs,
    overheadMs: prDone.atMs - started.atMs - agentMs,
  };
}
