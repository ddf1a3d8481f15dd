// `ccp debug <subissue>`: everything known about one subissue in one screen.
import type { Command } from 'commander';
import { createPueueFromConfig } from '../../worker/adapters.js';
import { connectClient } from '../client.js';
import { configWith, output, parseIssueNumbers } from '../context.js';
import { gatherSubissueDebug } from '../debug.js';
import { renderSubissueDebug } from '../debug-view.js';

export function registerDebugCommand(program: Command): void {
  program
    .command('debug')
    .description('everything known about one subissue: phase, error, PR, pueue task, pane log, approvals, events')
    .argument('<subissue>', 'subissue number, e.g. 12')
    .option('--json', 'print it as JSON')
    .action(async (subissue: string, flags: { json?: boolean }) => {
      const [number] = parseIssueNumbers(subissue);
      const { config } = configWith({});
      const client = await connectClient(config);
      const info = await gatherSubissueDebug(client, createPueueFromConfig(config), config, number);
      output(flags.json, info, () => renderSubissueDebug(info));
    });
}
