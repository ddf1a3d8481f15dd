// The dispatcher seen from outside: its state read, its controls changed (pauses, workers, group limits,
// priorities, delays). The first change on a fresh server starts it (update-with-start).
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { emptyDispatchState } from '../core/dispatch.js';
import { dispatcherWorkflowId, type DispatchChange, type DispatchView } from '../shared/dispatch.js';
import { dispatchChangeUpdate, dispatchStateQuery } from '../shared/messages.js';
import { RefusedError } from './errors.js';

/** Applies the change (validated by the dispatcher: a refusal is a RefusedError); answers with the state after it. */
export async function changeDispatch(client: Client, taskQueue: string, change: DispatchChange): Promise<DispatchView> {
  const startWorkflowOperation = new WithStartWorkflowOperation('dispatcherWorkflow', {
    workflowId: dispatcherWorkflowId(taskQueue),
    taskQueue,
    args: [{}],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: 'ccp dispatcher: who runs an agent now',
  });
  try {
    return await client.workflow.executeUpdateWithStart(dispatchChangeUpdate, { args: [change], startWorkflowOperation });
  } catch (err) {
    // The validator's words come back as the failure's cause.
    if (err instanceof WorkflowUpdateFailedError) throw new RefusedError(err.cause?.message ?? err.message);
    throw err;
  }
}

/** The dispatcher's state and why each request waits; empty when no dispatcher ran yet. */
export async function dispatchView(client: Client, taskQueue: string): Promise<DispatchView> {
  try {
    return await client.workflow.getHandle(dispatcherWorkflowId(taskQueue)).query(dispatchStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { ...emptyDispatchState(), waiting: [] };
    throw err;
  }
}
