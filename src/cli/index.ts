// The `ccp` command line: one file per command under commands/ (options + a run function over the library),
// typed errors mapped to exit codes here.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerApprovalCommands } from './commands/approvals.js';
import { registerDebugCommand } from './commands/debug.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerGcCommand } from './commands/gc.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerQueueCommands } from './commands/queue.js';
import { registerStackCommands } from './commands/stack.js';
import { registerStartCommand } from './commands/start.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSteerCommands } from './commands/steer.js';
import { registerWorkersCommands } from './commands/workers.js';
import { EXIT, exitCodeOf, renderError } from './errors.js';
import { registerPolicyCommand } from './policy.js';
import { spawnInProcess } from '../stack/run-command.js';

function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

// A short-lived command forks little, from a small process: starting a spawn server would only cost time.
spawnInProcess();

const program = new Command('ccp')
  .version(packageVersion(), '-V, --version', 'print ccp\'s version')
  .description('Claude Code Parallel: GitHub issues → subissues → PRs, by a pool of agents in tmux, on Temporal')
  .showHelpAfterError();

registerStackCommands(program);
registerPlanCommand(program);
registerStartCommand(program);
registerStatusCommand(program);
registerSteerCommands(program);
registerDebugCommand(program);
registerApprovalCommands(program);
registerQueueCommands(program);
registerWorkersCommands(program);
registerDemoCommand(program);
registerGcCommand(program);
registerLogsCommand(program);
registerPolicyCommand(program);

// Commander's own failures (unknown option, missing argument) are usage errors; help and --version are not failures.
// Subcommands copy settings when they are created: set it on each of them too.
const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
for (const command of everyCommand(program)) {
  command.exitOverride((err) => process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage));
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(renderError(err, process.argv.includes('--json')));
  if (process.env.CCP_DEBUG) console.error(err);
  process.exit(exitCodeOf(err));
}
