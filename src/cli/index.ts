// The `ccp` command line: thin wiring of commander onto the stack, the Temporal client and the demo.
import { Command, InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { loadPolicyFile } from '../policy/policy-file.js';
import { createGitHubAdapter, resolveGitHubToken } from '../adapters/github.js';
import { ConfigError, loadConfig, type CcpConfig } from '../config/config.js';
import { parseIssueNumbers as parseNumbers } from '../shared/ids.js';
import { pauseSignal, resumeSignal, stopSignal } from '../shared/messages.js';
import { down, stackInfo, up } from '../stack/stack.js';
import { runningWorkerInfo, workerMismatch } from '../stack/worker-info.js';
import { createPueueFromConfig, createTmuxFromConfig } from '../worker/adapters.js';
import { readApprovals, renderApprovals } from './approvals.js';
import { AuthError, EXIT, exitCodeOf, renderError, UsageError } from './errors.js';
import { preflightIssues } from './preflight.js';
import { answerSubissue, renderAnswered, renderWaiting, waitingRequests } from './approve.js';
import type { DemoFlags } from './demo.js';
import { connectClient } from './client.js';
import { gatherSubissueDebug } from './debug.js';
import { renderSubissueDebug } from './debug-view.js';
import { resolveRepo } from '../config/repo.js';
import { parentHandle, startParents } from './start.js';
import { fetchParentStatuses, fetchWorkerPanes } from './status.js';
import { renderStatus } from './status-view.js';

/** Issue numbers as typed; a typo is a usage error (exit 2). */
function parseIssueNumbers(text: string): number[] {
  try {
    return parseNumbers(text);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

function paceOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 60_000) throw new InvalidArgumentError('give milliseconds from 0 to 60000');
  return n;
}

function workersOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('give a whole number from 1 to 32');
  return n;
}

/** Config from the environment with CLI flags layered on top. */
function configWith(flags: { workers?: number; repo?: string }): { config: CcpConfig; env: NodeJS.ProcessEnv } {
  const env = { ...process.env };
  if (flags.workers !== undefined) env.CCP_WORKERS = String(flags.workers);
  if (flags.repo !== undefined) env.CCP_REPO = flags.repo;
  return { config: loadConfig(env), env };
}

/** What the worker would fail on, said here before anything starts rather than in the worker's log. */
async function preflight(config: CcpConfig, env: NodeJS.ProcessEnv): Promise<void> {
  if (!(await resolveGitHubToken(env))) {
    throw new ConfigError('no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or log in with `gh auth login`');
  }
  if (config.agent.policyFile) loadPolicyFile(config.agent.policyFile);
}

/** Progress while the stack comes up (it takes seconds): on stderr, so stdout stays what the command reports. */
const stackProgress = (line: string): void => {
  console.error(`starting ${line} …`);
};

async function githubFor(config: CcpConfig, env: NodeJS.ProcessEnv) {
  const token = await resolveGitHubToken(env);
  if (!token) throw new AuthError('no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), or log in with `gh auth login`');
  return createGitHubAdapter({ token, baseUrl: config.github.apiUrl, throttle: config.github.throttle });
}

function printStackInfo(config: CcpConfig): void {
  const info = stackInfo(config);
  console.log(`  watch the agents: ${info.tmuxAttach}`);
  if (info.webUi) console.log(`  Temporal Web UI:  ${info.webUi}`);
  console.log(`  queue mirror:     ${info.pueueStatus}`);
  console.log(`  dashboard:        ccp status --watch`);
}

const program = new Command('ccp')
  .version(packageVersion(), '-V, --version', 'print ccp\'s version')
  .description('Claude Code Parallel: GitHub issues → subissues → PRs, by a pool of agents in tmux, on Temporal')
  .showHelpAfterError();

program
  .command('up')
  .description('start the embedded stack: Temporal dev server, pueued, tmux session, ccp worker')
  .option('-w, --workers <n>', 'worker panes (agents at once)', workersOption)
  .action(async (flags: { workers?: number }) => {
    const { config, env } = configWith(flags);
    await preflight(config, env);
    await up(config, env, stackProgress);
    console.log(`ccp is up with ${config.workers} workers.`);
    printStackInfo(config);
  });

program
  .command('down')
  .description('stop what `ccp up` started (state is kept in CCP_HOME)')
  .action(async () => {
    const { config } = configWith({});
    const stopped = await down(config);
    console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running');
  });

program
  .command('start')
  .description('work on issues: one parent workflow each (brings the stack up first)')
  .argument('<issues>', 'issue numbers, e.g. 123 or 123,124')
  .option('-r, --repo <owner/name>', 'GitHub repository (default: CCP_REPO, else the origin remote)')
  .option('-w, --workers <n>', 'worker panes (agents at once)', workersOption)
  .action(async (issues: string, flags: { repo?: string; workers?: number }) => {
    const numbers = parseIssueNumbers(issues);
    const { config, env } = configWith(flags);
    const repo = await resolveRepo(config);
    await preflight(config, env);
    const running = runningWorkerInfo(config);
    const mismatch = running && workerMismatch(running, repo);
    if (mismatch) throw new ConfigError(mismatch);
    if (running && flags.workers !== undefined && running.workers !== flags.workers) {
      console.log(`note: the running worker keeps its ${running.workers} workers; \`ccp down\` then start again to change it`);
    }
    const checked = await preflightIssues(await githubFor(config, env), repo, numbers);
    for (const { reason } of checked.refused) console.error(`ccp: not started: ${reason}`);
    if (checked.ok.length === 0) throw new UsageError('nothing started: fix the issue numbers above and run `ccp start` again');
    await up(config, env, stackProgress);
    const client = await connectClient(config);
    for (const result of await startParents(client, config.taskQueue, repo, checked.ok.map((i) => i.number), config.run)) {
      console.log(result.started ? `started #${result.issueNumber} as workflow ${result.workflowId}` : result.note);
    }
    printStackInfo(config);
    if (checked.refused.length > 0) process.exitCode = EXIT.usage;
  });

program
  .command('status')
  .description('parent issues and their subissues')
  .option('--watch', 'refresh every 2 s (the dashboard pane runs this)')
  .option('--json', 'print the statuses as JSON')
  .option('--all', 'every run of each parent, not only its latest')
  .action(async (flags: { watch?: boolean; json?: boolean; all?: boolean }) => {
    const { config } = configWith({});
    const client = await connectClient(config);
    const tmux = createTmuxFromConfig(config);
    for (;;) {
      const statuses = await fetchParentStatuses(client, 50, flags.all);
      const text = () => fetchWorkerPanes(tmux, config.tmux.session).then((panes) => renderStatus(statuses, new Date(), panes));
      if (flags.json) console.log(JSON.stringify(statuses, null, 2));
      else if (flags.watch) process.stdout.write(`\x1b[2J\x1b[H${await text()}\n`);
      else console.log(await text());
      if (!flags.watch) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  });

for (const [name, description] of [
  ['pause', 'stop starting new subissues of these parents (running agents go on)'],
  ['resume', 'start subissues again'],
  ['stop', 'cancel these parents and their running subissues'],
] as const) {
  program
    .command(name)
    .description(description)
    .argument('<issues>', 'parent issue numbers')
    .option('-r, --repo <owner/name>', 'GitHub repository')
    .action(async (issues: string, flags: { repo?: string }) => {
      const { config } = configWith(flags);
      const repo = await resolveRepo(config);
      const client = await connectClient(config);
      for (const n of parseIssueNumbers(issues)) {
        const handle = await parentHandle(client, repo, n);
        if (name === 'stop') await handle.signal(stopSignal, { reason: 'ccp stop' });
        else await handle.signal(name === 'pause' ? pauseSignal : resumeSignal);
        console.log(`${name}: #${n}`);
      }
    });
}

program
  .command('debug')
  .description('everything known about one subissue: phase, error, PR, pueue task, pane log, approvals, events')
  .argument('<subissue>', 'subissue number, e.g. 12')
  .action(async (subissue: string) => {
    const [number] = parseIssueNumbers(subissue);
    const { config } = configWith({});
    const client = await connectClient(config);
    console.log(renderSubissueDebug(await gatherSubissueDebug(client, createPueueFromConfig(config), config, number)));
  });

program
  .command('approvals')
  .description('what the agents asked to do and what ccp answered (the append-only audit log)')
  .option('-l, --label <label>', 'only one subissue, e.g. subissue-12')
  .option('--pending', 'only the requests that wait for a person now (`ccp approve|deny` answers them)')
  .option('--json', 'print the log lines as JSON')
  .action(async (flags: { label?: string; json?: boolean; pending?: boolean }) => {
    const { config } = configWith({});
    if (flags.pending) {
      const waiting = await waitingRequests(await connectClient(config));
      console.log(flags.json ? JSON.stringify(waiting, null, 2) : renderWaiting(waiting));
      return;
    }
    const lines = readApprovals(config.paths.approvals, { label: flags.label });
    console.log(flags.json ? JSON.stringify(lines, null, 2) : renderApprovals(lines));
  });

program
  .command('approve')
  .description('let a subissue\'s agent do what it waits for (the oldest request no rule decided)')
  .argument('<subissue>', 'subissue number, e.g. 12')
  .option('--always', 'also allow identical requests of this subissue from now on')
  .option('--id <id>', 'answer this request rather than the oldest (ids: ccp approvals --pending --json)')
  .action(async (subissue: string, flags: { always?: boolean; id?: string }) => {
    const [number] = parseIssueNumbers(subissue);
    const client = await connectClient(configWith({}).config);
    const answered = await answerSubissue(client, number, { decision: 'allow', always: flags.always, id: flags.id });
    console.log(renderAnswered(number, answered));
  });

program
  .command('deny')
  .description('refuse what a subissue\'s agent waits for; the agent reads the reason and carries on')
  .argument('<subissue>', 'subissue number, e.g. 12')
  .option('--reason <text>', 'what the agent should do instead')
  .option('--id <id>', 'answer this request rather than the oldest')
  .action(async (subissue: string, flags: { reason?: string; id?: string }) => {
    const [number] = parseIssueNumbers(subissue);
    const client = await connectClient(configWith({}).config);
    const reason = flags.reason ? `denied by a person: ${flags.reason}` : undefined;
    const answered = await answerSubissue(client, number, { decision: 'deny', reason, id: flags.id });
    console.log(renderAnswered(number, answered));
  });

program
  .command('demo')
  .description('run the whole path offline: scratch repo, GitHub stand-in, real Claude Code on a scripted model')
  .option('--json', 'print a JSON summary as the last line')
  .option('--keep', 'keep everything running after the demo until Ctrl-C')
  .option('-w, --workers <n>', 'worker panes', workersOption, 3)
  .option('--pace <ms>', 'how long the scripted model thinks per turn (0: full speed)', paceOption, 1500)
  .action(async (flags: DemoFlags) => {
    const { runDemo } = await import('./demo.js');
    process.exitCode = await runDemo(flags);
  });

(await import('./policy.js')).registerPolicyCommand(program);

// Commander's own failures (unknown option, missing argument) are usage errors; help and --version are not failures.
// Subcommands copy settings when they are created: set it on each of them too.
for (const command of [program, ...program.commands]) {
  command.exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(renderError(err, process.argv.includes('--json')));
  if (process.env.CCP_DEBUG) console.error(err);
  process.exit(exitCodeOf(err));
}

