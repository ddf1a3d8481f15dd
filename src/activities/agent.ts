// Agent session activity: one Claude Code session in a tmux worker pane, heartbeating while it runs.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { AGENT_FAILED } from '../shared/failures.js';
import { NoFreePane, UsageLimited, type AgentAdapter, type AgentProgress, type AgentSessionResult } from '../agents/types.js';
import type { PendingApproval } from '../shared/messages.js';
import { askPerson } from './needs-you.js';
import { agentWaitReporter, usageLimitedFailure } from './agent-wait.js';

const HEARTBEAT_EVERY_MS = 5_000;
const SCREEN_LINES_IN_ERRORS = 12;

export interface AgentActivityHooks {
  /** Called once the agent really runs in a pane (the pueue mirror starts its task then). */
  onSessionStart?: (label: string, paneId: string | undefined) => Promise<void>;
  /** Called when a request starts waiting for a person (the pueue mirror logs it). */
  onNeedsYou?: (label: string, pending: PendingApproval) => Promise<void>;
}

export function createAgentActivities({ agent, hooks = {} }: { agent: AgentAdapter; hooks?: AgentActivityHooks }) {
  return {
    async runAgent(input: { label: string; worktreePath: string; prompt: string; timeoutMs: number }): Promise<Omit<AgentSessionResult, 'lastScreen'>> {
      const ctx = Context.current();
      let progress: AgentProgress = { phase: 'claiming-pane', approvals: 0 };
      let started = false;
      const beat = () => ctx.heartbeat(progress);
      const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
      const waits = agentWaitReporter(ctx);
      try {
        const result = await agent.runSession({
          label: input.label,
          worktree: input.worktreePath,
          prompt: input.prompt,
          timeoutMs: input.timeoutMs,
          signal: ctx.cancellationSignal,
          onNeedsYou: (question, signal) => askPerson({
            client: ctx.client, workflowId: ctx.info.workflowExecution?.workflowId ?? '', question,
            signal: AbortSignal.any([signal, ctx.cancellationSignal]),
            onWaiting: (pending) => {
              hooks.onNeedsYou?.(input.label, pending).catch((err: unknown) => {
                ctx.log.warn('needs-you hook failed', { label: input.label, error: String(err) });
              });
            },
          }),
          onProgress: (next) => {
            progress = next;
            beat();
            waits.onProgress(next);
            if (!started && next.phase === 'running') {
              started = true;
              hooks.onSessionStart?.(input.label, next.paneId).catch((err: unknown) => {
                ctx.log.warn('session-start hook failed', { label: input.label, error: String(err) });
              });
            }
          },
        });
        if (result.endedBy === 'cancelled') throw ApplicationFailure.nonRetryable('agent session cancelled', 'Cancelled');
        // The agent's own failures are not retried here: the workflow decides whether to give it another go.
        // No recorded exit code (the pane died under the wrapper) is a failure too: nothing says the agent finished.
        if (result.endedBy === 'timeout' || result.endedBy === 'stalled' || result.exitCode !== 0) {
          const how = result.endedBy === 'stalled' ? `was ended: ${result.reason ?? 'stalled'}`
            : result.endedBy === 'timeout' ? 'timed out' : result.exitCode === null ? 'died without an exit code' : `exited with code ${result.exitCode}`;
          const screen = result.lastScreen.trimEnd().split('\n').slice(-SCREEN_LINES_IN_ERRORS).join('\n');
          throw ApplicationFailure.nonRetryable(`agent ${how} in pane ${result.paneId}; last screen:\n${screen}`, AGENT_FAILED);
        }
        const { lastScreen: _lastScreen, ...rest } = result;
        return rest;
      } catch (err) {
        // Retried by Temporal (with backoff), which frees this slot meanwhile.
        if (err instanceof NoFreePane) throw ApplicationFailure.retryable(err.message, 'NoFreePane');
        if (err instanceof UsageLimited) {
          await waits.send({ usageLimitUntil: err.until.toISOString() });
          throw usageLimitedFailure(err);
        }
        throw err;
      } finally {
        clearInterval(timer);
      }
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
