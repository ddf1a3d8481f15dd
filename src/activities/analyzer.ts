// Analyzer activity: asks the agent (print mode) to split an issue into subissues and validates the plan.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { AgentAdapter } from '../agents/types.js';
import { loadPlanTemplate } from '../config/plan-template-file.js';
import { parsePlan, PlanError } from '../core/plan.js';
import { PlanTemplateError } from '../core/plan-template.js';
import { buildAnalyzerPrompt } from '../core/prompts.js';
import type { IssueSummary, Plan, RepoRef } from '../shared/types.js';

export interface PlanRequest {
  repo: RepoRef;
  issue: IssueSummary;
  /** The planning prompt's template (checked). */
  template: string;
  cwd: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The same for every attempt of one step (see AskRequest.key). */
  key?: string;
}

/** One planning: the prompt from the template, the agent in print mode, its answer validated (PlanError if not).
 * The activity's and `ccp plan`'s, so the dry run plans exactly as a run does. */
export async function askForPlan(agent: AgentAdapter, request: PlanRequest): Promise<Plan> {
  const { repo, issue, template, ...ask } = request;
  return parsePlan(await agent.ask({ ...ask, prompt: buildAnalyzerPrompt(repo, issue, template) }));
}

/** `planTemplate`: the user's template file, read at each planning (an edit counts from the next one). */
export function createAnalyzerActivities({ agent, repoPath, planTemplate }: { agent: AgentAdapter; repoPath: string; planTemplate?: string }) {
  return {
    async planSubissues(input: { repo: RepoRef; issue: IssueSummary; timeoutMs: number }): Promise<Plan> {
      const { info, cancellationSignal } = Context.current();
      const run = info.workflowExecution; // none for an activity outside a workflow: a one-off call then
      let template: string;
      try {
        template = loadPlanTemplate(planTemplate);
      } catch (err) {
        // Asking again cannot fix the file: fail the step with what to fix.
        if (err instanceof PlanTemplateError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidPlanTemplate');
        throw err;
      }
      try {
        return await askForPlan(agent, {
          repo: input.repo,
          issue: input.issue,
          template,
          cwd: repoPath,
          timeoutMs: input.timeoutMs,
          signal: cancellationSignal,
          // Every attempt of this step, and only of this run of the workflow: a retry after a dead worker takes
          // over the planning run it left instead of asking the model again.
          key: run && `${run.workflowId}/${run.runId}/${info.activityId}`,
        });
      } catch (err) {
        // Retryable: a model asked again often answers well; the workflow bounds the attempts.
        if (err instanceof PlanError) throw ApplicationFailure.retryable(err.message, 'InvalidPlan');
        throw err;
      }
    },
  };
}

export type AnalyzerActivities = ReturnType<typeof createAnalyzerActivities>;
