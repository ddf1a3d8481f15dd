// `ccp up`, `ccp down`: the embedded stack on this host.
import type { Command } from 'commander';
import { down, stackInfo, up } from '../../stack/stack.js';
import { runningWorkerInfo } from '../../stack/worker-info.js';
import { connectCcp } from '../client.js';
import { UsageError } from '../errors.js';
import { checkBeforeStart, configWith, output, stackLines, stackProgress, workersOption } from '../context.js';

export function registerStackCommands(program: Command): void {
  program
    .command('up')
    .description('start the embedded stack: Temporal dev server, pueued, tmux session, ccp worker')
    .option('-w, --workers <n>', 'worker panes (agents at once)', workersOption)
    .option('--json', 'print where the stack lives as JSON')
    .action(async (flags: { workers?: number; json?: boolean }) => {
      const { config, env } = configWith(flags);
      await checkBeforeStart(config, env);
      const running = runningWorkerInfo(config) !== undefined;
      await up(config, env, stackProgress);
      // A worker that runs already takes the new count live; a new one registers it when it starts.
      const workers = running && flags.workers !== undefined
        ? (await (await connectCcp(config)).setWorkers(flags.workers)).workers : config.workers;
      output(flags.json, { workers, ...stackInfo(config) },
        () => [`ccp is up with ${workers} workers.`, ...stackLines(config)]);
    });

  program
    .command('down')
    .description('stop what `ccp up` started (state is kept in CCP_HOME); running agents keep working in tmux and '
      + 'the next `ccp up` re-attaches')
    .option('--drain', 'start no new agent session, wait for the running ones to end, then stop')
    .option('--now', 'stop the running agents too; their subissues go back to the queue and resume later')
    .option('--json', 'print what was stopped as JSON')
    .action(async (flags: { json?: boolean; drain?: boolean; now?: boolean }) => {
      if (flags.drain && flags.now) throw new UsageError('choose one of --drain and --now');
      const { config } = configWith({});
      const stopped = await down(config, flags.now ? 'now' : flags.drain ? 'drain' : 'detach', (line) => console.error(line));
      output(flags.json, { stopped }, () => (stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing was running'));
    });
}
