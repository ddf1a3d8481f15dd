// Renders parent statuses for `ccp status` and the dashboard pane. Pure.
import { oneLineReason } from '../core/reasons.js';
import { TERMINAL_PHASES } from '../core/scheduling.js';
import { noPaint, paintPhase, type Paint } from './paint.js';
import type { ParentStatus, SubissueStatus } from '../shared/messages.js';
import { clockTime } from '../core/usage-limit.js';
import { shortTime } from '../core/when.js';
import type { HostWorkersRow } from '../core/worker-count.js';

const BAR_WIDTH = 20;

function progressBar(done: number, total: number): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * BAR_WIDTH);
  const percent = total === 0 ? 0 : Math.round((done / total) * 100);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${percent}% (${done}/${total})`;
}

/** Where a subissue's agent is: its pane, or — known only when the panes are — waiting for a free one. */
function paneNote(sub: SubissueStatus, workers: WorkerPaneView[] | undefined): string {
  if (sub.phase !== 'agent') return '';
  const pane = workers?.find((w) => w.task === `subissue-${sub.number}`);
  if (pane) return ` [pane ${pane.id}]`;
  return workers && workers.length > 0 ? ' (waiting for a free pane)' : '';
}

const NEEDS_YOU_WIDTH = 70;

/** "needs you: Bash rm -rf … (ccp approve 12)": what the agent waits for, on one line. */
function needsYouNote(sub: SubissueStatus): string {
  if (!sub.needsYou || sub.phase !== 'agent') return '';
  const what = `${sub.needsYou.tool} ${sub.needsYou.subject}`.replace(/\s+/g, ' ');
  const short = what.length > NEEDS_YOU_WIDTH ? `${what.slice(0, NEEDS_YOU_WIDTH - 1)}…` : what;
  return ` — needs you: ${short} (ccp approve|deny ${sub.number})`;
}

/** " — waiting for usage limit until 15:45" (the reader's local time) or " — stalled for 12 min". */
export function waitNote(sub: SubissueStatus, now: Date, zone?: string): string {
  if (!sub.wait || sub.phase !== 'agent') return '';
  if (sub.wait.usageLimitUntil) return ` — waiting for usage limit until ${clockTime(new Date(sub.wait.usageLimitUntil), now, zone)}`;
  if (sub.wait.stalledSince) {
    return ` — stalled for ${Math.max(1, Math.round((now.getTime() - Date.parse(sub.wait.stalledSince)) / 60_000))} min`;
  }
  return '';
}

function subissueLine(sub: SubissueStatus, workers: WorkerPaneView[] | undefined, paint: Paint, now: Date): string {
  const pr = sub.pr ? ` PR #${sub.pr.number}${sub.pr.merged ? ' merged' : ''}` : '';
  const stacked = sub.stackedOn !== undefined && !TERMINAL_PHASES.has(sub.phase) ? ` (stacked on #${sub.stackedOn})` : '';
  const pane = paneNote(sub, workers);
  const error = sub.error && (sub.phase === 'failed' || sub.phase === 'blocked') ? ` — ${oneLineReason(sub.error, 100)}` : '';
  const phase = sub.needsYou && sub.phase === 'agent' ? 'NEEDS-YOU' : sub.phase;
  return `    #${sub.number} ${paintPhase(paint, phase, 8)} ${sub.priority.padEnd(8)} ${sub.title}${pr}${stacked}${pane}${error}${needsYouNote(sub)}${waitNote(sub, now)}${scheduledNote(sub, now)}`;
}

export function queueCounts(parents: ParentStatus[]): Record<'waiting' | 'working' | 'done' | 'failed', number> {
  const counts = { waiting: 0, working: 0, done: 0, failed: 0 };
  for (const sub of parents.flatMap((p) => p.subissues)) {
    if (sub.phase === 'waiting' || sub.phase === 'queued') counts.waiting++;
    else if (sub.phase === 'merged') counts.done++;
    else if (sub.phase === 'failed' || sub.phase === 'blocked' || sub.phase === 'stopped') counts.failed++;
    else counts.working++;
  }
  return counts;
}

/** A worker pane as the dashboard shows it: which subissue it works on, "" when idle. */
export interface WorkerPaneView {
  id: string;
  task: string;
}

function workersLine(workers: WorkerPaneView[]): string {
  const busy = workers.filter((w) => w.task !== '').length;
  const panes = workers.map((w) => `${w.id} ${w.task || 'idle'}`).join(' · ');
  return `Workers (${busy}/${workers.length} busy): ${panes}`;
}

const HOUR_MS = 3_600_000;

/** PRs opened in the last hour, and the mean time from starting a subissue to its PR. */
export function throughput(parents: ParentStatus[], now: Date): { lastHour: number; meanMinutes?: number } {
  const subs = parents.flatMap((p) => p.subissues).filter((s) => s.prOpenedAt);
  const lastHour = subs.filter((s) => now.getTime() - Date.parse(s.prOpenedAt as string) <= HOUR_MS).length;
  const durations = subs.filter((s) => s.startedAt).map((s) => Date.parse(s.prOpenedAt as string) - Date.parse(s.startedAt as string));
  const meanMinutes = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length / 60_000 : undefined;
  return { lastHour, meanMinutes };
}

function throughputLine(parents: ParentStatus[], now: Date): string | undefined {
  const t = throughput(parents, now);
  if (t.meanMinutes === undefined) return undefined;
  return `Throughput: ${t.lastHour} PR${t.lastHour === 1 ? '' : 's'} in the last hour · ${t.meanMinutes.toFixed(1)} min per subissue (start → PR)`;
}

/** "Hosts: ci-1 3 workers (2 busy) · ci-2 2 workers (0 busy)": every host's live count (`ccp workers list`). */
export function hostsLine(hosts: HostWorkersRow[]): string | undefined {
  const known = hosts.filter((h) => h.workers !== undefined);
  if (known.length === 0) return undefined;
  return `Hosts: ${known.map((h) => `${h.host} ${h.workers} worker${h.workers === 1 ? '' : 's'} (${h.busy} busy)`).join(' · ')}`;
}

export function renderStatus(parents: ParentStatus[], now: Date = new Date(), workers?: WorkerPaneView[], paint: Paint = noPaint,
  hosts: HostWorkersRow[] = []): string {
  const lines = [`ccp status — ${now.toISOString().replace('T', ' ').slice(0, 19)} UTC`];
  const hostCounts = hostsLine(hosts);
  if (hostCounts) lines.push(hostCounts);
  if (workers && workers.length > 0) lines.push(workersLine(workers));
  if (parents.length === 0) {
    lines.push('', 'No parent issues yet: `ccp start <issue>[,<issue>…]` starts work.');
    return lines.join('\n');
  }
  const c = queueCounts(parents);
  lines.push(`Queue: waiting ${c.waiting} | working ${c.working} | merged ${c.done} | failed ${c.failed}`);
  const needYou = parents.flatMap((p) => p.subissues).filter((s) => s.needsYou && s.phase === 'agent').length;
  if (needYou > 0) lines.push(paint('yellow', `${needYou} agent${needYou === 1 ? '' : 's'} need${needYou === 1 ? 's' : ''} you: ccp approvals --pending`));
  const rate = throughputLine(parents, now);
  if (rate) lines.push(rate);
  lines.push('');
  for (const parent of parents) {
    const merged = parent.subissues.filter((s) => s.phase === 'merged').length;
    const paused = parent.paused ? ' (paused)' : '';
    lines.push(`${paint('bold', `${parent.repo.owner}/${parent.repo.repo}#${parent.number}`)} ${paintPhase(paint, parent.phase, 0)}${paused}${scheduledNote(parent, now)} ${parent.title}`);
    if (parent.subissues.length > 0) lines.push(`  ${progressBar(merged, parent.subissues.length)}`);
    lines.push(...parent.subissues.map((sub) => subissueLine(sub, workers, paint, now)));
    if (parent.error) lines.push(`  error: ${oneLineReason(parent.error)} (the whole story: ccp debug <subissue>, the Web UI)`);
    if (parent.note) lines.push(`  note: ${parent.note}`);
  }
  return lines.join('\n');
}

/** " scheduled for 16:00" while a parent or subissue waits for its delay ("" otherwise). */
export function scheduledNote(item: { phase: string; notBefore?: string }, now: Date): string {
  const waits = item.phase === 'scheduled' || item.phase === 'waiting' || item.phase === 'queued';
  return waits && item.notBefore && Date.parse(item.notBefore) > now.getTime() ? ` scheduled for ${shortTime(item.notBefore, now)}` : '';
}
