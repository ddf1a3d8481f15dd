// Drives parent workflows in tests: start, act as reviewer until they close, read back the truth.
import { execa } from 'execa';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startParents } from '../../src/client/parents.js';
import { mergeOpenPullRequests } from '../../src/offline/reviewer.js';
import { parentStatusQuery, type ParentStatus } from '../../src/shared/messages.js';
import type { RunSettings } from '../../src/shared/types.js';
import type { Harness } from './harness.js';

export async function seedAndStart(h: Harness, issue: { title: string; body: string }, settings: Partial<RunSettings> = {}) {
  const seeded = h.offline.github.seedIssue(h.repo.owner, h.repo.repo, issue);
  const [result] = await startParents(h.env.client, h.config.taskQueue, h.repo, [seeded.number], { ...h.settings, ...settings });
  return { issueNumber: seeded.number, workflowId: result.workflowId, result };
}

/** Merges PRs as they open until the workflow closes; returns its final status and how it ended. */
export async function driveToEnd(h: Harness, workflowId: string, timeoutMs = 180_000) {
  const handle = h.env.client.workflow.getHandle(workflowId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await handle.query(parentStatusQuery);
    await mergeOpenPullRequests(h.github, h.repo, [status]);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      const finalStatus: ParentStatus = await handle.query(parentStatusQuery);
      return { status: finalStatus, workflowStatus: description.status.name };
    }
    if (Date.now() > deadline) throw new Error(`workflow ${workflowId} still running after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await sleep(500);
  }
}

/** All text files under `dir` (recursively), for secret scans. */
export function readAllFiles(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && st.size < 5_000_000) parts.push(readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return parts.join('\n');
}

/** git run in the bare "origin" (GitHub's copy, where merges land). */
export async function originGit(h: Harness, ...args: string[]): Promise<string> {
  const { stdout } = await execa('git', ['--git-dir', h.offline.repo.originPath, ...args]);
  return stdout;
}

/** The pueue mirror task of `label` once it is finished (the reconciler brings it there within a tick or two; its
 * command notices the result within a poll). pueued not answering (gone, coming back) counts as not yet. */
export async function settledMirror(h: Harness, label: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await h.deps.pueue.findByLabel(label).catch(() => undefined);
    if ((task && !['Running', 'Stashed', 'Queued', 'Paused'].includes(task.state)) || Date.now() > deadline) return task;
    await sleep(200);
  }
}
