// `ccp approve|deny <subissue>` and `ccp approvals --pending`: requests of agents that no policy rule decides,
// answered through the subissue workflow (an update), which hands the answer to the waiting agent.
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
import { fetchParentStatuses } from '../client/statuses.js';
import { oneLine } from './approvals.js';

export class ApprovalCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalCommandError';
  }
}

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
    throw new ApprovalCommandError(`#${number} is not a subissue ccp is working on: \`ccp approvals --pending\` lists what waits`);
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
      throw new ApprovalCommandError(`#${number}: ${why}`);
    }
    if (err instanceof Error && /not found|already completed/i.test(err.message)) {
      throw new ApprovalCommandError(`#${number}: its workflow is not running any more, so nothing of it waits for approval`);
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

/** Plain text: one block per waiting request with the commands that answer it. Pure. */
export function renderWaiting(requests: readonly WaitingRequest[], now: Date = new Date()): string {
  if (requests.length === 0) return 'Nothing waits for approval.';
  const lines = [`${requests.length} request${requests.length === 1 ? '' : 's'} wait${requests.length === 1 ? 's' : ''} for you:`];
  for (const r of requests) {
    const minutesLeft = Math.max(0, Math.round((Date.parse(r.pending.expiresAt) - now.getTime()) / 60_000));
    lines.push(`  #${r.subissue} (${r.parent}) ${r.pending.tool}: ${oneLine(r.pending.subject, 100)}`,
      `      why: ${oneLine(r.pending.reason, 100)}; denied in ${minutesLeft} min unless answered`,
      `      ccp approve ${r.subissue} [--always]   |   ccp deny ${r.subissue} --reason "…"`);
  }
  return lines.join('\n');
}

/** What `ccp approve|deny` prints. Pure. */
export function renderAnswered(number: number, { question, answer }: AnsweredApproval): string {
  const verb = answer.decision === 'allow' ? (answer.always ? 'approved (always)' : 'approved') : 'denied';
  return `#${number}: ${verb} ${question.tool}: ${oneLine(question.subject, 100)}` +
    (answer.decision === 'deny' ? `\n  the agent reads: ${answer.reason}` : '');
}
