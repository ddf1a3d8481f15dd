import { parseWhen, shortTime, WhenError } from '../../src/core/when.js';

const now = new Date(2026, 11, 2, 14, 30, 0); // local time

test('durations add to now', () => {
  expect(parseWhen('2h', now).getTime() - now.getTime()).toBe(2 * 3_600_000);
  expect(parseWhen('1h30m', now).getTime() - now.getTime()).toBe(90 * 60_000);
  expect(parseWhen('1d', now).getTime() - now.getTime()).toBe(86_400_000);
});

test('a clock time is the next one, local', () => {
  expect(parseWhen('16:00', now)).toEqual(new Date(2026, 11, 2, 16, 0, 0));
  expect(parseWhen('09:15', now)).toEqual(new Date(2026, 11, 3, 9, 15, 0));
});

test('ISO times as given; anything else says what to give', () => {
  expect(parseWhen('2026-12-03T09:00:00Z', now).toISOString()).toBe('2026-12-03T09:00:00.000Z');
  for (const bad of ['tomorrow', '25:00', '2 h', '']) expect(() => parseWhen(bad, now)).toThrow(WhenError);
  expect(() => parseWhen('soon', now)).toThrow(/give a duration like 30m, 2h/);
});

test('shortTime: the clock today, the date otherwise', () => {
  expect(shortTime(new Date(2026, 11, 2, 16, 0).toISOString(), now)).toBe('16:00');
  expect(shortTime(new Date(2026, 11, 3, 9, 5).toISOString(), now)).toBe('Dec 3 09:05');
});
