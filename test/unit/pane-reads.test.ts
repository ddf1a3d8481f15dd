// The watchers' cheaper looks: one pane list shared by the sessions that ask at once, a screen captured again only
// when its pane wrote something (or the last capture is old).
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PaneInfo, TmuxAdapter } from '../../src/adapters/tmux.js';
import { pauseUntilChanged, screenReader, sharedPaneList } from '../../src/agents/claude-code/pane-reads.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ccp-pane-reads-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Only listPanes is used; each call answers with a list naming its own number. */
function countingTmux(fail = false) {
  let calls = 0;
  const tmux = {
    listPanes: async () => {
      calls++;
      if (fail) throw new Error('no server');
      return [{ id: `%${calls}` } as PaneInfo];
    },
  } as unknown as TmuxAdapter;
  return { tmux, calls: () => calls };
}

test('watchers asking at once share one pane list; a later look lists again', async () => {
  const { tmux, calls } = countingTmux();
  const [a, b, c] = await Promise.all([sharedPaneList(tmux, 's'), sharedPaneList(tmux, 's'), sharedPaneList(tmux, 's')]);
  expect(calls()).toBe(1);
  expect(a).toBe(b);
  expect(b).toBe(c);
  await sharedPaneList(tmux, 'other');
  expect(calls()).toBe(2);
  await sleep(200);
  expect((await sharedPaneList(tmux, 's'))[0].id).toBe('%3');
});

test('a failed pane list is not kept for the next look', async () => {
  const { tmux, calls } = countingTmux(true);
  await expect(sharedPaneList(tmux, 's')).rejects.toThrow('no server');
  await expect(sharedPaneList(tmux, 's')).rejects.toThrow('no server');
  expect(calls()).toBe(2);
});

test('the screen is captured again only after the pane log grew, or once the capture is old', async () => {
  const log = path.join(dir, 'pane.log');
  writeFileSync(log, 'first');
  let captures = 0;
  const read = screenReader(async () => `screen ${++captures}`, log, 300);
  expect(await read()).toBe('screen 1');
  expect(await read()).toBe('screen 1');
  appendFileSync(log, ' more');
  expect(await read()).toBe('screen 2');
  expect(await read()).toBe('screen 2');
  await sleep(350);
  expect(await read()).toBe('screen 3');
});

test('without a pane log every look captures', async () => {
  let captures = 0;
  const read = screenReader(async () => `screen ${++captures}`, path.join(dir, 'missing.log'));
  await read();
  await read();
  expect(captures).toBe(2);
});

test("a watcher's pause ends when its exit file or events change, not when other sessions' files do", async () => {
  const exit = path.join(dir, 'subissue-1.exit');
  const events = path.join(dir, 'subissue-1.events.jsonl');
  const pauses = pauseUntilChanged([exit, events]);
  try {
    // Another session's file: the pause runs its full length.
    const started = Date.now();
    setTimeout(() => writeFileSync(path.join(dir, 'subissue-2.exit'), '0\n'), 50);
    await pauses.pause(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // Its own exit file, written as the wrapper does (a rename into place), ends a pause of a minute.
    const ended = pauses.pause(60_000).then(() => 'woken');
    setTimeout(() => {
      writeFileSync(`${exit}.tmp`, '0\n');
      renameSync(`${exit}.tmp`, exit);
    }, 50);
    await expect(Promise.race([ended, sleep(20_000, 'slept', { ref: false })])).resolves.toBe('woken');
    // A change while it was not pausing ends the next pause at once; the events file counts too.
    appendFileSync(events, '{}\n');
    await sleep(200);
    await expect(Promise.race([pauses.pause(60_000).then(() => 'woken'), sleep(20_000, 'slept', { ref: false })])).resolves.toBe('woken');
  } finally {
    pauses.close();
  }
});
