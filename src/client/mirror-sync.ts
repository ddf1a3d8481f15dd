// `ccp queue sync`: rebuilds the pueue mirror from Temporal, the source of truth — one pass of what the worker's
// mirror reconciler does every second, over every parent (finished ones too): each subissue gets exactly one task
// in the state its status says (looked up before added, so running it again changes nothing).
import type { Client } from '@temporalio/client';
import type { PueueAdapter } from '../adapters/pueue.js';
import type { ParentStatus } from '../shared/messages.js';
import type { DispatchState } from '../shared/dispatch.js';
import { dispatchView } from './dispatch.js';
import { reconcileMirror, type ReconcileResult } from './mirror-apply.js';
import { fetchParentStatuses } from './statuses.js';

export interface MirrorSyncResult {
  /** Subissues whose task was missing and was added, or was moved to the state Temporal knows. */
  synced: string[];
  /** Subissues left alone (already right), counted. */
  unchanged: number;
  /** Subissues the mirror could not be brought in line with, with why. */
  failed: Array<{ label: string; error: string }>;
}

export interface MirrorSyncOptions {
  /** The shared task queue: its dispatcher says which groups are paused. */
  taskQueue: string;
  /** Where tasks run (their `pueue status` path): the repository. */
  cwd: string;
  /** Finished tasks are removed this long after they ended, and subissues that ended before are not added back. */
  retentionHours: number;
}

export const retentionHorizon = (hours: number, now = Date.now()): Date => new Date(now - hours * 3_600_000);

/** The dispatcher's pauses, or undefined when it cannot be asked (the caller keeps what it knew). */
export async function dispatchPauses(client: Client, taskQueue: string): Promise<DispatchState['paused'] | undefined> {
  return (await dispatchView(client, taskQueue).catch(() => undefined))?.paused;
}

export async function syncMirror(client: Client, pueue: PueueAdapter, options: MirrorSyncOptions): Promise<MirrorSyncResult> {
  await pueue.ensureDaemon();
  const horizon = retentionHorizon(options.retentionHours);
  await pueue.removeFinishedBefore(horizon);
  const parents: ParentStatus[] = await fetchParentStatuses(client, 500);
  const result: ReconcileResult = await reconcileMirror(pueue, {
    parents, paused: await dispatchPauses(client, options.taskQueue), now: new Date(), horizon, cwd: options.cwd,
  });
  return { synced: result.changed, unchanged: result.unchanged, failed: result.failed };
}
