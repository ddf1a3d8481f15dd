// ccp's edits of ~/.claude.json wait for Claude Code's own lock (proper-lockfile's `<file>.lock` directory).
import { mkdtemp, mkdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withClaudeConfigLock } from '../../src/agents/claude-code/config-lock.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'ccp-lock-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

test('waits while Claude Code holds the lock, holds it itself, and releases it', async () => {
  const file = path.join(dir, '.claude.json');
  await mkdir(`${file}.lock`); // a running Claude Code's lock
  let ran = false;
  const edit = withClaudeConfigLock(file, async () => {
    ran = true;
    expect((await stat(`${file}.lock`)).isDirectory()).toBe(true);
    return 'done';
  });
  await sleep(300);
  expect(ran).toBe(false);
  await rm(`${file}.lock`, { recursive: true });
  await expect(edit).resolves.toBe('done');
  expect(ran).toBe(true);
  await expect(stat(`${file}.lock`)).rejects.toThrow(/ENOENT/);
});

test('a lock untouched for over 10 s (its holder died) is taken over', async () => {
  const file = path.join(dir, 'home', '.claude.json');
  await mkdir(`${file}.lock`, { recursive: true });
  const old = new Date(Date.now() - 20_000);
  await utimes(`${file}.lock`, old, old);
  await expect(withClaudeConfigLock(file, async () => 'took over')).resolves.toBe('took over');
});

test('edits in one process are serialised by the lock', async () => {
  const file = path.join(dir, '.claude.json');
  let inside = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 5 }, () => withClaudeConfigLock(file, async () => {
    most = Math.max(most, ++inside);
    await sleep(30);
    inside--;
  })));
  expect(most).toBe(1);
});
