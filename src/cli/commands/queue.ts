// `ccp queue show`: what waits and why, in dispatch order; `ccp queue sync`: rebuild the pueue mirror from Temporal.
import type { Command } from 'commander';
import { syncMirror } from '../../client/mirror-sync.js';
import { createPueueFromConfig, PUEUE_GROUP } from '../../worker/adapters.js';
import { queueEntries, QUEUE_STATES } from '../../core/queue-entries.js';
import { connectCcp, connectClient } from '../client.js';
import { configWith, output } from '../context.js';

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description('the queue of subissues and its pueue mirror');
  queue
    .command('show')
    .description('every subissue not done yet — needs you, running, ready, pending, in review, failed, blocked — in the order ccp takes them, each with why it waits')
    .option('--json', 'print the entries as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { config } = configWith({});
      const entries = queueEntries(await (await connectCcp(config)).status());
      output(flags.json, entries, () => entries.length === 0 ? ['The queue is empty.'] : QUEUE_STATES.flatMap((state) => {
        const here = entries.filter((e) => e.state === state);
        return here.length === 0 ? [] : [`${state} (${here.length})`,
          ...here.map((e) => `  #${e.number} ${e.priority.padEnd(8)} ${e.title} (parent #${e.parent}) — ${e.why}`)];
      }));
    });
  queue
    .command('sync')
    .description('rebuild the pueue mirror from Temporal: one task per subissue, in the state Temporal knows')
    .option('--json', 'print what was synced as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { config } = configWith({});
      const result = await syncMirror(await connectClient(config), createPueueFromConfig(config),
        { group: PUEUE_GROUP, cwd: config.repoPath, retentionHours: config.pueue.retentionHours });
      output(flags.json, result, () => [
        `pueue mirror: ${result.synced.length} synced${result.synced.length ? ` (${result.synced.join(', ')})` : ''}, ` +
          `${result.unchanged} already right`,
        ...result.failed.map((f) => `  could not sync ${f.label}: ${f.error}`),
      ]);
      if (result.failed.length > 0) process.exitCode = 1;
    });
}
