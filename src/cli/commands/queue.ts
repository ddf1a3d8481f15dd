// `ccp queue show`: what waits and why, in dispatch order; `ccp queue priority|delay|retry|requeue`: steer one
// subissue; `ccp queue sync`: rebuild the pueue mirror from Temporal.
import type { Command } from 'commander';
import { resolveRepo } from '../../config/repo.js';
import { parseWhen } from '../../core/when.js';
import { PRIORITIES, type Priority } from '../../shared/types.js';
import { UsageError } from '../errors.js';
import { syncMirror } from '../../client/mirror-sync.js';
import { createPueueFromConfig } from '../../worker/adapters.js';
import { queueEntries, QUEUE_STATES } from '../../core/queue-entries.js';
import { connectCcp, connectClient } from '../client.js';
import { configWith, output } from '../context.js';

export function registerQueueCommands(program: Command): void {
  const queue = program.command('queue').description('the queue of subissues and its pueue mirror');
  queue
    .command('show')
    .description('every subissue not done yet — needs you, running, ready, pending, in review, failed, blocked — in the order ccp takes them, each with why it waits')
    .option('--json', 'print the entries as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { config } = configWith({});
      const ccp = await connectCcp(config);
      const entries = queueEntries(await ccp.status(), await ccp.dispatcher(), new Date());
      output(flags.json, entries, () => entries.length === 0 ? ['The queue is empty.'] : QUEUE_STATES.flatMap((state) => {
        const here = entries.filter((e) => e.state === state);
        return here.length === 0 ? [] : [`${state} (${here.length})`,
          ...here.map((e) => `  #${e.number} ${e.priority.padEnd(8)} ${e.title} (parent #${e.parent}) — ${e.why}`)];
      }));
    });
  queue
    .command('priority')
    .description('change a subissue\'s priority now: it is started and given an agent in the new order')
    .argument('<subissue>', 'subissue number')
    .argument('<priority>', PRIORITIES.join('|'))
    .option('-r, --repo <owner/name>', 'GitHub repository')
    .option('--json', 'print the result as JSON')
    .action(async (subissue: string, priority: string, flags: { repo?: string; json?: boolean }) => {
      if (!(PRIORITIES as readonly string[]).includes(priority)) {
        throw new UsageError(`"${priority}" is not a priority: use one of ${PRIORITIES.join(', ')}`);
      }
      const { config } = configWith(flags);
      const n = subissueNumber(subissue);
      const found = await (await connectCcp(config)).setPriority(n, priority as Priority, { repo: await resolveRepo(config) });
      output(flags.json, { subissue: n, priority, was: found.sub.priority }, () => [`#${n}: ${found.sub.priority} → ${priority}`]);
    });
  queue
    .command('delay')
    .description('start a subissue\'s agent (or a parent that has not begun) later: 30m, 2h, 16:00, an ISO time; "now" lifts it')
    .argument('<issue>', 'subissue or scheduled parent number')
    .argument('<when>', 'a duration (2h, 1h30m), a clock time (16:00, local), an ISO time, or now')
    .option('-r, --repo <owner/name>', 'GitHub repository')
    .option('--json', 'print the result as JSON')
    .action(async (issue: string, when: string, flags: { repo?: string; json?: boolean }) => {
      const until = when === 'now' ? null : parseWhen(when, new Date());
      const { config } = configWith(flags);
      const n = subissueNumber(issue);
      const done = await (await connectCcp(config)).delay(n, until, { repo: await resolveRepo(config) });
      output(flags.json, { issue: n, kind: done.kind, notBefore: until?.toISOString() ?? null },
        () => [until ? `#${n} (${done.kind}) scheduled for ${until.toLocaleString()}` : `#${n} (${done.kind}): no delay`]);
    });
  queue
    .command('retry')
    .description('run a subissue that failed for good again (or every one: --all-failed); what it blocked waits again')
    .argument('[subissue]', 'subissue number')
    .option('--all-failed', 'every failed subissue: the whole retry queue')
    .option('-r, --repo <owner/name>', 'GitHub repository')
    .option('--json', 'print what was retried as JSON')
    .action(async (subissue: string | undefined, flags: { repo?: string; json?: boolean; allFailed?: boolean }) => {
      if ((subissue === undefined) === !flags.allFailed) throw new UsageError('retry one subissue (ccp queue retry 301) or --all-failed');
      const { config } = configWith(flags);
      const ccp = await connectCcp(config);
      const repo = await resolveRepo(config);
      const targets: Array<{ number: number; parent?: number }> = subissue !== undefined ? [{ number: subissueNumber(subissue) }]
        : (await ccp.failed({ repo })).map((f) => ({ number: f.sub.number, parent: f.parent.number }));
      const retried: Array<{ subissue: number; parent: number; how: string }> = [];
      // A parent started again retries all of its unfinished subissues at once: one restart per parent.
      const restarted = new Set<number>();
      for (const target of targets) {
        if (target.parent !== undefined && restarted.has(target.parent)) {
          retried.push({ subissue: target.number, parent: target.parent, how: 'restart' });
          continue;
        }
        const done = await ccp.retry(target.number, { repo });
        if (done.how === 'restart') restarted.add(done.found.parent.number);
        retried.push({ subissue: target.number, parent: done.found.parent.number, how: done.how });
      }
      output(flags.json, { retried }, () => retried.length === 0 ? ['The retry queue is empty.'] : retried.map((r) =>
        r.how === 'restart' ? `#${r.subissue}: parent #${r.parent} started again (its unfinished subissues run again)` : `#${r.subissue}: runs again`));
    });
  queue
    .command('requeue')
    .description('stop a subissue\'s running agent and put it back in the queue (its conversation continues when it runs)')
    .argument('<subissue>', 'subissue number')
    .option('-r, --repo <owner/name>', 'GitHub repository')
    .action(async (subissue: string, flags: { repo?: string }) => {
      const { config } = configWith(flags);
      const n = subissueNumber(subissue);
      await (await connectCcp(config)).requeue(n, { repo: await resolveRepo(config) });
      console.log(`#${n}: back in the queue`);
    });
  queue
    .command('sync')
    .description('rebuild the pueue mirror from Temporal: one task per subissue, in the state Temporal knows')
    .option('--json', 'print what was synced as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { config } = configWith({});
      const result = await syncMirror(await connectClient(config), createPueueFromConfig(config),
        { taskQueue: config.taskQueue, cwd: config.repoPath, retentionHours: config.pueue.retentionHours });
      output(flags.json, result, () => [
        `pueue mirror: ${result.synced.length} synced${result.synced.length ? ` (${result.synced.join(', ')})` : ''}, ` +
          `${result.unchanged} already right`,
        ...result.failed.map((f) => `  could not sync ${f.label}: ${f.error}`),
      ]);
      if (result.failed.length > 0) process.exitCode = 1;
    });
}

function subissueNumber(text: string): number {
  const n = Number(text.replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`"${text}" is not an issue number: pass one like 301`);
  return n;
}
