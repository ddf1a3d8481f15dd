// `ccp workers list|add|remove|set`: a host's live worker count (agents at once) and who works where. The host's
// worker process adds, re-tiles and removes its panes to match, without a restart.
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_WORKERS } from '../../core/worker-count.js';
import { connectCcp } from '../client.js';
import { configWith, output } from '../context.js';
import { UsageError } from '../errors.js';
import { renderCountChange, renderWorkersList } from '../workers-view.js';

/** A worker count as typed: a whole number from 0 to 64 (else a usage error, exit 2). */
export function workerCountArgument(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n > MAX_WORKERS) {
    throw new InvalidArgumentError(`give a whole number from 0 to ${MAX_WORKERS}`);
  }
  return n;
}

/** `ccp workers set`'s count: a number, or "none" (a group's limit lifted). */
function countOrNone(value: string): number | 'none' {
  return value === 'none' ? 'none' : workerCountArgument(value);
}

interface CountFlags {
  group?: string;
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
      .argument('<n>', name === 'set' ? `workers, 0 to ${MAX_WORKERS} (with --group: its limit, or "none")` : 'how many',
        name === 'set' ? countOrNone : workerCountArgument)
      .option('--host <id>', 'another host than this one (its CCP_HOST_ID)')
      .option('--json', 'print the new count as JSON');
    if (withNow) command.option('--now', 'stop the newest agents beyond the count now: their subissues go back to the queue');
    if (name === 'set') command.option('-g, --group <group>', 'limit a group\'s agents at once, across all hosts, instead');
    command.action(async (n: number | 'none', flags: CountFlags) => {
      if (n === 'none' && flags.group === undefined) {
        throw new UsageError('"none" lifts a group\'s limit (--group g); a host needs a number of workers');
      }
      const { config } = configWith({});
      const ccp = await connectCcp(config);
      if (flags.group !== undefined) {
        const limit = n === 'none' ? null : n;
        await ccp.setGroupLimit(flags.group, limit);
        output(flags.json, { group: flags.group, limit }, () => (limit === null ? `group ${flags.group}: no limit`
          : `group ${flags.group}: at most ${limit} agent${limit === 1 ? '' : 's'} at once, across all hosts`));
        return;
      }
      if (n === 'none') return; // refused above without --group
      const options = { host: flags.host, now: flags.now };
      const result = name === 'add' ? await ccp.addWorkers(n, options)
        : name === 'remove' ? await ccp.removeWorkers(n, options) : await ccp.setWorkers(n, options);
      output(flags.json, { host: result.host, before: result.before, workers: result.workers, busy: result.busy },
        () => renderCountChange(result, flags.now === true));
    });
  };
  change('add', 'run N more agents at once on this host (panes are added; beyond what fits, another window)', false);
  change('remove', 'N fewer: running agents finish first, then their panes go', true);
  change('set', 'this host\'s worker count (agents at once; fewer than run now finish first unless --now), or a group\'s limit', true);
}
