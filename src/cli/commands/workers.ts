// `ccp workers list|add|remove|set`: a host's live worker count (agents at once) and who works where. The host's
// worker process adds, re-tiles and removes its panes to match, without a restart.
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_WORKERS } from '../../core/worker-count.js';
import { connectCcp } from '../client.js';
import { configWith, output } from '../context.js';
import { renderCountChange, renderWorkersList } from '../workers-view.js';

/** A worker count as typed: a whole number from 0 to 64 (else a usage error, exit 2). */
export function workerCountArgument(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n > MAX_WORKERS) {
    throw new InvalidArgumentError(`give a whole number from 0 to ${MAX_WORKERS}`);
  }
  return n;
}

interface CountFlags {
  host?: string;
  now?: boolean;
  json?: boolean;
}

export function registerWorkersCommands(program: Command): void {
  const workers = program.command('workers')
    .description('agents at once per host, changed live (panes are added and removed in claude-workers), and who works where');
  workers
    .command('list', { isDefault: true })
    .description('every host\'s worker count; each worker with its pane, host, group, subissue and since when')
    .option('--json', 'print hosts, workers and group limits as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { config } = configWith({});
      const list = await (await connectCcp(config)).workers();
      output(flags.json, list, () => renderWorkersList(list, new Date(), config.hostId));
    });

  const change = (name: 'add' | 'remove' | 'set', description: string, withNow: boolean) => {
    const command = workers.command(name).description(description)
      .argument('<n>', name === 'set' ? `workers, 0 to ${MAX_WORKERS}` : 'how many', workerCountArgument)
      .option('--host <id>', 'another host than this one (its CCP_HOST_ID)')
      .option('--json', 'print the new count as JSON');
    if (withNow) command.option('--now', 'stop the newest agents beyond the count now: their subissues go back to the queue');
    command.action(async (n: number, flags: CountFlags) => {
      const { config } = configWith({});
      const ccp = await connectCcp(config);
      const options = { host: flags.host, now: flags.now };
      const result = name === 'add' ? await ccp.addWorkers(n, options)
        : name === 'remove' ? await ccp.removeWorkers(n, options) : await ccp.setWorkers(n, options);
      output(flags.json, { host: result.host, before: result.before, workers: result.workers, busy: result.busy },
        () => renderCountChange(result, flags.now === true));
    });
  };
  change('add', 'run N more agents at once on this host (panes are added; beyond what fits, another window)', false);
  change('remove', 'N fewer: running agents finish first, then their panes go', true);
  change('set', 'this host\'s worker count (agents at once); fewer than run now finish first unless --now', true);
}
