// The dashboard (pane 0, `ccp status --watch`): the design's one screen — uptime, each worker and what it does for how
// long, queue counts, a progress bar per parent, throughput and idle share — fitted to the pane. Pure.
// The header and the workers always show; parents fill what is left, the rest summed up in one line; every line is
// cut to the width (a wrapped line would push the header out of a small pane).
import { clockTime } from '../core/usage-limit.js';
import type { ParentStatus, SubissueStatus } from '../shared/messages.js';
import { noPaint, paintPhase, type Paint } from './paint.js';
import { hostsLine, queueCounts, scheduledNote, throughput, type WorkerPaneView } from './status-view.js';
import type { HostWorkersRow } from '../core/worker-count.js';

export interface DashboardInput {
  parents: ParentStatus[];
  workers: WorkerPaneView[];
  /** Every host's live worker count (the dispatcher's), when known. */
  hosts?: HostWorkersRow[];
  now: Date;
  /** When the ccp worker came up, for the uptime. */
  upSince?: Date;
  width: number;
  height: number;
  paint?: Paint;
}

const HOUR_MS = 3_600_000;
const BAR = 12;

export function renderDashboard(input: DashboardInput): string[] {
  const { parents, workers, now, width, height } = input;
  const paint = input.paint ?? noPaint;
  const subs = parents.flatMap((p) => p.subissues);
  const c = queueCounts(parents);
  const needYou = subs.filter((s) => s.needsYou && s.phase === 'agent').length;
  const t = throughputFigures(parents, workers.length, now);
  const head = [
    `${paint('bold', 'ccp')} ${now.toISOString().slice(11, 19)} UTC${input.upSince ? ` · up ${duration(now.getTime() - input.upSince.getTime())}` : ''}` +
      ` · ${workers.filter((w) => w.task).length}/${workers.length} workers busy`,
    `Queue: waiting ${c.waiting} · working ${c.working} · merged ${c.done} · failed ${c.failed}` +
      (needYou ? ` · ${paint('yellow', `${needYou} need${needYou === 1 ? 's' : ''} you`)}` : ''),
    `PRs: ${t.lastHour} last hour · ${t.today} today` +
      (t.meanMinutes !== undefined ? ` · ${t.meanMinutes.toFixed(1)} min each` : '') +
      ` · ${t.perWorkerHour.toFixed(1)}/h per worker · idle ${t.idlePercent}%`,
    ...[hostsLine(input.hosts ?? [])].filter((line): line is string => line !== undefined),
  ];
  const workerLines = workers.map((w) => workerLine(w, subs, now, paint));
  const room = Math.max(0, height - head.length - workerLines.length - 2);
  const lines = [...head, '', ...workerLines, '', ...parentLines(parents, room, paint, now)];
  return lines.slice(0, height).map((line) => cutToWidth(line, width));
}

function workerLine(worker: WorkerPaneView, subs: SubissueStatus[], now: Date, paint: Paint): string {
  if (!worker.task) return `  ${worker.id.padEnd(4)} ${paint('dim', 'idle')}`;
  const sub = subs.find((s) => `subissue-${s.number}` === worker.task && s.phase === 'agent');
  if (!sub) return `  ${worker.id.padEnd(4)} ${worker.task}`;
  const since = sub.startedAt ? ` for ${duration(now.getTime() - Date.parse(sub.startedAt))}` : '';
  const state = sub.needsYou ? paint('yellow', ` — needs you: ccp approve|deny ${sub.number}`)
    : sub.wait?.usageLimitUntil ? ` — usage limit until ${clockTime(new Date(sub.wait.usageLimitUntil), now)}`
      : sub.wait?.stalledSince ? paint('red', ` — stalled ${duration(now.getTime() - Date.parse(sub.wait.stalledSince))}`) : '';
  return `  ${worker.id.padEnd(4)} #${sub.number}${since}${state} ${sub.title}`;
}

/** One line per parent while they fit; beyond that, the rest summed up by phase in the last line. */
function parentLines(parents: ParentStatus[], room: number, paint: Paint, now: Date): string[] {
  if (room <= 0 || parents.length === 0) return room > 0 ? ['No parent issues yet: ccp start <issue>'] : [];
  // Parents still in work first: what the pane is for.
  const ordered = [...parents].sort((a, b) => Number(isEnded(a)) - Number(isEnded(b)) || a.number - b.number);
  const shown = ordered.length <= room ? ordered : ordered.slice(0, room - 1);
  const lines = shown.map((p) => {
    const merged = p.subissues.filter((s) => s.phase === 'merged').length;
    const total = p.subissues.length;
    const filled = total ? Math.round((merged / total) * BAR) : 0;
    return `#${p.number} ${paintPhase(paint, p.phase, 8)}${p.paused ? ' paused' : ''}${scheduledNote(p, now)} ${'█'.repeat(filled)}${'░'.repeat(BAR - filled)} ` +
      `${merged}/${total} ${p.title}`;
  });
  const rest = ordered.slice(shown.length);
  if (rest.length > 0) {
    const byPhase = new Map<string, number>();
    for (const p of rest) byPhase.set(p.phase, (byPhase.get(p.phase) ?? 0) + 1);
    lines.push(`… ${rest.length} more: ${[...byPhase].map(([phase, n]) => `${n} ${phase}`).join(', ')} (ccp status lists all)`);
  }
  return lines;
}

const isEnded = (p: ParentStatus): boolean => p.phase === 'closed' || p.phase === 'failed' || p.phase === 'stopped';

export interface ThroughputFigures {
  lastHour: number;
  today: number;
  meanMinutes?: number;
  perWorkerHour: number;
  /** Share of worker time in the last hour with no agent at work. */
  idlePercent: number;
}

/** `ccp status`'s throughput (PRs in the last hour, minutes per subissue) plus today's count, the rate per worker
 * and the idle share. */
export function throughputFigures(parents: ParentStatus[], workers: number, now: Date): ThroughputFigures {
  const { lastHour, meanMinutes } = throughput(parents, now);
  const subs = parents.flatMap((p) => p.subissues);
  const at = (iso?: string) => (iso ? Date.parse(iso) : NaN);
  const midnight = new Date(now);
  midnight.setUTCHours(0, 0, 0, 0);
  const today = subs.filter((s) => s.prOpenedAt && at(s.prOpenedAt) >= midnight.getTime()).length;
  // Busy time in the last hour: each subissue from its start to its PR (or now, while it works).
  const from = now.getTime() - HOUR_MS;
  let busy = 0;
  for (const s of subs.filter((x) => x.startedAt)) {
    const end = s.prOpenedAt ? at(s.prOpenedAt) : s.phase === 'agent' || s.phase === 'pushing' ? now.getTime() : NaN;
    if (!Number.isNaN(end)) busy += Math.max(0, Math.min(end, now.getTime()) - Math.max(at(s.startedAt), from));
  }
  const capacity = workers * HOUR_MS;
  return { lastHour, today, meanMinutes, perWorkerHour: workers ? lastHour / workers : 0,
    idlePercent: capacity ? Math.round(100 * Math.max(0, 1 - busy / capacity)) : 100 };
}

/** "45s", "12m", "3h05m", "2d4h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${h % 24}h`;
}

const ANSI = /\x1b\[[0-9;]*m/y;

/** Cuts a line to `width` visible characters (colour codes kept, not counted), marking the cut with "…". */
export function cutToWidth(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length;) {
    ANSI.lastIndex = i;
    const code = ANSI.exec(line);
    if (code) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) as number);
    if (visible === width - 1 && visibleLength(line.slice(i)) > 1) return `${out}…${out.includes('\x1b[') ? '\x1b[0m' : ''}`;
    out += char;
    visible++;
    i += char.length;
  }
  return out;
}

function visibleLength(text: string): number {
  return [...text.replace(/\x1b\[[0-9;]*m/g, '')].length;
}
