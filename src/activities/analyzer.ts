// Analyzer activity: asks the agent (print mode) to split an issue into subissues and validates the plan.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AgentAdapter } from '../agents/types.js';
import { parsePlan, PlanError } from '../core/plan.js';
import { buildAnalyzerPrompt } from '../core/prompts.js';
import type { IssueSummary, Plan, RepoRef } from '../shared/types.js';

export function createAnalyzerActivities({ agent, repoPath }: { agent: AgentAdapter; repoPath: string }) {
  return {
    async planSubissues(input: { repo: RepoRef; issue: IssueSummary; timeoutMs: number }): Promise<Plan> {
      const text = await agent.ask({
        prompt: buildAnalyzerPrompt(input.repo, input.issue),
        cwd: repoPath,
        timeoutMs: input.timeoutMs,
        signal: Context.current().cancellationSignal,
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
