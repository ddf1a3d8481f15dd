// Requests of agents that no policy rule decides: found through the parents' status, answered through the subissue
// workflow (an update), which hands the answer to the waiting agent.
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  answerApprovalUpdate,
  approvalStateQuery,
  type AnswerApprovalInput,
  type AnsweredApproval,
  type ParentStatus,
  type PendingApproval,
  type SubissueStatus,
} from '../shared/messages.js';
import { NotFoundError, RefusedError } from './errors.js';
import { fetchParentStatuses } from './statuses.js';

export interface WaitingRequest {
  subissue: number;
  parent: string;
  workflowId: string;
  pending: PendingApproval;
}

/** The subissue as its newest parent run reports it; a clear error when ccp knows none with that number. */
function findSubissue(statuses: ParentStatus[], number: number): SubissueStatus {
  const subs = statuses.flatMap((p) => p.subissues).filter((s) => s.number === number && s.workflowId);
  const sub = subs[subs.length - 1];
  if (!sub) {
    throw new NotFoundError(`#${number} is not a subissue ccp is working on: \`ccp approvals --pending\` lists what waits`,
      'subissue', number);
  }
  return sub;
}

export async function answerSubissue(client: Client, number: number, input: AnswerApprovalInput): Promise<AnsweredApproval> {
  const sub = findSubissue(await fetchParentStatuses(client), number);
  try {
    return await client.workflow.getHandle(sub.workflowId as string).executeUpdate(answerApprovalUpdate, { args: [input] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const why = err.cause?.message ?? err.message;
      throw new RefusedError(`#${number}: ${why}`);
    }
    if (err instanceof Error && /not found|already completed/i.test(err.message)) {
      throw new RefusedError(`#${number}: its workflow is not running any more, so nothing of it waits for approval`);
    }
    throw err;
  }
}

/** Every request waiting for a person, oldest first, across all parents. */
export async function waitingRequests(client: Client): Promise<WaitingRequest[]> {
  const out: WaitingRequest[] = [];
  for (const parent of await fetchParentStatuses(client)) {
    for (const sub of parent.subissues) {
      if (!sub.workflowId || sub.phase !== 'agent') continue;
      const state = await client.workflow.getHandle(sub.workflowId).query(approvalStateQuery).catch(() => undefined);
      for (const pending of state?.pending ?? []) {
        out.push({ subissue: sub.number, parent: `${parent.repo.owner}/${parent.repo.repo}#${parent.number}`,
          workflowId: sub.workflowId, pending });
      }
    }
  }
  return out.sort((a, b) => a.pending.askedAt.localeCompare(b.pending.askedAt));
}
