// `ccp status [--watch] [--json] [--all]`: parents, subissues, panes; the dashboard pane runs `--watch`.
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { workerReadyFile } from '../../stack/worker-info.js';
import { renderDashboard } from '../dashboard-view.js';
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
    .option('--watch', 'the dashboard, fitted to the terminal and redrawn every 2 s (pane 0 runs this)')
    .option('--json', 'print the statuses as JSON')
    .option('--all', 'every run of each parent, not only its latest')
    .action(async (flags: { watch?: boolean; json?: boolean; all?: boolean }) => {
      const { config } = configWith({});
      const ccp = await connectCcp(config);
      const tmux = createTmuxFromConfig(config);
      const paint = paintFor(process.stdout);
      // Without --watch, the first poll is all.
      for await (const statuses of ccp.watch({ allRuns: flags.all, intervalMs: 2000 })) {
        // Every host's live worker count; none shown when the dispatcher cannot say.
        const hosts = flags.json ? [] : await ccp.workers().then((list) => list.hosts).catch(() => []);
        const text = () => fetchWorkerPanes(tmux, config.tmux.session)
          .then((panes) => renderStatus(statuses, new Date(), panes, paint, hosts));
        if (flags.json) console.log(JSON.stringify(statuses, null, 2));
        else if (flags.watch) {
          // The dashboard: fitted to the pane (header first, lines cut), redrawn in place.
          const lines = renderDashboard({ parents: statuses, workers: await fetchWorkerPanes(tmux, config.tmux.session), hosts,
            now: new Date(), upSince: workerUpSince(config), width: process.stdout.columns ?? 100,
            height: process.stdout.rows ?? 40, paint });
          process.stdout.write(`\x1b[2J\x1b[H${lines.join('\n')}`);
        }
        else console.log(await text());
        if (!flags.watch) return;
      }
    });
}

/** When the running worker came up (its ready file), for the dashboard's uptime. */
function workerUpSince(config: Parameters<typeof workerReadyFile>[0]): Date | undefined {
  try {
    return statSync(workerReadyFile(config)).mtime;
  } catch {
    return undefined;
  }
}
