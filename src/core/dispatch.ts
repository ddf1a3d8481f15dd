// Who may start an agent session now, across every parent and host: the rules the dispatcher workflow applies on
// every change (src/workflows/dispatcher.ts). Pure: no I/O, no clock (the caller passes `now`).
import type { DispatchChange, DispatchState, PauseScope, SlotGrant, SlotRequest } from '../shared/dispatch.js';
import type { Priority } from '../shared/types.js';
import { PRIORITY_RANK } from './scheduling.js';

export function emptyDispatchState(): DispatchState {
  return { hosts: {}, groupLimits: {}, paused: { all: false, groups: [], parents: [], subissues: [] }, pausedNow: [],
    priorities: {}, delays: {}, requeueNow: [], queue: [], holders: [] };
}

/** The parent's key of a subissue key: "owner/name#123.301" → "owner/name#123". */
export const parentKeyOf = (request: Pick<SlotRequest, 'repo' | 'parent'>): string => `${request.repo}#${request.parent}`;
export const subissueKeyOf = (request: Pick<SlotRequest, 'repo' | 'subissue'>): string => `${request.repo}#${request.subissue}`;

export function effectivePriority(state: DispatchState, request: SlotRequest): Priority {
  return state.priorities[subissueKeyOf(request)] ?? request.priority;
}

export function effectiveNotBefore(state: DispatchState, request: SlotRequest): string | undefined {
  const key = subissueKeyOf(request);
  return key in state.delays ? state.delays[key] || undefined : request.notBefore;
}

/** The queue in dispatch order: most urgent first, then the earlier request, then the lower number. */
export function dispatchOrder(state: DispatchState): SlotRequest[] {
  return [...state.queue].sort((a, b) => PRIORITY_RANK[effectivePriority(state, a)] - PRIORITY_RANK[effectivePriority(state, b)]
    || a.requestedAt.localeCompare(b.requestedAt) || a.subissue - b.subissue);
}

/** The pause that holds this request or holder back, if any: its scope named as the user would type it. */
export function pausedBy(state: DispatchState, request: SlotRequest): string | undefined {
  const p = state.paused;
  if (p.all) return 'everything is paused (ccp resume)';
  if (request.group && p.groups.includes(request.group)) return `group ${request.group} is paused (ccp resume --group ${request.group})`;
  if (p.parents.includes(parentKeyOf(request))) return `parent #${request.parent} is paused (ccp resume ${request.parent})`;
  if (p.subissues.includes(subissueKeyOf(request))) return `#${request.subissue} is paused (ccp resume --sub ${request.subissue})`;
  return undefined;
}

export interface DispatchDecision {
  grant: SlotRequest[];
  /** Holders to stop now (`--now` pauses, workers removed with `--now`): their work goes back to the queue. */
  revoke: Array<{ holder: SlotGrant; reason: string }>;
  /** The earliest delay still ahead: decide again then. */
  wakeAt?: string;
}

/** Which queued requests get a slot now, and which holders lose theirs. */
export function decideDispatch(state: DispatchState, now: string): DispatchDecision {
  const decision: DispatchDecision = { grant: [], revoke: [] };
  const holders = [...state.holders];
  // Revocations first: they free the slots the grants below may take.
  for (const holder of state.holders) {
    const reason = revocationReason(state, holder, holders);
    if (reason) {
      decision.revoke.push({ holder, reason });
      holders.splice(holders.indexOf(holder), 1);
    }
  }
  for (const request of dispatchOrder(state)) {
    const notBefore = effectiveNotBefore(state, request);
    if (notBefore && notBefore > now) {
      if (!decision.wakeAt || notBefore < decision.wakeAt) decision.wakeAt = notBefore;
      continue;
    }
    if (pausedBy(state, request) || fullBecause(state, request, holders)) continue;
    decision.grant.push(request);
    holders.push({ ...request, grantedAt: now });
  }
  return decision;
}

/** Why the request cannot have a slot now though nothing pauses or delays it: its host or group is full. */
export function fullBecause(state: DispatchState, request: SlotRequest, holders: SlotGrant[] = state.holders): string | undefined {
  const host = state.hosts[request.host];
  if (host) {
    const busy = holders.filter((h) => h.host === request.host).length;
    if (busy >= host.workers) return `all ${host.workers} workers of host ${request.host} are busy`;
  }
  const limit = request.group === undefined ? undefined : state.groupLimits[request.group];
  if (limit !== undefined) {
    const busy = holders.filter((h) => h.group === request.group).length;
    if (busy >= limit) return `group ${request.group} is at its limit (${busy}/${limit})`;
  }
  return undefined;
}

function revocationReason(state: DispatchState, holder: SlotGrant, holders: SlotGrant[]): string | undefined {
  if (state.requeueNow.includes(subissueKeyOf(holder))) return 'put back in the queue by a person';
  const pause = pausedBy(state, holder);
  if (pause && state.pausedNow.some((scope) => scopeHolds(scope, holder))) return `paused now: ${pause}`;
  const host = state.hosts[holder.host];
  if (host?.removeNow) {
    // The newest holders beyond the host's count give their slot back.
    const onHost = holders.filter((h) => h.host === holder.host).sort((a, b) => a.grantedAt.localeCompare(b.grantedAt));
    if (onHost.indexOf(holder) >= host.workers) return `host ${holder.host} has ${host.workers} workers now`;
  }
  return undefined;
}

/** Whether a pause of this scope covers the request. */
export function scopeHolds(scope: PauseScope, request: SlotRequest): boolean {
  switch (scope.kind) {
    case 'all': return true;
    case 'group': return request.group === scope.name;
    case 'parent': return parentKeyOf(request) === scope.key;
    case 'subissue': return subissueKeyOf(request) === scope.key;
  }
}

/** Why a queued request waits, in words for `ccp queue show` and the status ("" when it is next). */
export function waitReason(state: DispatchState, request: SlotRequest, now: string): string {
  const notBefore = effectiveNotBefore(state, request);
  if (notBefore && notBefore > now) return `scheduled for ${notBefore}`;
  return pausedBy(state, request) ?? fullBecause(state, request) ?? 'next when a slot frees';
}

/** Applies a control change (pause, workers, limits, priority, delay) the validator let through. */
export function applyChange(state: DispatchState, change: DispatchChange, now: string): void {
  switch (change.kind) {
    case 'pause': {
      const list = pauseList(state, change.scope);
      if (list && !list.includes(scopeName(change.scope))) list.push(scopeName(change.scope));
      if (change.scope.kind === 'all') state.paused.all = true;
      if (change.now) state.pausedNow = [...state.pausedNow.filter((s) => !sameScope(s, change.scope)), change.scope];
      return;
    }
    case 'resume': {
      const list = pauseList(state, change.scope);
      if (list) list.splice(0, list.length, ...list.filter((name) => name !== scopeName(change.scope)));
      if (change.scope.kind === 'all') state.paused.all = false;
      state.pausedNow = state.pausedNow.filter((s) => !sameScope(s, change.scope) && change.scope.kind !== 'all');
      return;
    }
    case 'set-workers':
      state.hosts[change.host] = { workers: change.workers, updatedAt: now, ...(change.now ? { removeNow: true } : {}) };
      return;
    case 'set-group-limit':
      if (change.limit === null) delete state.groupLimits[change.group];
      else state.groupLimits[change.group] = change.limit;
      return;
    case 'set-priority':
      state.priorities[change.subissue] = change.priority;
      return;
    case 'set-delay':
      // An empty string records "no delay" on purpose, overriding the plan's.
      state.delays[change.subissue] = change.notBefore ?? '';
      return;
    case 'requeue':
      if (!state.requeueNow.includes(change.subissue)) state.requeueNow.push(change.subissue);
      return;
  }
}

/** What a change may not do: say so before anything is applied (the update's validator). */
export function refusal(change: DispatchChange): string | undefined {
  if (change.kind === 'set-workers' && (!Number.isInteger(change.workers) || change.workers < 0 || change.workers > 64)) {
    return `workers must be a whole number from 0 to 64, not ${change.workers}`;
  }
  if (change.kind === 'set-group-limit' && change.limit !== null && (!Number.isInteger(change.limit) || change.limit < 0)) {
    return `a group's limit must be a whole number ≥ 0, not ${change.limit}`;
  }
  if (change.kind === 'set-delay' && change.notBefore && Number.isNaN(Date.parse(change.notBefore))) {
    return `"${change.notBefore}" is not a time`;
  }
  return undefined;
}

/** After a decision: one-shot requests are done ("requeue"), and a host's "remove now" ends once nothing beyond its
 * count runs there any more. */
export function settleRemovals(state: DispatchState): void {
  state.requeueNow = [];
  for (const [name, host] of Object.entries(state.hosts)) {
    if (host.removeNow && state.holders.filter((h) => h.host === name).length <= host.workers) delete host.removeNow;
  }
}

function pauseList(state: DispatchState, scope: PauseScope): string[] | undefined {
  if (scope.kind === 'group') return state.paused.groups;
  if (scope.kind === 'parent') return state.paused.parents;
  if (scope.kind === 'subissue') return state.paused.subissues;
  return undefined;
}

const scopeName = (scope: PauseScope): string => (scope.kind === 'group' ? scope.name : scope.kind === 'all' ? '*' : scope.key);
const sameScope = (a: PauseScope, b: PauseScope): boolean => a.kind === b.kind && scopeName(a) === scopeName(b);
