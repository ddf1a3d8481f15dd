// `ccp approvals [--pending]`, `ccp approve <sub>`, `ccp deny <sub>`: the audit log, and answering what waits.
import type { Command } from 'commander';
import { readApprovals, renderApprovals } from '../approvals.js';
import { renderAnswered, renderWaiting } from '../approve.js';
import { connectCcp } from '../client.js';
import { configWith, output, parseIssueNumbers } from '../context.js';

export function registerApprovalCommands(program: Command): void {
  program
    .command('approvals')
    .description('what the agents asked to do and what ccp answered (the append-only audit log)')
    .option('-l, --label <label>', 'only one subissue, e.g. subissue-12')
    .option('--pending', 'only the requests that wait for a person now (`ccp approve|deny` answers them)')
    .option('--json', 'print the log lines as JSON')
    .action(async (flags: { label?: string; json?: boolean; pending?: boolean }) => {
      const { config } = configWith({});
      if (flags.pending) {
        const waiting = await (await connectCcp(config)).pending();
        output(flags.json, waiting, () => renderWaiting(waiting));
        return;
      }
      const lines = readApprovals(config.paths.approvals, { label: flags.label });
      output(flags.json, lines, () => renderApprovals(lines));
    });

  program
    .command('approve')
    .description('let a subissue\'s agent do what it waits for (the oldest request no rule decided)')
    .argument('<subissue>', 'subissue number, e.g. 12')
    .option('--always', 'also allow identical requests of this subissue from now on')
    .option('--id <id>', 'answer this request rather than the oldest (ids: ccp approvals --pending --json)')
    .option('--json', 'print the answered request as JSON')
    .action(async (subissue: string, flags: { always?: boolean; id?: string; json?: boolean }) => {
      const [number] = parseIssueNumbers(subissue);
      const ccp = await connectCcp(configWith({}).config);
      const answered = await ccp.approve(number, { always: flags.always, id: flags.id });
      output(flags.json, answered, () => renderAnswered(number, answered));
    });

  program
    .command('deny')
    .description('refuse what a subissue\'s agent waits for; the agent reads the reason and carries on')
    .argument('<subissue>', 'subissue number, e.g. 12')
    .option('--reason <text>', 'what the agent should do instead')
    .option('--id <id>', 'answer this request rather than the oldest')
    .option('--json', 'print the answered request as JSON')
    .action(async (subissue: string, flags: { reason?: string; id?: string; json?: boolean }) => {
      const [number] = parseIssueNumbers(subissue);
      const ccp = await connectCcp(configWith({}).config);
      const answered = await ccp.deny(number, { reason: flags.reason, id: flags.id });
      output(flags.json, answered, () => renderAnswered(number, answered));
    });
}
