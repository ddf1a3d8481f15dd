// Claude Code's usage-limit states, read from what it shows (the screen, the StopFailure hook's event) and turned
// into the instant the limit resets. Pure: `now` and the zone are inputs, so every form is testable.
//
// Forms seen on the pinned 2.1.329 (offline, the stand-in model answering 429 with anthropic-ratelimit-unified-*
// headers): "You've hit your 5-hour limit · resets 8:58pm (UTC)", "You've hit your weekly limit · resets Dec 4,
// 4:30am (UTC)", the status line "Usage limit reached · limit resets 8:58pm"; documented: "You've hit your session
// limit · resets 3:45pm", "… · resets Mon 12:00am (America/Los_Angeles)"; older builds: "Claude usage limit reached.
// Your limit will reset at 9am (America/Chicago)". With an API key instead of a subscription the same 429 shows as
// "API Error: Request rejected (429) · …" without a time.

export interface UsageLimit {
  /** "5-hour", "session", "weekly", "usage" (older form), "rate" (an API 429 without a reset time). */
  kind: string;
  /** When the limit resets (an estimate when the CLI gave no time). */
  resetsAt: Date;
  /** The CLI gave no reset time: `resetsAt` is ccp's own guess. */
  guessed: boolean;
  /** The line it was read from. */
  text: string;
}

/** An API 429 the CLI shows without a time: try again after this long. */
export const GUESSED_LIMIT_WAIT_MS = 5 * 60_000;
// A time read shortly after it passed is the limit that just reset (the CLI shows minutes only), not tomorrow's.
const JUST_PASSED_MS = 5 * 60_000;

const TIME = String.raw`(?<time>(?:[A-Z][a-z]{2,8},? )?(?:\d{1,2},? )?\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)`;
const ZONE = String.raw`(?:\s*\((?<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)*|UTC[+-]\d{1,2})\))?`;
const FORMS: RegExp[] = [
  new RegExp(String.raw`You(?:'|’)ve hit your (?<kind>[\w -]+?) limit\s*·\s*resets ${TIME}${ZONE}`, 'i'),
  new RegExp(String.raw`(?<kind>usage) limit reached\.? Your limit will reset at ${TIME}${ZONE}`, 'i'),
  new RegExp(String.raw`(?<kind>Usage) limit reached · limit resets ${TIME}${ZONE}`, 'i'),
];
const RATE_LIMITED = /API Error: (?:Request rejected )?\(?429\)?|rate_limit_error/;

/**
 * The usage limit a text shows, if any. `zone` is the agent's time zone (the CLI prints its local time) and is
 * used when the text names none.
 */
export function parseUsageLimit(text: string, now: Date, zone = localZone()): UsageLimit | undefined {
  for (const form of FORMS) {
    const m = form.exec(text);
    const groups = m?.groups;
    if (!m || !groups) continue;
    const named = groups.zone && validZone(groups.zone) ? groups.zone : zone;
    const resetsAt = resolveReset(groups.time, now, named);
    if (resetsAt) return { kind: groups.kind.toLowerCase(), resetsAt, guessed: false, text: lineOf(text, m.index) };
  }
  const rate = RATE_LIMITED.exec(text);
  if (rate) {
    return { kind: 'rate', resetsAt: new Date(now.getTime() + GUESSED_LIMIT_WAIT_MS), guessed: true,
      text: lineOf(text, rate.index) };
  }
  return undefined;
}

/** The limit behind a `StopFailure` hook event (`error: "rate_limit"`): its message, else a guessed wait. */
export function limitFromStopFailure(event: Record<string, unknown>, now: Date, zone = localZone()): UsageLimit | undefined {
  if (event.hook_event_name !== 'StopFailure' || event.error !== 'rate_limit') return undefined;
  const texts = [event.last_assistant_message, event.error_details, event.message]
    .map((t) => (typeof t === 'string' ? t : t === undefined ? '' : JSON.stringify(t)));
  for (const text of texts) {
    const limit = text && parseUsageLimit(text, now, zone);
    if (limit && !limit.guessed) return limit;
  }
  return { kind: 'rate', resetsAt: new Date(now.getTime() + GUESSED_LIMIT_WAIT_MS), guessed: true,
    text: texts.find(Boolean)?.split('\n')[0] ?? 'rate_limit' };
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * "3:45pm", "9am", "Mon 12:00am", "Dec 4, 4:30am", "15:45" in `zone` → the next such instant: today's time, or
 * tomorrow's when today's passed more than a few minutes ago; the next such weekday; this year's date or next year's.
 * Wall-clock arithmetic, so a DST change in between does not shift the hour.
 */
export function resolveReset(timeText: string, now: Date, zone: string): Date | undefined {
  const m = /^(?:(?<word>[A-Za-z]{3,9}),?\s+)?(?:(?<day>\d{1,2}),?\s+)?(?<h>\d{1,2})(?::(?<mi>\d{2}))?\s*(?:(?<half>[ap])\.?m\.?)?$/i
    .exec(timeText.trim());
  const g = m?.groups;
  if (!g) return undefined;
  let hour = Number(g.h);
  const minute = Number(g.mi ?? 0);
  if (g.half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (g.half.toLowerCase() === 'p' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  const word = g.word?.slice(0, 3).toLowerCase();
  const month = word ? MONTHS.indexOf(word) + 1 : 0;
  const weekday = word ? WEEKDAYS.indexOf(word) : -1;
  if (word && (month > 0) === (weekday >= 0)) return undefined;
  if ((month > 0) !== (g.day !== undefined)) return undefined;
  const today = wallDate(now, zone);
  const at = (day: Pick<Wall, 'y' | 'mo' | 'd'>): Date => zonedInstant({ ...day, h: hour, mi: minute }, zone);
  const notPast = (t: Date): boolean => t.getTime() >= now.getTime() - JUST_PASSED_MS;
  if (month > 0) {
    const thisYear = at({ y: today.y, mo: month, d: Number(g.day) });
    return notPast(thisYear) ? thisYear : at({ y: today.y + 1, mo: month, d: Number(g.day) });
  }
  for (let ahead = 0; ahead <= 7; ahead++) {
    const day = addDays(today, ahead);
    if (weekday >= 0 && dayOfWeek(day) !== weekday) continue;
    const candidate = at(day);
    if (notPast(candidate)) return candidate;
  }
  return undefined;
}

interface Wall { y: number; mo: number; d: number; h: number; mi: number }

/** The calendar date (and time) `instant` has in `zone`. */
function wallDate(instant: Date, zone: string): Wall {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric',
    month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(instant)
    .map((p) => [p.type, Number(p.value)]));
  return { y: parts.year, mo: parts.month, d: parts.day, h: parts.hour % 24, mi: parts.minute };
}

/** The instant whose wall clock in `zone` reads `wall` (for a time skipped by DST: the instant an hour later). */
export function zonedInstant(wall: Wall, zone: string): Date {
  const asUtc = Date.UTC(wall.y, wall.mo - 1, wall.d, wall.h, wall.mi);
  const offsetAt = (t: number): number => {
    const w = wallDate(new Date(t), zone);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - Math.floor(t / 60_000) * 60_000;
  };
  const first = asUtc - offsetAt(asUtc);
  const second = asUtc - offsetAt(first);
  const reads = (t: number): boolean => {
    const w = wallDate(new Date(t), zone);
    return w.y === wall.y && w.mo === wall.mo && w.d === wall.d && w.h === wall.h && w.mi === wall.mi;
  };
  // Near a change the first guess uses the other side's offset; neither reads right inside a skipped hour.
  const found = [first, second].filter(reads);
  return new Date(found.length > 0 ? Math.min(...found) : Math.max(first, second));
}

function addDays(day: Wall, n: number): Wall {
  const t = new Date(Date.UTC(day.y, day.mo - 1, day.d + n));
  return { ...day, y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const dayOfWeek = (day: Wall): number => new Date(Date.UTC(day.y, day.mo - 1, day.d)).getUTCDay();

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone the agent runs in (it inherits the worker's environment). */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function lineOf(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end < 0 ? undefined : end).trim();
}

/** "15:45" (or "Mon 15:45" when not within the next 24 h) in `zone`: how status lines show a reset. */
export function clockTime(at: Date, now: Date, zone?: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(at);
  if (at.getTime() - now.getTime() < 24 * 3_600_000) return time;
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' }).format(at);
  return `${day} ${time}`;
}
