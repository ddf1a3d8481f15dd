// The health check's clock on a fake clock, and what of a screen counts as progress.
import { createStallClock } from '../../src/core/stall.js';
import { screenProgress, stalledReason } from '../../src/agents/claude-code/health.js';

const MIN = 60_000;

describe('stall clock', () => {
  const seen = (other: string, actions = 0) => ({ actions, other });

  test('silent for the stall time: nudged once; quiet as long again: stalled, for the whole silence', () => {
    const clock = createStallClock({ stallMs: 10 * MIN }, 0);
    expect(clock.observe(0, seen('a'), false).action).toBe('none');
    expect(clock.observe(9 * MIN, seen('a'), false).action).toBe('none');
    expect(clock.observe(10 * MIN, seen('a'), false)).toMatchObject({ action: 'nudge', idleMs: 10 * MIN });
    expect(clock.observe(15 * MIN, seen('a'), false).action).toBe('none');
    expect(clock.observe(20 * MIN, seen('a'), false)).toMatchObject({ action: 'stall', idleMs: 20 * MIN });
  });

  test("the nudge's own echo on screen delays the end but does not take the session off notice", () => {
    const clock = createStallClock({ stallMs: 10 * MIN }, 0);
    clock.observe(0, seen('a'), false);
    expect(clock.observe(10 * MIN, seen('a'), false).action).toBe('nudge');
    expect(clock.observe(10 * MIN + 30_000, seen('a + typed nudge'), false)).toMatchObject({ action: 'none', onNotice: true });
    expect(clock.observe(20 * MIN, seen('a + typed nudge'), false).action).toBe('none');
    expect(clock.observe(20 * MIN + 30_000, seen('a + typed nudge'), false)).toMatchObject({ action: 'stall', idleMs: 20 * MIN + 30_000 });
    expect(clock.silentSince).toBe(0);
  });

  test('an action after the nudge (a hook event) ends the notice; a later silence gets a new nudge', () => {
    const clock = createStallClock({ stallMs: 10 * MIN }, 0);
    clock.observe(0, seen('a'), false);
    expect(clock.observe(10 * MIN, seen('a'), false).action).toBe('nudge');
    expect(clock.observe(11 * MIN, seen('b', 1), false)).toMatchObject({ action: 'none', idleMs: 0, onNotice: false });
    expect(clock.observe(20 * MIN, seen('b', 1), false).action).toBe('none');
    expect(clock.observe(21 * MIN, seen('b', 1), false).action).toBe('nudge');
  });

  test('waiting for a person or a usage limit is not idleness', () => {
    const clock = createStallClock({ stallMs: 10 * MIN }, 0);
    clock.observe(0, seen('a'), false);
    expect(clock.observe(30 * MIN, seen('a'), true).action).toBe('none');
    expect(clock.observe(39 * MIN, seen('a'), false).action).toBe('none');
    expect(clock.observe(40 * MIN, seen('a'), false).action).toBe('nudge');
    expect(clock.silentSince).toBe(30 * MIN);
  });

  test('the reason', () => {
    expect(stalledReason(12 * MIN + 10_000)).toBe('stalled for 12 min');
    expect(stalledReason(8_000)).toBe('stalled for 8 s');
  });
});

describe('screen progress', () => {
  const screen = (spinner: string, footer: string) => [
    '❯ ccp:work-on-subissue #7 Work on subissue #7', '', spinner, '─'.repeat(40), '❯ ', '─'.repeat(40), footer].join('\n');

  test('the spinner, its timer and the notices under the input box are no progress', () => {
    expect(screenProgress(screen('✶ Polishing… (3s · ↓ 12 tokens)', '  ⏸ manual mode on · esc to interrupt')))
      .toBe(screenProgress(screen('* Bootstrapping… (48s · ↓ 300 tokens)', '  ⏸ manual mode on · ? for shortcuts')));
  });

  test('new conversation lines are', () => {
    expect(screenProgress(screen('● Bash(npm test)', ''))).not.toBe(screenProgress(screen('● Write(notes.md)', '')));
  });
});
