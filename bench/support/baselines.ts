// The two yardsticks ccp is compared with, doing the same work per subissue (workload.ts): pueue alone (one task per
// subissue, `parallel` = workers), and the seed's bash worker loop (worker-pool-design.md: W loops, each taking the
// next pending line of queue.txt, doing it, then `sleep 5`). Each gets a fresh scratch repo and GitHub stand-in.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../../src/core/shell.js';
import { startOfflineServices, OFFLINE_OWNER, OFFLINE_REPO } from '../../src/offline/services.js';
import { startPueueBed } from '../../test/helpers/pueue-bed.js';
import { writeTaskScript, type Workspace } from './workload.js';

export interface BaselineResult {
  seconds: number;
  /** PRs the stand-in holds at the end (must be n). */
  prs: number;
  errors: string[];
}

/** A scratch repo with its stand-in, and the task script that works on it. */
async function withWorkspace(prefix: string, run: (script: string, dir: string) => Promise<{ errors: string[]; seconds?: number }>)
  : Promise<BaselineResult> {
  const dir = mkdtempSync(`/tmp/${prefix}`);
  const offline = await startOfflineServices(dir);
  try {
    const ws: Workspace = { clonePath: offline.repo.clonePath, defaultBranch: offline.repo.defaultBranch, githubUrl: offline.github.url,
      githubToken: offline.githubToken, owner: OFFLINE_OWNER, repo: OFFLINE_REPO };
    const script = writeTaskScript(path.join(dir, 'bench'), ws);
    const began = performance.now();
    const ran = await run(script, dir);
    const seconds = ran.seconds ?? (performance.now() - began) / 1000;
    const pulls = await fetch(`${offline.github.url}/repos/${OFFLINE_OWNER}/${OFFLINE_REPO}/pulls?state=all&per_page=100`, {
      headers: { authorization: `token ${offline.githubToken}`, accept: 'application/vnd.github+json' } });
    const prs = ((await pulls.json()) as unknown[]).length;
    return { seconds: Math.round(seconds * 100) / 100, prs, errors: ran.errors };
  } finally {
    await offline.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** pueue alone: n tasks added at once to a daemon of its own with `parallel` workers; timed until all ended. */
export async function runPueueAlone(n: number, workers: number): Promise<BaselineResult> {
  const bed = await startPueueBed();
  try {
    return await withWorkspace('ccp-bp-', async (script) => {
      await bed.cli('parallel', String(workers));
      for (let i = 1; i <= n; i++) await bed.cli('add', '--', 'sh', script, String(i));
      await bed.cli('wait');
      type Status = { Done?: { result?: unknown } };
      const tasks = ((JSON.parse(await bed.cli('status', '--json')) as { tasks: Record<string, { status: Status }> }).tasks);
      const failed = Object.entries(tasks).filter(([, t]) => t.status.Done?.result !== 'Success');
      return { errors: await Promise.all(failed.map(async ([id, t]) =>
        `pueue task ${id}: ${JSON.stringify(t.status.Done?.result ?? t.status)}: ${(await bed.output(Number(id))).trim().slice(-300)}`)) };
    });
  } finally {
    await bed.stop();
  }
}

/** The seed's loop: `queue_next` under a lock (flock), the work, then `sleep 5` whether or not there was work. Each
 * finished item appends its time to done.log (the loop itself never ends on its own: the run ends at the last PR). */
function seedLoop(dir: string, script: string): string {
  const q = shellQuote(path.join(dir, 'queue.txt'));
  return [
    '#!/bin/bash',
    `q=${q}`,
    'next() {',
    `  flock "$q.lock" bash -c 'id=$(grep -m1 "|pending|" "$0" | cut -d"|" -f3); [ -n "$id" ] || exit 0
    sed -i "s/^1|0|$id|pending|/1|0|$id|working|/" "$0" && echo "$id"' "$q"`,
    '}',
    'while :; do',
    '  id=$(next)',
    '  if [ -n "$id" ]; then',
    `    if sh ${shellQuote(script)} "$id" >/dev/null 2>>${shellQuote(path.join(dir, 'errors.log'))}; then s=completed; else s=failed; fi`,
    '    flock "$q.lock" sed -i "s/^1|0|$id|working|/1|0|$id|$s|/" "$q"',
    `    date +%s%3N >> ${shellQuote(path.join(dir, 'done.log'))}`,
    `  elif ! grep -q '|pending|' "$q"; then exit 0; fi`,
    '  sleep 5',
    'done',
    '',
  ].join('\n');
}

/** The seed's bash worker loop with its 5 s polling: `workers` loops over a queue file of n items. */
export async function runBashLoop(n: number, workers: number): Promise<BaselineResult> {
  return withWorkspace('ccp-bb-', async (script, dir) => {
    const began = Date.now();
    writeFileSync(path.join(dir, 'queue.txt'), Array.from({ length: n }, (_, i) => `1|0|${i + 1}|pending||\n`).join(''));
    writeFileSync(path.join(dir, 'errors.log'), '');
    writeFileSync(path.join(dir, 'done.log'), '');
    const loop = path.join(dir, 'worker-loop.sh');
    writeFileSync(loop, seedLoop(dir, script));
    await Promise.all(Array.from({ length: workers }, () => execa('bash', [loop])));
    const queue = readFileSync(path.join(dir, 'queue.txt'), 'utf8');
    const failed = queue.split('\n').filter((line) => !line.includes('|completed|') && line !== '');
    const done = readFileSync(path.join(dir, 'done.log'), 'utf8').trim().split('\n').map(Number);
    return { errors: failed.map((line) => `bash loop item not completed: ${line}`), seconds: (Math.max(...done) - began) / 1000 };
  });
}
