// The agent activity's side of a pause that is no failure: it tells the subissue workflow what its session waits
// for (a usage limit) or that it went silent, once per change, and turns the host's usage-limit gate into a Temporal
// retry at the reset (a durable timer that holds only this host's sessions).
import { ApplicationFailure, type Context } from '@temporalio/activity';
import { agentWaitSignal, type AgentWait } from '../shared/messages.js';
import type { AgentProgress, UsageLimited } from '../agents/types.js';

export const USAGE_LIMITED = 'UsageLimited';

/** Returns a progress listener that signals the workflow when the session's wait changes. */
export function agentWaitReporter(ctx: Context): { onProgress(progress: AgentProgress): void; send(wait: AgentWait | null): Promise<void> } {
  let last = 'null';
  const send = async (wait: AgentWait | null): Promise<void> => {
    const key = JSON.stringify(wait);
    if (key === last) return;
    last = key;
    const workflowId = ctx.info.workflowExecution?.workflowId;
    if (!workflowId) return;
    await ctx.client.workflow.getHandle(workflowId).signal(agentWaitSignal, wait).catch((err: unknown) => {
      ctx.log.warn('could not tell the workflow what the agent waits for', { error: String(err) });
    });
  };
  return {
    send,
    onProgress(progress) {
      const wait: AgentWait | null = progress.phase === 'usage-limit' && progress.resetsAt
        ? { usageLimitUntil: progress.resetsAt }
        : progress.stalledSince ? { stalledSince: progress.stalledSince } : null;
      void send(wait);
    },
  };
}

/** Held back by the host's gate: retried at the reset, which is no attempt of the agent's. */
export function usageLimitedFailure(err: UsageLimited): ApplicationFailure {
  return ApplicationFailure.create({ message: err.message, type: USAGE_LIMITED,
    nextRetryDelay: Math.max(1_000, err.until.getTime() - Date.now()) });
}
