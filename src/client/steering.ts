// Steering one subissue (priority, delay, retry, pause, stop, requeue) or a parent's start time: finds where it
// lives — waiting in its parent, or running as its own workflow — and tells the parent and the dispatcher.
import type { Client } from '@temporalio/client';
import { fetchParentStatuses } from './statuses.js';
import { changeDispatch } from './dispatch.js';
import { NotFoundError, RefusedError } from './errors.js';
import { parentHandle } from './parents.js';
import {
  retrySubissueSignal,
  setParentDelaySignal,
  setSubissuePrioritySignal,
  type ParentStatus,
  type SubissueStatus,
} from '../shared/messages.js';
import type { DispatchView } from '../shared/dispatch.js';
import type { Priority, RepoRef } from '../shared/types.js';

export interface FoundSubissue {
  parent: ParentStatus;
  sub: SubissueStatus;
  /** "owner/name#301": the dispatcher's key. */
  key: string;
}

const repoText = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`;
const sameRepo = (a: RepoRef, b: RepoRef): boolean => a.owner === b.owner && a.repo === b.repo;

/** The subissue in the latest run of its parent; NotFoundError when no parent has it, RefusedError when two
 * repositories do and `repo` does not say which. */
export async function findSubissue(client: Client, number: number, repo?: RepoRef): Promise<FoundSubissue> {
  const parents = await fetchParentStatuses(client, 500, false, (s) => !repo || sameRepo(s.repo, repo));
  const found = parents.flatMap((parent) => parent.subissues.filter((s) => s.number === number).map((sub) => ({ parent, sub })));
  if (found.length === 0) {
    throw new NotFoundError(`no ccp parent has a subissue #${number}: \`ccp queue show\` lists them`, 'subissue', number);
  }
  const repos = new Set(found.map((f) => repoText(f.parent.repo)));
  if (repos.size > 1) throw new RefusedError(`#${number} is a subissue in ${[...repos].join(' and ')}: say which with --repo`);
  // Several runs of one parent: its newest status is first among equals (fetchParentStatuses keeps the latest).
  const { parent, sub } = found[0];
  return { parent, sub, key: `${repoText(parent.repo)}#${number}` };
}

async function signalParentOf(client: Client, found: FoundSubissue, send: (h: Awaited<ReturnType<typeof parentHandle>>) => Promise<void>)
  : Promise<void> {
  const handle = await parentHandle(client, found.parent.repo, found.parent.number);
  // A parent that ended keeps its last status; only a running one can change.
  await send(handle).catch(() => undefined);
}

export async function setSubissuePriority(client: Client, taskQueue: string, number: number, priority: Priority, repo?: RepoRef)
  : Promise<FoundSubissue> {
  const found = await findSubissue(client, number, repo);
  await signalParentOf(client, found, (h) => h.signal(setSubissuePrioritySignal, { number, priority }));
  await changeDispatch(client, taskQueue, { kind: 'set-priority', subissue: found.key, priority });
  return found;
}

/** Delays a subissue's agent (or, for a parent issue, the parent's start) until `until`; null starts it now. */
export async function delayIssue(client: Client, taskQueue: string, number: number, until: Date | null, repo?: RepoRef)
  : Promise<{ kind: 'parent' | 'subissue'; found?: FoundSubissue }> {
  const notBefore = until ? until.toISOString() : null;
  const parents = await fetchParentStatuses(client, 500, false, (s) => s.number === number && (!repo || sameRepo(s.repo, repo)));
  const scheduled = parents.find((p) => p.phase === 'scheduled');
  if (scheduled) {
    const handle = await parentHandle(client, scheduled.repo, number);
    await handle.signal(setParentDelaySignal, { notBefore });
    return { kind: 'parent' };
  }
  if (parents.length > 0) throw new RefusedError(`parent #${number} has begun already: delay its subissues instead (ccp queue delay <subissue> …)`);
  const found = await findSubissue(client, number, repo);
  await changeDispatch(client, taskQueue, { kind: 'set-delay', subissue: found.key, notBefore });
  return { kind: 'subissue', found };
}

/** Runs a subissue that failed for good (or was stopped, or blocked) again. A parent that ended is started again,
 * which retries all of its unfinished subissues (merged ones stay done). */
export async function retrySubissue(client: Client, number: number, restartParent: (parent: ParentStatus) => Promise<void>,
  repo?: RepoRef, known?: FoundSubissue): Promise<{ found: FoundSubissue; how: 'signal' | 'restart' }> {
  const found = known ?? await findSubissue(client, number, repo);
  if (!['failed', 'stopped', 'blocked'].includes(found.sub.phase)) {
    throw new RefusedError(`#${number} is ${found.sub.phase}, not failed: only failed, stopped or blocked subissues are retried`);
  }
  if (['running'].includes(found.parent.phase)) {
    await signalParentOf(client, found, (h) => h.signal(retrySubissueSignal, { number }));
    return { found, how: 'signal' };
  }
  await restartParent(found.parent);
  return { found, how: 'restart' };
}

/** Every subissue that failed for good, in every parent: the retry queue. */
export async function failedSubissues(client: Client, repo?: RepoRef): Promise<FoundSubissue[]> {
  const parents = await fetchParentStatuses(client, 500, false, (s) => !repo || sameRepo(s.repo, repo));
  return parents.flatMap((parent) => parent.subissues.filter((s) => s.phase === 'failed')
    .map((sub) => ({ parent, sub, key: `${repoText(parent.repo)}#${sub.number}` })));
}

/** Pauses or resumes one subissue: the parent does not start it, the dispatcher does not give it a slot. */
export async function steerSubissuePause(client: Client, taskQueue: string, number: number, pause: boolean,
  options: { now?: boolean; repo?: RepoRef } = {}): Promise<DispatchView> {
  const found = await findSubissue(client, number, options.repo);
  const scope = { kind: 'subissue' as const, key: found.key };
  return changeDispatch(client, taskQueue, pause ? { kind: 'pause', scope, now: options.now } : { kind: 'resume', scope });
}
