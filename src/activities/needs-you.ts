// An agent's request that no policy rule decides, put to a person through the subissue workflow (which keeps it
// across worker restarts and denies it when nobody answers in time). The activity waits here for the answer.
import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  approvalStateQuery,
  askApprovalUpdate,
  withdrawApprovalSignal,
  type ApprovalAnswer,
  type ApprovalQuestion,
  type PendingApproval,
} from '../shared/messages.js';

const POLL_MS = 1_000;

export interface AskPersonInput {
  client: Client;
  /** The subissue workflow that keeps the question. */
  workflowId: string;
  question: ApprovalQuestion;
  /** Aborted when the question went away (answered in the pane, session over): it is withdrawn. */
  signal: AbortSignal;
  /** Called once the question is recorded (and waiting). */
  onWaiting?: (pending: PendingApproval) => void;
}

export async function askPerson({ client, workflowId, question, signal, onWaiting }: AskPersonInput): Promise<ApprovalAnswer> {
  const handle = client.workflow.getHandle(workflowId);
  const asked = await handle.executeUpdate(askApprovalUpdate, { args: [question] });
  if (asked.answer) return asked.answer;
  onWaiting?.(asked.pending);
  try {
    for (;;) {
      await sleep(POLL_MS, undefined, { signal });
      const state = await handle.query(approvalStateQuery);
      const answer = state.answers[question.id];
      if (answer) return answer;
      // Withdrawn by someone else (another attempt that ended): ask again rather than wait forever.
      if (!state.pending.some((p) => p.id === question.id)) {
        const again = await handle.executeUpdate(askApprovalUpdate, { args: [question] });
        if (again.answer) return again.answer;
      }
    }
  } catch (err) {
    if (signal.aborted) {
      await handle.signal(withdrawApprovalSignal, { id: question.id }).catch(() => undefined);
      return { decision: 'deny', by: 'policy', reason: 'ccp: the request was withdrawn before anyone answered it' };
    }
    throw err;
  }
}
