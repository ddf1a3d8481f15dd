// `ccp status [--watch] [--json] [--all]`: parents, subissues, panes; the dashboard pane runs `--watch`.
import type { Command } from 'commander';
import { createTmuxFromConfig } from '../../worker/adapters.js';
import { connectCcp } from '../client.js';
import { configWith } from '../context.js';
import { fetchWorkerPanes } from '../../client/statuses.js';
import { paintFor } from '../paint.js';
import { renderStatus } from '../status-view.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('parent issues and their subissues')
    .option('--watch', 'refresh every 2 s (the dashboard pane runs this)')
    .option('--json', 'print the statuses as JSON')
    .option('--all', 'every run of each parent, not only its latest')
    .action(async (flags: { watch?: boolean; json?: boolean; all?: boolean }) => {
      const { config } = configWith({});
      const ccp = await connectCcp(config);
      const tmux = createTmuxFromConfig(config);
      const paint = paintFor(process.stdout);
      // Without --watch, the first poll is all.
      for await (const statuses of ccp.watch({ allRuns: flags.all, intervalMs: 2000 })) {
        const text = () => fetchWorkerPanes(tmux, config.tmux.session).then((panes) => renderStatus(statuses, new Date(), panes, paint));
        if (flags.json) console.log(JSON.stringify(statuses, null, 2));
        else if (flags.watch) process.stdout.write(`\x1b[2J\x1b[H${await text()}\n`);
        else console.log(await text());
        if (!flags.watch) return;
      }
    });
}
