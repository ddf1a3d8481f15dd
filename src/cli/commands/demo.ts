// `ccp demo`: the whole path offline (see ../demo.ts).
import type { Command } from 'commander';
import { paceOption, workersOption } from '../context.js';
import type { DemoFlags } from '../demo.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole path offline: scratch repo, GitHub stand-in, real Claude Code on a scripted model')
    .option('--json', 'print a JSON summary as the last line')
    .option('--keep', 'keep everything running after the demo until Ctrl-C')
    .option('-w, --workers <n>', 'worker panes', workersOption, 3)
    .option('--pace <ms>', 'how long the scripted model thinks per turn (0: full speed)', paceOption, 1500)
    .action(async (flags: DemoFlags) => {
      const { runDemo } = await import('../demo.js');
      process.exitCode = await runDemo(flags);
    });
}
