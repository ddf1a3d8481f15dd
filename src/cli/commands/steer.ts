// `ccp pause|resume [issues] [--group g] [--sub n] [--now]` and `ccp stop <issues> | --sub n | --group g | --all`:
// steering at every level — everything, a group, parents, one subissue.
import type { Command } from 'commander';
import { resolveRepo } from '../../config/repo.js';
import type { CcpClient } from '../../client/ccp-client.js';
import { connectCcp } from '../client.js';
import { configWith, output, parseIssueNumbers } from '../context.js';
import { UsageError } from '../errors.js';

interface SteerFlags {
  repo?: string;
  json?: boolean;
  group?: string;
  sub?: string;
  now?: boolean;
  all?: boolean;
}

type Steer = 'pause' | 'resume' | 'stop';

/** What one steer reached: a line for the terminal and what `--json` prints of it. */
interface Reached {
  line: string;
  json: object;
}

async function steer(ccp: CcpClient, name: Steer, issues: string | undefined, flags: SteerFlags, repo: () => Promise<{ owner: string; repo: string }>)
  : Promise<Reached[]> {
  const levels = [issues !== undefined, flags.group !== undefined, flags.sub !== undefined, flags.all === true].filter(Boolean).length;
  if (levels > 1) throw new UsageError(`${name} one level at a time: parents, --group, --sub or --all`);
  const now = flags.now === true;
  if (flags.sub !== undefined) {
    const reached: Reached[] = [];
    for (const n of parseIssueNumbers(flags.sub)) {
      if (name === 'pause') await ccp.pauseSubissue(n, { now, repo: await repo() });
      else if (name === 'resume') await ccp.resumeSubissue(n, { repo: await repo() });
      else await ccp.stopSubissue(n, { repo: await repo() });
      reached.push({ line: `${name}: subissue #${n}`, json: { subissue: n } });
    }
    return reached;
  }
  if (flags.group !== undefined) {
    const group = flags.group;
    if (name === 'pause') await ccp.pauseGroup(group, { now });
    else if (name === 'resume') await ccp.resumeGroup(group);
    else return (await ccp.stopGroup(group)).map((n) => ({ line: `stop: subissue #${n} (group ${group})`, json: { subissue: n, group } }));
    return [{ line: `${name}: group ${group}${now ? ' (running agents too)' : ''}`, json: { group } }];
  }
  if (issues !== undefined) {
    const reached: Reached[] = [];
    for (const n of parseIssueNumbers(issues)) {
      const done = name === 'pause' ? await ccp.pause(await repo(), n, { now }) : await ccp[name](await repo(), n);
      reached.push({ line: `${name}: #${done.issue}`, json: done });
    }
    return reached;
  }
  if (name === 'stop') {
    if (!flags.all) throw new UsageError('stop what? give parent issues, --sub <n>, --group <g>, or --all for everything');
    return (await ccp.stopAll()).map((done) => ({ line: `stop: #${done.issue}`, json: done }));
  }
  if (name === 'pause') await ccp.pauseAll({ now });
  else await ccp.resumeAll();
  return [{ line: `${name}: everything${now ? ' (running agents too)' : ''}`, json: { all: true } }];
}

const DESCRIPTIONS: Record<Steer, string> = {
  pause: 'start no new agents — everything (no arguments), these parents, a --group or one --sub; running agents go on unless --now',
  resume: 'start agents again at that level',
  stop: 'cancel these parents (or --sub, --group, --all) and their running agents',
};

export function registerSteerCommands(program: Command): void {
  for (const name of ['pause', 'resume', 'stop'] as const) {
    const command = program
      .command(name)
      .description(DESCRIPTIONS[name])
      .argument('[issues]', 'parent issue numbers, e.g. 123,124')
      .option('-r, --repo <owner/name>', 'GitHub repository')
      .option('-g, --group <group>', 'a group of subissues, on every host')
      .option('-s, --sub <subissues>', 'subissue numbers')
      .option('--json', 'print what was reached as JSON');
    if (name === 'pause') command.option('--now', 'stop running agents too: their subissues go back to the queue and continue on resume');
    if (name === 'stop') command.option('--all', 'every running parent');
    command.action(async (issues: string | undefined, flags: SteerFlags) => {
      const { config } = configWith(flags);
      const ccp = await connectCcp(config);
      const reached = await steer(ccp, name, issues, flags, () => resolveRepo(config));
      output(flags.json, { [name]: reached.map((r) => r.json) }, () => reached.map((r) => r.line));
    });
  }
}
