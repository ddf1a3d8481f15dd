// The in-flight ledger: every activity this host's worker runs is written down while it runs. A worker killed with -9
// leaves its entries behind; the next worker fails those attempts at once (retryably), so Temporal retries them now
// instead of after their heartbeat timeout (30 s). Agent sessions re-attach on the retry; other steps are idempotent.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive as isPidAlive } from '../stack/processes.js';

export const WORKER_LOST = 'WorkerLost';

export interface InflightEntry {
  workflowId: string;
  runId: string;
  activityId: string;
  activityType: string;
  attempt: number;
  pid: number;
}

const entryFile = (dir: string, info: Pick<InflightEntry, 'workflowId' | 'runId' | 'activityId'>): string =>
  path.join(dir, `${createHash('sha256').update(`${info.workflowId}\0${info.runId}\0${info.activityId}`).digest('hex').slice(0, 24)}.json`);

/** The activity interceptor that keeps the ledger in `dir`. */
export function inflightLedger(dir: string): ActivityInterceptorsFactory {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return () => ({
    inbound: {
      async execute(input, next) {
        const info = Context.current().info;
        if (!info.workflowExecution) return next(input); // a standalone activity: no workflow to retry it
        const entry: InflightEntry = { workflowId: info.workflowExecution.workflowId, runId: info.workflowExecution.runId,
          activityId: info.activityId, activityType: info.activityType, attempt: info.attempt, pid: process.pid };
        const file = entryFile(dir, entry);
        writeFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
        try {
          return await next(input);
        } finally {
          rmSync(file, { force: true });
        }
      },
    },
  });
}

/** The ledger's entries with their files, and the files that do not parse (a write torn by a kill, or one under way). */
export function readInflightEntries(dir: string): { entries: Array<{ file: string; entry: InflightEntry }>; unreadable: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return { entries: [], unreadable: [] };
  }
  const read = { entries: [] as Array<{ file: string; entry: InflightEntry }>, unreadable: [] as string[] };
  for (const file of names.map((name) => path.join(dir, name))) {
    try {
      read.entries.push({ file, entry: JSON.parse(readFileSync(file, 'utf8')) as InflightEntry });
    } catch {
      read.unreadable.push(file);
    }
  }
  return read;
}

/** What Temporal says of an activity now: its current attempt, when it is running. */
export type StartedAttempt = (entry: Pick<InflightEntry, 'workflowId' | 'runId' | 'activityId'>) => Promise<number | undefined>;

/**
 * Fails the attempts a dead worker of this host left running (entries whose pid is gone), so their retries start now.
 * Only the very attempt the dead worker had: one already timed out and retried elsewhere is left alone.
 */
export async function releaseLostActivities(dir: string, client: Client,
  startedAttempt: StartedAttempt = (entry) => runningAttempt(client, entry),
  isAlive: (pid: number) => boolean = isPidAlive): Promise<InflightEntry[]> {
  const { entries, unreadable } = readInflightEntries(dir);
  for (const file of unreadable) rmSync(file, { force: true });
  const released: InflightEntry[] = [];
  for (const { file, entry } of entries) {
    if (entry.pid === process.pid || isAlive(entry.pid)) continue;
    try {
      if ((await startedAttempt(entry)) === entry.attempt) {
        await client.activity.fail({ workflowId: entry.workflowId, runId: entry.runId, activityId: entry.activityId },
          ApplicationFailure.retryable(`the ccp worker running ${entry.activityType} (pid ${entry.pid}) died`, WORKER_LOST));
        released.push(entry);
      }
    } catch {
      // Gone meanwhile (completed, timed out, workflow ended): the heartbeat timeout covers whatever is left.
    }
    rmSync(file, { force: true });
  }
  return released;
}

async function runningAttempt(client: Client, entry: Pick<InflightEntry, 'workflowId' | 'runId' | 'activityId'>)
  : Promise<number | undefined> {
  const described = await client.workflow.getHandle(entry.workflowId, entry.runId).describe();
  const pending = described.raw.pendingActivities?.find((a) => a.activityId === entry.activityId);
  // PENDING_ACTIVITY_STATE_STARTED: an attempt is out with a worker (the dead one, or a new one already).
  return pending && Number(pending.state) === 2 ? Number(pending.attempt) : undefined;
}
