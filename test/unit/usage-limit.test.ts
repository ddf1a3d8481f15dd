// Usage-limit texts of Claude Code (screens, the StopFailure event) → the instant the limit resets.
import { readFileSync } from 'node:fs';
import { clockTime, GUESSED_LIMIT_WAIT_MS, limitFromStopFailure, parseUsageLimit, resolveReset } from '../../src/core/usage-limit.js';
import { belowInputBox, createLimitTracker } from '../../src/agents/claude-code/limits.js';
import { acceptOption, detectDialog, keysToChoose } from '../../src/agents/claude-code/dialogs.js';
import { renderStatus, waitNote } from '../../src/cli/status-view.js';

const screen = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/screens/${name}.txt`, import.meta.url), 'utf8');
const at = (iso: string): Date => new Date(iso);
const resets = (text: string, now: string, zone = 'UTC'): string | undefined =>
  parseUsageLimit(text, at(now), zone)?.resetsAt.toISOString();

describe('parseUsageLimit', () => {
  test('"resets 3:45pm": today while ahead, tomorrow once passed', () => {
    const text = "You've hit your session limit · resets 3:45pm";
    expect(resets(text, '2026-12-01T14:00:00Z')).toBe('2026-12-01T15:45:00.000Z');
    expect(resets(text, '2026-12-01T16:00:00Z')).toBe('2026-12-02T15:45:00.000Z');
    expect(parseUsageLimit(text, at('2026-12-01T14:00:00Z'), 'UTC')).toMatchObject({ kind: 'session', guessed: false });
  });

  test('a time read just after it passed (the CLI shows minutes only) is the limit that just reset', () => {
    expect(resets("You've hit your 5-hour limit · resets 8:57pm (UTC)", '2026-12-01T20:57:40Z')).toBe('2026-12-01T20:57:00.000Z');
  });

  test('the zone in parentheses wins over the agent zone', () => {
    const text = "You've hit your session limit · resets 3:45pm (America/Los_Angeles)";
    expect(resets(text, '2026-12-01T20:00:00Z', 'Europe/Berlin')).toBe('2026-12-01T23:45:00.000Z');
    // No zone shown: the agent's own.
    expect(resets("You've hit your session limit · resets 3:45pm", '2026-12-01T10:00:00Z', 'Europe/Berlin'))
      .toBe('2026-12-01T14:45:00.000Z');
  });

  test('weekday forms: the next such day (today if still ahead)', () => {
    // 2026-12-01 is a Tuesday.
    expect(resets("You've hit your weekly limit · resets Mon 12:00am", '2026-12-01T10:00:00Z')).toBe('2026-12-07T00:00:00.000Z');
    expect(resets("You've hit your weekly limit · resets Tue 11:00pm", '2026-12-01T10:00:00Z')).toBe('2026-12-01T23:00:00.000Z');
    expect(resets("You've hit your weekly limit · resets Tue 9:00am", '2026-12-01T10:00:00Z')).toBe('2026-12-08T09:00:00.000Z');
  });

  test('date forms as 2.1.329 shows a weekly limit: "Dec 4, 4:30am (UTC)", next year once passed', () => {
    expect(resets("You've hit your weekly limit · resets Dec 4, 4:30am (UTC)", '2026-12-01T20:00:00Z')).toBe('2026-12-04T04:30:00.000Z');
    expect(resets("You've hit your weekly limit · resets Jan 2, 4:30am (UTC)", '2026-12-30T20:00:00Z')).toBe('2027-01-02T04:30:00.000Z');
  });

  test('the older form: "Claude usage limit reached. Your limit will reset at 9am (America/Chicago)"', () => {
    expect(parseUsageLimit('Claude usage limit reached. Your limit will reset at 9am (America/Chicago).',
      at('2026-12-01T12:00:00Z'), 'UTC')).toMatchObject({ kind: 'usage', resetsAt: at('2026-12-01T15:00:00Z') });
  });

  test('DST-safe: the wall-clock time across a change, not 24 h later', () => {
    // Los Angeles springs forward on Sunday 2026-03-08: 9am PDT is 16:00Z (PST would be 17:00Z).
    expect(resets("You've hit your session limit · resets 9am (America/Los_Angeles)", '2026-03-07T18:00:00Z'))
      .toBe('2026-03-08T16:00:00.000Z');
    expect(resets("You've hit your weekly limit · resets Sun 3:00pm (America/Los_Angeles)", '2026-03-07T20:00:00Z'))
      .toBe('2026-03-08T22:00:00.000Z');
    // Berlin falls back on Sunday 2026-10-25: 10am CET is 09:00Z (CEST would be 08:00Z).
    expect(resets("You've hit your session limit · resets 10:00am (Europe/Berlin)", '2026-10-24T12:00:00Z'))
      .toBe('2026-10-25T09:00:00.000Z');
    // A time the change skips (2:30am) is taken an hour later.
    expect(resolveReset('2:30am', at('2026-03-08T08:00:00Z'), 'America/Los_Angeles')?.toISOString()).toBe('2026-03-08T10:30:00.000Z');
  });

  test('24-hour times and bad ones', () => {
    expect(resolveReset('15:45', at('2026-12-01T10:00:00Z'), 'UTC')?.toISOString()).toBe('2026-12-01T15:45:00.000Z');
    expect(resolveReset('13pm', at('2026-12-01T10:00:00Z'), 'UTC')).toBeUndefined();
    expect(resolveReset('Foo 3pm', at('2026-12-01T10:00:00Z'), 'UTC')).toBeUndefined();
  });

  test("an API key's 429 has no time: a guessed wait", () => {
    const limit = parseUsageLimit('● API Error: Request rejected (429) · rate limited', at('2026-12-01T10:00:00Z'), 'UTC');
    expect(limit).toMatchObject({ kind: 'rate', guessed: true });
    expect(limit?.resetsAt.getTime()).toBe(at('2026-12-01T10:00:00Z').getTime() + GUESSED_LIMIT_WAIT_MS);
    expect(parseUsageLimit('all good, 429 lines of code', at('2026-12-01T10:00:00Z'), 'UTC')).toBeUndefined();
  });

  test('real 2.1.329 screens', () => {
    expect(resets(screen('usage-limit-5-hour'), '2026-12-01T20:56:40Z')).toBe('2026-12-01T20:58:00.000Z');
    expect(resets(screen('usage-limit-menu'), '2026-12-01T20:57:00Z')).toBe('2026-12-04T04:30:00.000Z');
    expect(parseUsageLimit(screen('usage-limit-api-key-429'), at('2026-12-01T20:57:00Z'), 'UTC')?.kind).toBe('rate');
  });

  test('clockTime: "15:45", with the day when more than a day ahead', () => {
    expect(clockTime(at('2026-12-01T15:45:00Z'), at('2026-12-01T10:00:00Z'), 'UTC')).toBe('15:45');
    expect(clockTime(at('2026-12-04T04:30:00Z'), at('2026-12-01T10:00:00Z'), 'UTC')).toBe('Fri 4 Dec 04:30');
  });
});

describe('StopFailure events', () => {
  const event = { hook_event_name: 'StopFailure', error: 'rate_limit', session_id: 's',
    last_assistant_message: "You've hit your 5-hour limit · resets 8:58pm (UTC)" };

  test('rate_limit with the limit text (as 2.1.329 writes it)', () => {
    expect(limitFromStopFailure(event, at('2026-12-01T20:56:40Z'))).toMatchObject({ kind: '5-hour',
      resetsAt: at('2026-12-01T20:58:00Z'), guessed: false });
  });

  test('rate_limit without a time (an API key): guessed; other errors are no limit', () => {
    const now = at('2026-12-01T20:00:00Z');
    expect(limitFromStopFailure({ ...event, last_assistant_message: 'API Error: Request rejected (429) · rate limited' }, now))
      .toMatchObject({ kind: 'rate', guessed: true });
    expect(limitFromStopFailure({ ...event, error: 'overloaded' }, now)).toBeUndefined();
    expect(limitFromStopFailure({ ...event, hook_event_name: 'Stop' }, now)).toBeUndefined();
  });
});

describe('the usage-limit menu and the watcher side', () => {
  test('the menu 2.1.329 opens at a limit it will not wait out is a known dialog: wait here, continue by itself', () => {
    const dialog = detectDialog(screen('usage-limit-menu'));
    expect(dialog?.kind).toBe('usage-limit');
    expect(acceptOption(dialog!)?.text).toMatch(/^Wait here, then continue automatically/);
    expect(keysToChoose(dialog!, acceptOption(dialog!)!.text)).toEqual(['2']);
  });

  test('the limit tracker: a StopFailure starts the wait, "continue" is due after the grace, not before', () => {
    const tracker = createLimitTracker({ zone: 'UTC', graceMs: 60_000 });
    const limited = screen('usage-limit-5-hour');
    expect(belowInputBox(limited)).toMatch(/Usage limit reached · limit resets 8:58pm/);
    const first = tracker.observe(at('2026-12-01T20:56:40Z'), [{ hook_event_name: 'StopFailure', error: 'rate_limit',
      last_assistant_message: "You've hit your 5-hour limit · resets 8:58pm (UTC)" }], limited);
    expect(first).toMatchObject({ started: true, continueNow: false });
    expect(first.limit?.resetsAt).toEqual(at('2026-12-01T20:58:00Z'));
    expect(tracker.observe(at('2026-12-01T20:58:30Z'), [], limited)).toMatchObject({ started: false, continueNow: false });
    expect(tracker.observe(at('2026-12-01T20:59:01Z'), [], limited)).toMatchObject({ continueNow: true });
    // Typed once: after that the session is watched as any other.
    const after = tracker.observe(at('2026-12-01T20:59:02Z'), [], 'working');
    expect(after.limit).toBeUndefined();
    expect(after.continueNow).toBe(false);
    // The notice still on screen is the limit already handled: no second "continue".
    expect(tracker.observe(at('2026-12-01T20:59:03Z'), [], limited)).toMatchObject({ started: false, continueNow: false });
    // Refused again (a new StopFailure): typed at again, but not before two minutes passed.
    const again = [{ hook_event_name: 'StopFailure', error: 'rate_limit',
      last_assistant_message: "You've hit your 5-hour limit · resets 8:58pm (UTC)" }];
    expect(tracker.observe(at('2026-12-01T20:59:30Z'), again, limited)).toMatchObject({ started: true, continueNow: false });
    expect(tracker.observe(at('2026-12-01T21:01:02Z'), [], limited)).toMatchObject({ continueNow: true });
  });

  test('the limit ends when the agent works again after the reset', () => {
    const tracker = createLimitTracker({ zone: 'UTC' });
    tracker.observe(at('2026-12-01T20:56:40Z'), [{ hook_event_name: 'StopFailure', error: 'rate_limit',
      last_assistant_message: "You've hit your 5-hour limit · resets 8:58pm (UTC)" }], '');
    expect(tracker.observe(at('2026-12-01T20:58:30Z'), [{ hook_event_name: 'PreToolUse' }], '').limit).toBeUndefined();
  });
});

describe('status lines', () => {
  const sub = { key: 's', number: 12, title: 'Widget', priority: 'normal' as const, dependsOn: [], phase: 'agent' as const,
    updatedAt: '2026-12-01T15:00:00Z' };
  const now = at('2026-12-01T15:20:00Z');

  test('"waiting for usage limit until 15:45" and "stalled for 12 min" on the subissue line', () => {
    expect(waitNote({ ...sub, wait: { usageLimitUntil: '2026-12-01T15:45:00Z' } }, now, 'UTC'))
      .toBe(' — waiting for usage limit until 15:45');
    expect(waitNote({ ...sub, wait: { stalledSince: '2026-12-01T15:08:00Z' } }, now, 'UTC')).toBe(' — stalled for 12 min');
    expect(waitNote({ ...sub, phase: 'pushing', wait: { stalledSince: '2026-12-01T15:08:00Z' } }, now, 'UTC')).toBe('');
    const parent = { repo: { owner: 'o', repo: 'r' }, number: 1, title: 'P', phase: 'running' as const, paused: false,
      subissues: [{ ...sub, wait: { stalledSince: '2026-12-01T15:08:00Z' } }] };
    expect(renderStatus([parent], now)).toContain('#12 agent    normal   Widget — stalled for 12 min');
  });
});
