// "2h", "90m", "1d", "16:00", "2026-12-03T09:00" → a point in time, for `--delay` and `ccp queue delay`. Pure: the
// caller gives `now` (and the local clock time of day is read from it, so "16:00" means today or tomorrow here).

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export class WhenError extends Error {
  constructor(text: string) {
    super(`"${text}" is not a delay or a time: give a duration like 30m, 2h, 1d, 1h30m, a clock time like 16:00 ` +
      '(the next one, local time), or an ISO time like 2026-12-03T09:00');
    this.name = 'WhenError';
  }
}

export function parseWhen(text: string, now: Date): Date {
  const t = text.trim();
  const duration = /^(?:\d+[smhd])+$/.test(t) ? [...t.matchAll(/(\d+)([smhd])/g)] : undefined;
  if (duration) return new Date(now.getTime() + duration.reduce((ms, [, n, unit]) => ms + Number(n) * UNIT_MS[unit], 0));
  const clock = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (clock) {
    const [hours, minutes] = [Number(clock[1]), Number(clock[2])];
    if (hours > 23 || minutes > 59) throw new WhenError(text);
    const at = new Date(now);
    at.setHours(hours, minutes, 0, 0);
    if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1);
    return at;
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(t) && !Number.isNaN(Date.parse(t))) return new Date(t);
  throw new WhenError(text);
}

/** "16:00" today, "Dec 3 09:00" otherwise: how status and the queue show a delay (local time). */
export function shortTime(iso: string, now: Date): string {
  const at = new Date(iso);
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  if (at.toDateString() === now.toDateString()) return hhmm;
  return `${at.toLocaleString('en', { month: 'short' })} ${at.getDate()} ${hhmm}`;
}
