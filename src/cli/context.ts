// What every command shares: configuration from the environment and flags, argument parsers, the GitHub client,
// progress and output helpers. Commands are thin: parse, call the library, print (text or --json).
import { InvalidArgumentError } from 'commander';
import { createGitHubAdapter, resolveGitHubToken } from '../adapters/github.js';
import { loadSessionPolicy } from '../agents/policy-port.js';
import { loadConfig, type CcpConfig } from '../config/config.js';
import { loadPlanTemplate } from '../config/plan-template-file.js';
import { PlanTemplateError } from '../core/plan-template.js';
import { MAX_WORKERS } from '../core/worker-count.js';
import { parseIssueNumbers as parseNumbers } from '../shared/ids.js';
import { stackInfo } from '../stack/stack.js';
import { AuthError, UsageError } from './errors.js';

/** Issue numbers as typed; a typo is a usage error (exit 2). */
export function parseIssueNumbers(text: string): number[] {
  try {
    return parseNumbers(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function paceOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 60_000) throw new InvalidArgumentError('give milliseconds from 0 to 60000');
  return n;
}

export function workersOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS) throw new InvalidArgumentError(`give a whole number from 1 to ${MAX_WORKERS}`);
  return n;
}

/** Config from the environment with CLI flags layered on top. */
export function configWith(flags: { workers?: number; repo?: string }): { config: CcpConfig; env: NodeJS.ProcessEnv } {
  const env = { ...process.env };
  if (flags.workers !== undefined) env.CCP_WORKERS = String(flags.workers);
  if (flags.repo !== undefined) env.CCP_REPO = flags.repo;
  return { config: loadConfig(env), env };
}

const NO_TOKEN = 'no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or log in with `gh auth login`';

/** What the worker would fail on, said here before anything starts rather than in the worker's log. */
export async function checkBeforeStart(config: CcpConfig, env: NodeJS.ProcessEnv): Promise<void> {
  if (!(await resolveGitHubToken(env))) throw new AuthError(NO_TOKEN);
  // The same loader as the worker's: a policy file the worker would refuse is refused here.
  loadSessionPolicy(config.agent.policyFile);
  usablePlanTemplate(config);
}

/** The planning template the worker would use (ccp's own without a file); a bad one is a usage error. */
export function usablePlanTemplate(config: CcpConfig): string {
  try {
    return loadPlanTemplate(config.planTemplate);
  } catch (err) {
    if (err instanceof PlanTemplateError) throw new UsageError(err.message);
    throw err;
  }
}

export async function githubFor(config: CcpConfig, env: NodeJS.ProcessEnv) {
  const token = await resolveGitHubToken(env);
  if (!token) throw new AuthError(NO_TOKEN);
  return createGitHubAdapter({ token, baseUrl: config.github.apiUrl, throttle: config.github.throttle });
}

/** Progress while the stack comes up (it takes seconds): on stderr, so stdout stays what the command reports. */
export const stackProgress = (line: string): void => {
  console.error(`starting ${line} …`);
};

export function stackLines(config: CcpConfig): string[] {
  const info = stackInfo(config);
  return [
    `  watch the agents: ${info.tmuxAttach}`,
    ...(info.webUi ? [`  Temporal Web UI:  ${info.webUi}`] : []),
    `  queue mirror:     ${info.pueueStatus}`,
    '  dashboard:        ccp status --watch',
  ];
}

/** Prints `value` as JSON with --json, else the text lines. */
export function output(json: boolean | undefined, value: unknown, text: () => string | string[]): void {
  if (json) {
    console.log(JSON.stringify(value, null, 2));
    return;
  }
  const lines = text();
  console.log(Array.isArray(lines) ? lines.join('\n') : lines);
}
