// `ccp logs <subissue|%pane> [--follow]`: the agent's output as text — its pane's screen and history while it runs
// there, else the pane log it left (run/agents/subissue-<n>.pane.log).
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sessionFiles } from '../../agents/claude-code/session-files.js';
import { terminalText } from '../../core/terminal-text.js';
import { subissueLabel } from '../../shared/ids.js';
import { createTmuxFromConfig } from '../../worker/adapters.js';
import { configWith, parseIssueNumbers } from '../context.js';
import { UsageError } from '../errors.js';

const HISTORY_LINES = 5000;

export function registerLogsCommand(program: Command): void {
  program
    .command('logs')
    .description("an agent's output as text: the subissue's pane while it runs, else the pane log it left")
    .argument('<target>', 'a subissue number (12) or a worker pane (%3)')
    .option('-f, --follow', 'keep printing what is added, like tail -f (Ctrl-C ends it)')
    .action(async (target: string, flags: { follow?: boolean }) => {
      const { config } = configWith({});
      const tmux = createTmuxFromConfig(config);
      const panes = await tmux.listPanes(config.tmux.session).catch(() => []);
      let label: string;
      if (target.startsWith('%')) {
        const pane = panes.find((p) => p.id === target && p.role === 'worker');
        if (!pane) throw new UsageError(`no worker pane ${target} in tmux session ${config.tmux.session}: \`ccp status\` shows the panes`);
        if (!pane.task) throw new UsageError(`pane ${target} is idle: give a subissue number to read the log it left`);
        label = pane.task;
      } else {
        label = subissueLabel(parseIssueNumbers(target)[0]);
      }
      const paneLog = sessionFiles(path.join(config.paths.run, 'agents'), label).paneLog;
      const read = async (): Promise<string> => {
        const pane = (await tmux.listPanes(config.tmux.session).catch(() => [])).find((p) => p.task === label && !p.dead);
        if (pane) return (await tmux.capturePane(pane.id, HISTORY_LINES)).trimEnd();
        if (existsSync(paneLog)) return terminalText(readFileSync(paneLog, 'utf8').slice(-2_000_000)).trimEnd();
        return '';
      };
      let shown = (await read()).split('\n');
      if (shown.join('') === '' && !existsSync(paneLog)) {
        throw new UsageError(`no output of ${label} yet: it has not run on this host (\`ccp queue show\` says why it waits)`);
      }
      process.stdout.write(`${shown.join('\n')}\n`);
      while (flags.follow) {
        await sleep(1000);
        const now = (await read()).split('\n');
        // Print what came after the last line already shown (a redrawn screen shows from where it changed).
        const anchor = now.lastIndexOf(shown[shown.length - 1] ?? '');
        const fresh = anchor >= 0 ? now.slice(anchor + 1) : now;
        if (fresh.length > 0) process.stdout.write(`${fresh.join('\n')}\n`);
        shown = now;
      }
    });
}
