// Starting parent workflows: one per issue, id derived from repo and number, so a second start of the same
// issue finds the running (or finished) workflow instead of starting another.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { legacyParentWorkflowId, parentWorkflowId } from '../shared/ids.js';
import { parentStartOptions } from '../shared/visibility.js';
import { PlanError, validatePlan } from '../core/plan.js';
import type { Plan, RepoRef, RunSettings } from '../shared/types.js';
import type { ParentIssueInput } from '../workflows/parent-issue.js';

export interface StartResult {
  issueNumber: number;
  workflowId: string;
  started: boolean;
  /** Why it was not started, for the user. */
  note?: string;
}

export interface StartOptions {
  /** The split to use instead of asking the agent (`ccp start --plan`), for one issue: checked with the analyzer's
   * rules (PlanError otherwise). It is used as given, also beside sub-issues the issue may have on GitHub. */
  plan?: Plan;
  /** Begin then, not now (`ccp start --delay 2h|16:00|<ISO time>`): the parent waits on a durable timer. */
  notBefore?: Date;
  /** Issue titles already known (`ccp start` read them checking the issues): the Web UI's summary shows them. */
  titles?: Record<number, string>;
}

export async function startParents(
  client: Client,
  taskQueue: string,
  repo: RepoRef,
  issueNumbers: number[],
  settings: RunSettings,
  options: StartOptions = {},
): Promise<StartResult[]> {
  if (options.plan && issueNumbers.length !== 1) throw new PlanError(`a plan splits one issue, not ${issueNumbers.length}`);
  const plan = options.plan && validatePlan(options.plan);
  const results: StartResult[] = [];
  for (const issueNumber of issueNumbers) {
    const workflowId = parentWorkflowId(repo, issueNumber);
    const legacy = await runningLegacyRun(client, repo, issueNumber);
    if (legacy) {
      results.push({ issueNumber, workflowId: legacy, started: false,
        note: `issue #${issueNumber} is still running under the id an earlier ccp gave it (${legacy}); nothing new started` });
      continue;
    }
    const input: ParentIssueInput = { repo, issueNumber, settings, ...(plan ? { plan } : {}),
      ...(options.notBefore ? { notBefore: options.notBefore.toISOString() } : {}) };
    try {
      await client.workflow.start('parentIssueWorkflow', {
        taskQueue,
        workflowId,
        args: [input],
        // A failed run may be started again; a running or completed one may not.
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        memo: { repo: `${repo.owner}/${repo.repo}`, issue: issueNumber },
        // Listed, summarised and found by search attribute in the Web UI before a worker took it.
        ...parentStartOptions(repo, issueNumber, options.titles?.[issueNumber]),
      });
      results.push({ issueNumber, workflowId, started: true });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const description = await client.workflow.getHandle(workflowId).describe().catch(() => undefined);
      const state = description?.status.name.toLowerCase() ?? 'existing';
      results.push({
        issueNumber,
        workflowId,
        started: false,
        note: `issue #${issueNumber} already has a ${state} run (${workflowId}); nothing new started`,
      });
    }
  }
  return results;
}

/** A still-running run of the issue under ccp 0.1's workflow id, which the new id would not find. */
async function runningLegacyRun(client: Client, repo: RepoRef, issueNumber: number): Promise<string | undefined> {
  const id = legacyParentWorkflowId(repo, issueNumber);
  const description = await client.workflow.getHandle(id).describe().catch(() => undefined);
  return description?.status.name === 'RUNNING' ? id : undefined;
}

/** The handle a parent is steered by: its workflow, or the run an earlier ccp started under the old id. */
export async function parentHandle(client: Client, repo: RepoRef, issueNumber: number) {
  const legacy = await runningLegacyRun(client, repo, issueNumber);
  return client.workflow.getHandle(legacy ?? parentWorkflowId(repo, issueNumber));
}
