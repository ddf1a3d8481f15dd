// `ccp start <issues>`: preflight, bring the stack up, one parent workflow per issue.
import type { Command } from 'commander';
import { ConfigError } from '../../config/config.js';
import { resolveRepo } from '../../config/repo.js';
import { up } from '../../stack/stack.js';
import { runningWorkerInfo, workerMismatch } from '../../stack/worker-info.js';
import { connectCcp } from '../client.js';
import { checkBeforeStart, configWith, githubFor, output, parseIssueNumbers, stackLines, stackProgress, workersOption }
  from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { checkPlanFits, readPlanFile } from '../plan.js';
import { parseWhen } from '../../core/when.js';
import { preflightIssues } from '../preflight.js';
import { renderCountChange } from '../workers-view.js';

interface StartFlags {
  repo?: string;
  workers?: number;
  json?: boolean;
  plan?: string;
  delay?: string;
  group?: string;
  /** false with --no-stacked-prs: dependents wait for their dependency's merge (CCP_STACKED_PRS otherwise). */
  stackedPrs?: boolean;
}

/** Preflight, then one parent workflow per issue that passed; `bringUp` starts the stack first (`ccp start`). */
async function startIssues(issues: string, flags: StartFlags, bringUp: boolean): Promise<void> {
  const numbers = parseIssueNumbers(issues);
  // A plan splits one issue: given several, which one it is for would be a guess.
  if (flags.plan !== undefined && numbers.length !== 1) {
    throw new UsageError(`--plan takes one issue, not ${numbers.length}: start the others without it (each is planned)`);
  }
  const plan = flags.plan === undefined ? undefined : readPlanFile(flags.plan);
  const notBefore = flags.delay === undefined ? undefined : parseWhen(flags.delay, new Date());
  const { config, env } = configWith(flags);
  const repo = await resolveRepo(config);
  await checkBeforeStart(config, env);
  const running = runningWorkerInfo(config);
  const mismatch = running && workerMismatch(running, repo);
  if (mismatch) throw new ConfigError(mismatch);
  if (!bringUp && !running && !config.temporal.external) {
    throw new UsageError('ccp is not running here: `ccp start` brings it up and starts the issues');
  }
  const github = await githubFor(config, env);
  const checked = await preflightIssues(github, repo, numbers);
  for (const { reason } of checked.refused) console.error(`ccp: not started: ${reason}`);
  if (checked.ok.length === 0) throw new UsageError('nothing started: fix the issue numbers above and try again');
  if (plan && flags.plan) await checkPlanFits(github, repo, checked.ok[0], plan, flags.plan);
  if (bringUp) await up(config, env, stackProgress);
  const ccp = await connectCcp(config);
  // The running worker takes a new count live (`ccp workers set`).
  if (running && flags.workers !== undefined) console.error(renderCountChange(await ccp.setWorkers(flags.workers), false));
  const settings = { ...(flags.group ? { group: flags.group } : {}), ...(flags.stackedPrs === false ? { stackedPrs: false } : {}) };
  const results = await ccp.start(repo, checked.ok.map((i) => i.number), settings,
    { plan, notBefore, titles: Object.fromEntries(checked.ok.map((i) => [i.number, i.title])) });
  const when = notBefore ? ` (scheduled for ${notBefore.toLocaleString()})` : '';
  output(flags.json, { started: results, refused: checked.refused }, () => [
    ...results.map((r) => (r.started ? `started #${r.issueNumber} as workflow ${r.workflowId}${when}` : r.note ?? '')),
    ...(bringUp ? stackLines(config) : []),
  ]);
  if (checked.refused.length > 0) process.exitCode = EXIT.usage;
}

const DELAY_OPTION = ['--delay <when>', 'begin later: a duration (2h, 1h30m), a clock time (16:00, local) or an ISO time'] as const;
const GROUP_OPTION = ['-g, --group <group>', 'the group of subissues whose plan names none (group limits and pauses apply)'] as const;

const SERIAL_OPTION = ['--no-stacked-prs', 'dependents wait for their dependency\'s PR to merge instead of starting on its branch'] as const;

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('work on issues: one parent workflow each (brings the stack up first)')
    .argument('<issues>', 'issue numbers, e.g. 123 or 123,124')
    .option('-r, --repo <owner/name>', 'GitHub repository (default: CCP_REPO, else the origin remote)')
    .option('-w, --workers <n>', 'worker panes (agents at once)', workersOption)
    .option('--plan <file>', 'use this plan (JSON, as `ccp plan --json` prints it) instead of planning; one issue only')
    .option(...DELAY_OPTION)
    .option(...GROUP_OPTION)
    .option(...SERIAL_OPTION)
    .option('--json', 'print what was started (and refused) as JSON')
    .action((issues: string, flags: StartFlags) => startIssues(issues, flags, true));

  program
    .command('add')
    .description('add parent issues to the running system (checked like `ccp start`; brings nothing up)')
    .argument('<issues>', 'issue numbers, e.g. 126,127')
    .option('-r, --repo <owner/name>', 'GitHub repository (default: CCP_REPO, else the origin remote)')
    .option('--plan <file>', 'use this plan (JSON, as `ccp plan --json` prints it) instead of planning; one issue only')
    .option(...DELAY_OPTION)
    .option(...GROUP_OPTION)
    .option(...SERIAL_OPTION)
    .option('--json', 'print what was started (and refused) as JSON')
    .action((issues: string, flags: StartFlags) => startIssues(issues, flags, false));
}
