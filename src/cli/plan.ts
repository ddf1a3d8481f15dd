// `ccp plan` and `ccp start --plan`: the split a run would make, shown without creating anything (the issue checked
// as `ccp start` checks it, the configured agent asked with the run's own prompt), and plan files a person edited.
import { readFileSync } from 'node:fs';
import { askForPlan } from '../activities/analyzer.js';
import { subIssuesUnavailable, type GitHubAdapter } from '../adapters/github.js';
import type { CcpConfig } from '../config/config.js';
import { subissuesFromGitHub } from '../core/existing-subissues.js';
import { PlanError } from '../core/plan.js';
import { parsePlanFile, PlanFileError } from '../core/plan-file.js';
import type { IssueSummary, Plan, RepoRef } from '../shared/types.js';
import { createAgentFromConfig } from '../worker/adapters.js';
import { usablePlanTemplate } from './context.js';
import { CliError, UsageError } from './errors.js';
import { preflightIssues } from './preflight.js';

// As long as the run's planning step may take.
const PLANNING_TIMEOUT_MS = 10 * 60_000;

export interface DryRun {
  issue: IssueSummary;
  plan: Plan;
  /** Sub-issues the issue already has on GitHub: a run works on those and does not use a plan. */
  existing: IssueSummary[];
}

/** Plans `issueNumber` as a run would, creating nothing: GitHub is only read. */
export async function dryRunPlan(config: CcpConfig, github: GitHubAdapter, repo: RepoRef, issueNumber: number): Promise<DryRun> {
  const template = usablePlanTemplate(config);
  const checked = await preflightIssues(github, repo, [issueNumber]);
  if (checked.refused.length > 0) throw new UsageError(`not planned: ${checked.refused[0].reason}`);
  const issue = checked.ok[0];
  const existing = await subIssuesOf(github, repo, issue.number);
  // Ctrl-C stops the agent's run too (it runs detached, to outlive a worker; here nobody would take it over).
  const interrupted = new AbortController();
  const interrupt = () => interrupted.abort();
  process.once('SIGINT', interrupt);
  try {
    const plan = await askForPlan(createAgentFromConfig(config), {
      repo, issue, template, cwd: config.repoPath, timeoutMs: PLANNING_TIMEOUT_MS, signal: interrupted.signal,
    });
    return { issue, plan, existing };
  } catch (err) {
    if (err instanceof PlanError) {
      throw new CliError(`the agent's plan for #${issue.number} cannot be used (${err.message}): run \`ccp plan ${issue.number}\` again, or write the plan yourself`);
    }
    throw err;
  } finally {
    process.off('SIGINT', interrupt);
  }
}

/** The plan in `file`, checked with the analyzer's rules; a problem is a usage error naming the field and line. */
export function readPlanFile(file: string): Plan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read the plan file ${file}: ${(err as Error).message}`);
  }
  try {
    return parsePlanFile(text, file);
  } catch (err) {
    if (err instanceof PlanFileError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * A run works on the sub-issues an issue already has instead of a plan; `--plan` is refused for an issue with
 * sub-issues the plan does not hold (ccp's own with the plan's keys are the plan's, taken over as they are).
 */
export async function checkPlanFits(github: GitHubAdapter, repo: RepoRef, issue: IssueSummary, plan: Plan, file: string): Promise<void> {
  const keys = new Set(plan.subissues.map((s) => s.key));
  const aside = subissuesFromGitHub(issue, await subIssuesOf(github, repo, issue.number)).filter((s) => !s.own || !keys.has(s.key));
  if (aside.length === 0) return;
  throw new UsageError(`#${issue.number} already has sub-issues on GitHub that ${file} does not hold (${aside
    .map((s) => `#${s.number} "${s.title}"`).join(', ')}): a run works on those instead of a plan; start it without --plan, `
    + `or remove them from #${issue.number} first`);
}

async function subIssuesOf(github: GitHubAdapter, repo: RepoRef, parentNumber: number): Promise<IssueSummary[]> {
  try {
    return await github.listSubIssues(repo, parentNumber);
  } catch (err) {
    if (subIssuesUnavailable(err)) return [];
    throw err;
  }
}
