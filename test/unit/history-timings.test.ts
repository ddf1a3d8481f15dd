import { subissueTimings, type TimedEvent } from '../../src/core/history-timings.js';

const at = (s: number) => s * 1000;

test('splits a subissue run into agent time and ccp overhead', () => {
  const events: TimedEvent[] = [
    { type: 'workflowStarted', atMs: at(0), eventId: 1 },
    { type: 'activityScheduled', atMs: at(1), eventId: 5, activity: 'prepareWorktree' },
    { type: 'activityStarted', atMs: at(1), eventId: 6, scheduledEventId: 5 },
    { type: 'activityCompleted', atMs: at(2), eventId: 7, scheduledEventId: 5 },
    { type: 'activityScheduled', atMs: at(3), eventId: 10, activity: 'runAgent' },
    { type: 'activityStarted', atMs: at(5), eventId: 11, scheduledEventId: 10 },
    { type: 'activityCompleted', atMs: at(35), eventId: 12, scheduledEventId: 10 },
    { type: 'activityScheduled', atMs: at(36), eventId: 15, activity: 'openPullRequest' },
    { type: 'activityStarted', atMs: at(36), eventId: 16, scheduledEventId: 15 },
    { type: 'activityCompleted', atMs: at(38), eventId: 17, scheduledEventId: 15 },
  ];
  expect(subissueTimings(events)).toEqual({
    startToAgentMs: 5000,
    agentDispatchMs: 2000,
    agentMs: 30000,
    agentToPrMs: 3000,
    overheadMs: 8000,
  });
});

test('no timings for a run that never opened a PR', () => {
  expect(subissueTimings([{ type: 'workflowStarted', atMs: 0, eventId: 1 }])).toBeUndefined();
});
