// Agent session activity: one Claude Code session in a tmux worker pane, heartbeating while it runs.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { AGENT_FAILED, SESSION_LOST, WORKER_SHUTDOWN } from '../shared/failures.js';
import { NoFreePane, SessionLost, UsageLimited, type AgentAdapter, type AgentProgress, type AgentSessionResult } from '../agents/types.js';
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

/** The worker process shutting down (`ccp down`): aborted once; `mode` says what happens to running agents —
 * "detach" leaves them running in tmux for the next worker, "now" stops them. Either way their subissues go back
 * to the queue and continue their conversations. */
export interface WorkerShutdownSignal {
  signal: AbortSignal;
  mode(): 'detach' | 'now';
}

export interface AgentRunInput {
  label: string;
  worktreePath: string;
  prompt: string;
  timeoutMs: number;
  /** The agent's conversation id, the same for every attempt of the subissue (later attempts continue it). */
  sessionId?: string;
  /** Why the workflow runs the agent again (its earlier attempt failed): told to the continued conversation. */
  resumeReason?: string;
  /** A new task for the continued conversation (resolving rebase conflicts), instead of "continue where you left off". */
  instruction?: string;
}

/** What the activity heartbeats: the session's progress, its conversation, and why an attempt let go of it. */
export interface AgentHeartbeat extends AgentProgress {
  sessionId?: string;
  interruption?: string;
}

export function createAgentActivities({ agent, hooks = {}, shutdown }: { agent: AgentAdapter;
  hooks?: AgentActivityHooks; shutdown?: WorkerShutdownSignal }) {
  return {
    async runAgent(input: AgentRunInput): Promise<Omit<AgentSessionResult, 'lastScreen'>> {
      const ctx = Context.current();
      let progress: AgentProgress = { phase: 'claiming-pane', approvals: 0 };
      let started = false;
      const beat = (interruption?: string) => ctx.heartbeat({ ...progress, sessionId: input.sessionId,
        ...(interruption ? { interruption } : {}) } satisfies AgentHeartbeat);
      const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
      const ending = endSignals(ctx.cancellationSignal, shutdown);
      // Re-reading the last heartbeat: a retry by Temporal tells the conversation why its attempt ended.
      const earlier = ctx.info.attempt > 1 ? (ctx.info.heartbeatDetails as AgentHeartbeat | undefined) : undefined;
      const resumeReason = input.resumeReason
        ?? (ctx.info.attempt > 1 ? earlier?.interruption ?? 'the ccp worker running the session stopped' : undefined);
      /** Retried by Temporal, not an attempt of the agent's: the next one continues the conversation. */
      const letGo = (message: string, type: string): ApplicationFailure => {
        beat(message);
        return ApplicationFailure.retryable(message, type);
      };
      const waits = agentWaitReporter(ctx);
      try {
        const result = await agent.runSession({
          label: input.label,
          worktree: input.worktreePath,
          prompt: input.prompt,
          timeoutMs: input.timeoutMs,
          sessionId: input.sessionId,
          resumeReason,
          instruction: input.instruction,
          signal: ending.stop,
          detach: ending.detach,
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
        const pane = result.paneId ? ` in pane ${result.paneId}` : '';
        if (result.endedBy === 'detached') {
          throw letGo(`the ccp worker shut down; the agent keeps running${pane} and the next worker re-attaches`,
            WORKER_SHUTDOWN);
        }
        if (result.endedBy === 'cancelled' && ending.shutdownNow()) {
          throw letGo('the ccp worker shut down and stopped the agent (ccp down --now)', WORKER_SHUTDOWN);
        }
        // Reported as cancelled (not failed): a workflow waiting for the cancellation to complete sees it as one.
        if (result.endedBy === 'cancelled') {
          const reason: unknown = ctx.cancellationSignal.reason;
          throw reason instanceof CancelledFailure ? reason : ApplicationFailure.nonRetryable('agent session cancelled', 'Cancelled');
        }
        if (result.endedBy === 'lost') throw letGo(`the agent's tmux pane${pane} was lost`, SESSION_LOST);
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
        if (err instanceof SessionLost) throw letGo(err.message, SESSION_LOST);
        if (err instanceof UsageLimited) {
          await waits.send({ usageLimitUntil: err.until.toISOString() });
          throw usageLimitedFailure(err);
        }
        throw err;
      } finally {
        clearInterval(timer);
        ending.dispose();
      }
    },
  };
}

/**
 * Splits the activity's cancellation and the worker's shutdown into what the session does: `stop` the agent (a
 * real cancellation such as `ccp stop`, or shutdown "now") or `detach` from it (shutdown "detach", and Temporal's
 * own WORKER_SHUTDOWN cancellation, which the worker's grace time lets the shutdown signal precede).
 */
function endSignals(cancelled: AbortSignal, shutdown: WorkerShutdownSignal | undefined) {
  const stop = new AbortController();
  const detach = new AbortController();
  let now = false;
  const onCancel = (): void => {
    const reason: unknown = cancelled.reason;
    if (reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN') detach.abort();
    else stop.abort();
  };
  const onShutdown = (): void => {
    if (shutdown?.mode() === 'now') {
      now = true;
      stop.abort();
    } else {
      detach.abort();
    }
  };
  const listen = (signal: AbortSignal | undefined, handler: () => void): void => {
    if (signal?.aborted) handler();
    else signal?.addEventListener('abort', handler, { once: true });
  };
  listen(shutdown?.signal, onShutdown);
  listen(cancelled, onCancel);
  return {
    stop: stop.signal,
    detach: detach.signal,
    shutdownNow: () => now,
    dispose: () => {
      cancelled.removeEventListener('abort', onCancel);
      shutdown?.signal.removeEventListener('abort', onShutdown);
    },
  };
}

export type AgentActivities = ReturnType<typeof createAgentActivities>;
