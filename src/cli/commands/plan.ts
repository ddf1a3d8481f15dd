// `ccp plan <issue> [--json]`: how a run would split the issue, shown without creating anything on GitHub.
import type { Command } from 'commander';
import { resolveRepo } from '../../config/repo.js';
import { configWith, githubFor, output, parseIssueNumbers } from '../context.js';
import { UsageError } from '../errors.js';
import { dryRunPlan } from '../plan.js';
import { existingNote, renderPlan } from '../plan-view.js';

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('show how an issue would be split into subissues (the agent plans it; nothing is created)')
    .argument('<issue>', 'one issue number, e.g. 123')
    .option('-r, --repo <owner/name>', 'GitHub repository (default: CCP_REPO, else the origin remote)')
    .option('--json', 'print the plan as JSON: the file `ccp start --plan` takes')
    .action(async (issue: string, flags: { repo?: string; json?: boolean }) => {
      const numbers = parseIssueNumbers(issue);
      if (numbers.length !== 1) throw new UsageError(`ccp plan takes one issue, not ${numbers.length}: run it once per issue`);
      const { config, env } = configWith(flags);
      const repo = await resolveRepo(config);
      const dry = await dryRunPlan(config, await githubFor(config, env), repo, numbers[0]);
      const note = existingNote(dry.issue.number, dry.existing);
      if (note) console.error(note);
      output(flags.json, dry.plan, () => renderPlan(repo, dry.issue, dry.plan));
    });
}
