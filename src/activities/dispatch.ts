// Activities of the dispatcher and of the subissues that ask it for slots: they talk to Temporal itself, through
// the client of the worker that runs them.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { dispatcherWorkflowId, type SlotRequest } from '../shared/dispatch.js';
import { requestSlotSignal } from '../shared/messages.js';

export function createDispatchActivities() {
  return {
    /** Asks the dispatcher for a slot, starting it first when it does not run (a fresh server, or it was ended). */
    async requestAgentSlot(request: SlotRequest): Promise<void> {
      const { client, info } = Context.current();
      await client.workflow.signalWithStart('dispatcherWorkflow', {
        workflowId: dispatcherWorkflowId(info.taskQueue),
        taskQueue: info.taskQueue,
        args: [{}],
        signal: requestSlotSignal,
        signalArgs: [request],
        staticSummary: 'ccp dispatcher: who runs an agent now',
      });
    },

    /** Of these workflows, the ones that are not running any more (or never were). */
    async endedWorkflows(input: { workflowIds: string[] }): Promise<string[]> {
      const { client } = Context.current();
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
    },
  };
}

export type DispatchActivities = ReturnType<typeof createDispatchActivities>;
