// `ccp gc`: removes workspaces of finished and abandoned subissues; never one with unpushed work without --force.
import type { Command } from 'commander';
import { createGitAdapter } from '../../adapters/git.js';
import { collectGarbage } from '../../client/gc.js';
import { formatBytes } from '../../core/gc-plan.js';
import { connectClient } from '../client.js';
import { configWith, output } from '../context.js';

export function registerGcCommand(program: Command): void {
  program
    .command('gc')
    .description('remove the workspaces of finished or abandoned subissues and say what was freed')
    .option('--force', 'also remove workspaces that hold unpushed commits or uncommitted changes')
    .option('--dry-run', 'only say what would be removed')
    .option('--json', 'print the decisions as JSON')
    .action(async (flags: { force?: boolean; dryRun?: boolean; json?: boolean }) => {
      const { config } = configWith({});
      const result = await collectGarbage({ client: await connectClient(config), git: createGitAdapter(),
        repoPath: config.repoPath, worktreesDir: config.paths.worktrees, force: flags.force, dryRun: flags.dryRun });
      output(flags.json, result, () => [
        ...result.decisions.map((d) => `${d.remove ? (flags.dryRun ? 'would remove' : 'removed') : 'kept'} ${d.path}: ${d.reason}`),
        `${flags.dryRun ? 'would free' : 'freed'} ${formatBytes(result.freedBytes)} in ${result.removed.length} ` +
          `workspace${result.removed.length === 1 ? '' : 's'}`,
      ]);
    });
}
