// `ccp queue sync`: rebuild the pueue mirror from Temporal (after pueued lost its state, or to check it).
import type { Command } from 'commander';
import { syncMirror } from '../../client/mirror-sync.js';
import { createPueueFromConfig, PUEUE_GROUP } from '../../worker/adapters.js';
import { connectClient } from '../client.js';
import { configWith, output } from '../context.js';

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description('the queue of subissues and its pueue mirror');
  queue
    .command('sync')
    .description('rebuild the pueue mirror from Temporal: one task per subissue, in the state Temporal knows')
    .option('--json', 'print what was synced as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { config } = configWith({});
      const result = await syncMirror(await connectClient(config), createPueueFromConfig(config),
        { group: PUEUE_GROUP, cwd: config.repoPath });
      output(flags.json, result, () => [
        `pueue mirror: ${result.synced.length} synced${result.synced.length ? ` (${result.synced.join(', ')})` : ''}, ` +
          `${result.unchanged} already right`,
        ...result.failed.map((f) => `  could not sync ${f.label}: ${f.error}`),
      ]);
      if (result.failed.length > 0) process.exitCode = 1;
    });
}
