// Analyzer activity: asks the agent (print mode) to split an issue into subissues and validates the plan.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AgentAdapter } from '../agents/types.js';
import { parsePlan, PlanError } from '../core/plan.js';
import { buildAnalyzerPrompt } from '../core/prompts.js';
import type { IssueSummary, Plan, RepoRef } from '../shared/types.js';

export function createAnalyzerActivities({ agent, repoPath }: { agent: AgentAdapter; repoPath: string }) {
  return {
    async planSubissues(input: { repo: RepoRef; issue: IssueSummary; timeoutMs: number }): Promise<Plan> {
      const { info, cancellationSignal } = Context.current();
      const run = info.workflowExecution; // none for an activity outside a workflow: a one-off call then
      const text = await agent.ask({
        prompt: buildAnalyzerPrompt(input.repo, input.issue),
        cwd: repoPath,
        timeoutMs: input.timeoutMs,
        signal: cancellationSignal,
        // Every attempt of this step, and only of this run of the workflow: a retry after a dead worker takes
        // over the planning run it left instead of asking the model again.
        key: run && `${run.workflowId}/${run.runId}/${info.activityId}`,
      });
      try {
        return parsePlan(text);
      } catch (err) {
        // Retryable: a model asked again often answers well; the workflow bounds the attempts.
        if (err instanceof PlanError) throw ApplicationFailure.retryable(err.message, 'InvalidPlan');
        throw err;
      }
    },
  };
}

export type AnalyzerActivities = ReturnType<typeof createAnalyzerActivities>;
