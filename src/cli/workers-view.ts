// `ccp workers list` and what the worker-count commands say, in text. Pure.
import type { HostWorkersRow, WorkerRow, WorkersList } from '../core/worker-count.js';
import type { WorkerCountResult } from '../client/workers.js';
import { duration } from './dashboard-view.js';

/** "host ci-1: 3 workers · 2 busy · 1 waiting" (and "no count: its panes alone limit it" for a host without one). */
export function hostLine(host: HostWorkersRow, localHost?: string): string {
  const count = host.workers === undefined ? 'no count (its panes alone limit it)'
    : `${host.workers} worker${host.workers === 1 ? '' : 's'}`;
  return `host ${host.host}${host.host === localHost ? ' (this host)' : ''}: ${count} · ${host.busy} busy` +
    `${host.waiting ? ` · ${host.waiting} waiting` : ''}${host.removingNow ? ' · stopping the sessions beyond the count' : ''}`;
}

function workerLine(row: WorkerRow, now: Date): string {
  const subissue = row.subissue === undefined ? '' : `#${row.subissue}${row.repo ? ` (${row.repo})` : ''}`;
  const since = row.since ? `since ${row.since.slice(11, 19)} UTC (${duration(now.getTime() - Date.parse(row.since))})` : '';
  const going = row.state === 'retiring' && subissue ? ' — goes when its agent ends' : '';
  return columns([row.pane ?? '-', row.window ?? '-', row.state, row.group ?? '-', subissue, since]) + going;
}

const WIDTHS = [5, 8, 9, 10, 20, 0];
const columns = (cells: string[]): string => ['  ', ...cells.map((cell, i) => cell.padEnd(WIDTHS[i]))].join(' ').trimEnd();

export function renderWorkersList(list: WorkersList, now: Date, localHost?: string): string[] {
  if (list.hosts.length === 0) return ['No host has workers yet: `ccp up` starts this one.'];
  const lines: string[] = [];
  for (const host of list.hosts) {
    lines.push(hostLine(host, localHost));
    const rows = list.workers.filter((w) => w.host === host.host);
    if (rows.length > 0) lines.push(columns(['PANE', 'WINDOW', 'STATE', 'GROUP', 'SUBISSUE', 'SINCE']));
    lines.push(...rows.map((row) => workerLine(row, now)));
  }
  for (const g of list.groupLimits) lines.push(`group ${g.group}: at most ${g.limit} at once, ${g.running} running`);
  return lines;
}

/** What `ccp workers add|remove|set` did: "host ci-1: 3 → 5 workers", and what happens to the agents running. */
export function renderCountChange(result: WorkerCountResult, now: boolean): string {
  const from = result.before === undefined ? '' : `${result.before} → `;
  const beyond = result.busy - result.workers;
  const note = beyond <= 0 ? ''
    : now ? `; ${beyond} running agent${beyond === 1 ? '' : 's'} stop${beyond === 1 ? 's' : ''} and go${beyond === 1 ? 'es' : ''} back to the queue`
      : `; ${beyond} running agent${beyond === 1 ? '' : 's'} finish${beyond === 1 ? 'es' : ''} first`;
  return `host ${result.host}: ${from}${result.workers} workers${note}`;
}
