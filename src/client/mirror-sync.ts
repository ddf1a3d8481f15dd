// Rebuilds the pueue mirror from Temporal, the source of truth: every subissue of the parents' latest runs gets
// exactly one task in the state its phase says (looked up before added, so running it again changes nothing).
// `ccp queue sync` runs it, and so does the worker when it starts.
import type { Client } from '@temporalio/client';
import type { PueueAdapter } from '../adapters/pueue.js';
import { oneLineReason } from '../core/reasons.js';
import { subissueLabel } from '../shared/ids.js';
import type { SubissueStatus } from '../shared/messages.js';
import { fetchParentStatuses } from './statuses.js';

export interface MirrorSyncResult {
  /** Subissues whose task was missing and was added (or was moved to the state Temporal knows). */
  synced: string[];
  /** Subissues left alone (already right), counted. */
  unchanged: number;
  /** Subissues the mirror could not be brought in line with, with why. */
  failed: Array<{ label: string; error: string }>;
}

const RUNNING: readonly SubissueStatus['phase'][] = ['agent', 'pushing'];
const DONE: readonly SubissueStatus['phase'][] = ['pr-open', 'merged'];
const ENDED: readonly SubissueStatus['phase'][] = ['failed', 'blocked', 'stopped'];

export interface MirrorSyncOptions {
  group: string;
  cwd: string;
  /** Finished tasks are removed this long after they ended, and subissues that ended before are not added back. */
  retentionHours: number;
}

export async function syncMirror(client: Client, pueue: PueueAdapter, options: MirrorSyncOptions)
  : Promise<MirrorSyncResult> {
  await pueue.ensureDaemon();
  await pueue.ensureGroup(options.group, 0);
  const horizon = retentionHorizon(options.retentionHours);
  await pueue.removeFinishedBefore(horizon);
  const result: MirrorSyncResult = { synced: [], unchanged: 0, failed: [] };
  for (const parent of await fetchParentStatuses(client, 500)) {
    for (const sub of parent.subissues) {
      const label = subissueLabel(sub.number);
      if (endedBefore(sub, horizon)) continue;
      try {
        const before = await pueue.findByLabel(label);
        await mirrorPhase(pueue, label, sub, options);
        const after = await pueue.findByLabel(label);
        if (before?.state === after?.state && before?.id === after?.id) result.unchanged++;
        else result.synced.push(label);
      } catch (err) {
        result.failed.push({ label, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return result;
}

export const retentionHorizon = (hours: number, now = Date.now()): Date => new Date(now - hours * 3_600_000);

/** Its task would be finished and past the retention: cleaned, so not added back. */
const endedBefore = (sub: SubissueStatus, horizon: Date): boolean =>
  (DONE.includes(sub.phase) || ENDED.includes(sub.phase)) && Date.parse(sub.updatedAt) < horizon.getTime();

async function mirrorPhase(pueue: PueueAdapter, label: string, sub: SubissueStatus, options: MirrorSyncOptions) {
  if (sub.phase === 'waiting' && !sub.workflowId) return; // not started yet: no task until its child runs
  await pueue.mirrorCreate({ label, group: options.group, cwd: options.cwd, title: sub.title });
  if (RUNNING.includes(sub.phase)) await pueue.mirrorStart(label);
  else if (DONE.includes(sub.phase)) await pueue.mirrorFinish(label, 0, `PR #${sub.pr?.number ?? '?'} ${sub.phase === 'merged' ? 'merged' : 'open'}`);
  else if (ENDED.includes(sub.phase)) {
    await pueue.mirrorFinish(label, sub.phase === 'stopped' ? 130 : 1, oneLineReason(sub.error ?? sub.phase));
  }
}
