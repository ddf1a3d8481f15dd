// Activities of the dispatcher and of the subissues that ask it for slots: they talk to Temporal itself, through
// the client of the worker that runs them.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { DEPENDENCY_FAILED } from '../shared/failures.js';
import { dispatcherWorkflowId, type SlotRequest } from '../shared/dispatch.js';
import { requestSlotSignal } from '../shared/messages.js';

export function createDispatchActivities() {
  return {
    /** Asks the dispatcher for a slot, starting it first when it does not run (a fresh server, or it was ended). */
    async requestAgentSlot(request: SlotRequest): Promise<void> {
      const { info } = Context.current();
      await withTemporal((client) => client.workflow.signalWithStart('dispatcherWorkflow', {
        workflowId: dispatcherWorkflowId(info.taskQueue),
        taskQueue: info.taskQueue,
        args: [{}],
        signal: requestSlotSignal,
        signalArgs: [request],
        staticSummary: 'ccp dispatcher: who runs an agent now',
      }));
    },

    /** Of these workflows, the ones that are not running any more (or never were). */
    endedWorkflows: (input: { workflowIds: string[] }): Promise<string[]> => withTemporal(async (client) => {
      const ended: string[] = [];
      for (const id of input.workflowIds) {
        try {
          const description = await client.workflow.getHandle(id).describe();
          if (description.status.name !== 'RUNNING') ended.push(id);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) ended.push(id);
          else throw err;
        }
      }
      return ended;
    }),

    /** How these subissue workflows ended, for those that did: a parent's continued run watches the children an
     * earlier run started, whose end only their own last signal would tell it (none when terminated by hand). Read
     * from the closing event, never by waiting on a result. */
    childOutcomes: (input: { workflowIds: string[] }): Promise<ChildOutcome[]> => withTemporal(async (client) => {
      const outcomes: ChildOutcome[] = [];
      for (const workflowId of input.workflowIds) {
        const handle = client.workflow.getHandle(workflowId);
        try {
          if ((await handle.describe()).status.name === 'RUNNING') continue;
          const events = (await handle.fetchHistory()).events ?? [];
          outcomes.push({ workflowId, ...closingOutcome(events[events.length - 1]) });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          outcomes.push({ workflowId, end: 'failed', error: 'its workflow is gone (not found on the Temporal server)' });
        }
      }
      return outcomes;
    }),
  };
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** What a subissue workflow's closing event says of its end. */
function closingOutcome(event: HistoryEvent | undefined): Omit<ChildOutcome, 'workflowId'> {
  const failure = event?.workflowExecutionFailedEventAttributes?.failure;
  if (event?.workflowExecutionCompletedEventAttributes) return { end: 'merged' };
  if (event?.workflowExecutionCanceledEventAttributes) return { end: 'stopped', error: 'its workflow was cancelled' };
  if (event?.workflowExecutionTerminatedEventAttributes) {
    const reason = event.workflowExecutionTerminatedEventAttributes.reason;
    return { end: 'failed', error: `its workflow was terminated${reason ? ` (${reason})` : ''}` };
  }
  if (event?.workflowExecutionTimedOutEventAttributes) return { end: 'failed', error: 'its workflow timed out' };
  // Failed: the innermost cause names what happened (a dependency that failed ends it blocked).
  let cause = failure;
  while (cause?.cause) cause = cause.cause;
  const blocked = cause?.applicationFailureInfo?.type === DEPENDENCY_FAILED;
  return { end: blocked ? 'blocked' : 'failed', error: cause?.message ?? failure?.message ?? 'its workflow failed' };
}

/** Runs the activity's calls to Temporal under its cancellation: a worker shutting down cancels them, instead of
 * their retries going on after the connection closed ("Channel has been shut down", uncaught, from a timer). */
function withTemporal<T>(calls: (client: Client) => Promise<T>): Promise<T> {
  const { client, cancellationSignal } = Context.current();
  return client.withAbortSignal(cancellationSignal, () => calls(client));
}

/** How a subissue workflow ended (childOutcomes). */
export interface ChildOutcome {
  workflowId: string;
  end: 'merged' | 'stopped' | 'blocked' | 'failed';
  error?: string;
}

export type DispatchActivities = ReturnType<typeof createDispatchActivities>;
