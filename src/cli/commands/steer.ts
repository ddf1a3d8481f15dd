// `ccp pause|resume|stop <parents>`: steer parents by signal.
import type { Command } from 'commander';
import { resolveRepo } from '../../config/repo.js';
import type { SteerResult } from '../../client/ccp-client.js';
import { connectCcp } from '../client.js';
import { configWith, output, parseIssueNumbers } from '../context.js';

const STEERS = [
  ['pause', 'stop starting new subissues of these parents (running agents go on)'],
  ['resume', 'start subissues again'],
  ['stop', 'cancel these parents and their running subissues'],
] as const;

export function registerSteerCommands(program: Command): void {
  for (const [name, description] of STEERS) {
    program
      .command(name)
      .description(description)
      .argument('<issues>', 'parent issue numbers')
      .option('-r, --repo <owner/name>', 'GitHub repository')
      .option('--json', 'print which workflows were signalled as JSON')
      .action(async (issues: string, flags: { repo?: string; json?: boolean }) => {
        const { config } = configWith(flags);
        const repo = await resolveRepo(config);
        const ccp = await connectCcp(config);
        const done: SteerResult[] = [];
        for (const n of parseIssueNumbers(issues)) done.push(await ccp[name](repo, n));
        output(flags.json, { [name]: done }, () => done.map((d) => `${name}: #${d.issue}`));
      });
  }
}
