// What the pueue mirror costs, against a real pueued: lookups share one status read however many tasks pueue
// holds (counted through a wrapper around the real client), and finished tasks go after the retention.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { createPueueAdapter, type PueueAdapter } from '../../src/adapters/pueue.js';
import { toolPath } from '../../src/config/tools.js';
import { scrubEnv } from '../../src/core/env-scrub.js';
import { reconcileMirror } from '../../src/client/mirror-apply.js';
import { parentStatus, subStatus } from '../helpers/pueue-bed.js';

const GROUP = 'ccp';
let dir: string;
let callLog: string;
let pueue: PueueAdapter;

const pueueCli = async (...args: string[]): Promise<string> =>
  String((await execa(toolPath('pueue'), ['-c', pueue.configPath, ...args], { env: scrubEnv(process.env), extendEnv: false })).stdout);

/** pueue client calls the adapter made since the last look. */
function takeCalls(): string[] {
  const calls = existsSync(callLog) ? readFileSync(callLog, 'utf8').split('\n').filter(Boolean) : [];
  rmSync(callLog, { force: true });
  return calls;
}

async function addStashed(from: number, to: number): Promise<void> {
  const numbers = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  // A few at a time: pueued takes them one by one anyway.
  for (let i = 0; i < numbers.length; i += 25) {
    await Promise.all(numbers.slice(i, i + 25).map((n) =>
      pueueCli('add', '-s', '-g', GROUP, '-l', `subissue-${n}`, '--', `true # task ${n}`)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function lookUpEvery(count: number): Promise<{ calls: string[]; found: number }> {
  await sleep(600); // past the moment an earlier read answers for
  takeCalls();
  const labels = Array.from({ length: count }, (_, i) => `subissue-${i + 1}`);
  // Callers at once (activities, the CLI) and one after another (a reconciler's tick) alike.
  const together = await Promise.all(labels.map((label) => pueue.findByLabel(label)));
  let found = together.filter(Boolean).length;
  for (const label of labels) if (await pueue.findByLabel(label)) found++;
  return { calls: takeCalls(), found };
}

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-pc-');
  callLog = path.join(dir, 'calls.log');
  const counting = path.join(dir, 'pueue-counting');
  writeFileSync(counting, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${callLog}'\nexec '${toolPath('pueue')}' "$@"\n`);
  chmodSync(counting, 0o755);
  pueue = createPueueAdapter({ dir, pueueBinary: counting, pueuedBinary: toolPath('pueued') });
  await pueue.ensureDaemon();
  await pueue.ensureGroup(GROUP, 0);
});

afterAll(async () => {
  await pueue?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a lookup costs no more pueue calls at 500 tasks than at 10: one status read serves them all', async () => {
  await addStashed(1, 10);
  const small = await lookUpEvery(10);
  expect(small.found).toBe(20);
  expect(small.calls).toEqual(['-c ' + pueue.configPath + ' status --json']);

  await addStashed(11, 500);
  expect((await pueue.status()).length).toBe(500);
  const large = await lookUpEvery(500);
  expect(large.found).toBe(1000);
  expect(large.calls).toHaveLength(small.calls.length);

  // A reconciler pass over all 500 subissues, in line already, is that one read too.
  const waiting = [parentStatus(1, Array.from({ length: 500 }, (_, i) => subStatus(i + 1, 'waiting')))];
  const pass = () => reconcileMirror(pueue, { parents: waiting, now: new Date(), cwd: dir });
  expect((await pass()).changed).toEqual([]);
  takeCalls();
  expect(await pass()).toEqual({ changed: [], unchanged: 500, failed: [] });
  expect(takeCalls()).toEqual(['-c ' + pueue.configPath + ' status --json']);

  // A change made outside the adapter shows once the shared read is older than its moment.
  const task = await pueue.findByLabel('subissue-7');
  await pueueCli('remove', String(task!.id));
  await sleep(600);
  takeCalls();
  expect(await pueue.findByLabel('subissue-7')).toBeUndefined();
  expect(takeCalls()).toHaveLength(1);
}, 120_000);

test('finished tasks are removed after the retention, with their mirror files; newer and unfinished ones stay', async () => {
  const before = (await pueue.status()).length;
  await pueueCli('add', '-g', GROUP, '-l', 'old-done', '--', 'true');
  await pueueCli('add', '-g', GROUP, '-l', 'old-failed', '--', 'exit 3');
  // A finished task a stashed one runs after: pueue keeps it until its dependent goes too.
  const needed = Number(await pueueCli('add', '-p', '-g', GROUP, '-l', 'needed-dependency', '--', 'true'));
  await pueueCli('add', '-s', '-g', GROUP, '-a', String(needed), '-l', 'dependent', '--', 'true');
  for (let i = 0; i < 100; i++) {
    const states = (await pueue.status()).filter((t) => ['old-done', 'old-failed', 'needed-dependency'].includes(t.label ?? ''));
    if (states.length === 3 && states.every((t) => t.endedAt)) break;
    await sleep(100);
  }
  for (const label of ['old-done', 'old-failed']) writeFileSync(path.join(dir, 'mirror', `${label}.log`), 'events\n');

  expect(await pueue.removeFinishedBefore(new Date(Date.now() - 3_600_000))).toEqual([]);
  const removed = await pueue.removeFinishedBefore(new Date(Date.now() + 1000));
  expect(removed.map((t) => t.label).sort()).toEqual(['old-done', 'old-failed']);
  expect(removed.find((t) => t.label === 'old-failed')).toMatchObject({ state: 'Failed', exitCode: 3 });
  for (const label of ['old-done', 'old-failed']) expect(existsSync(path.join(dir, 'mirror', `${label}.log`))).toBe(false);
  const left = await pueue.status();
  expect(left.length).toBe(before + 2);
  expect(left.map((t) => t.label)).toEqual(expect.arrayContaining(['needed-dependency', 'dependent']));
}, 60_000);
