// The dispatcher: one long-lived workflow per task queue that decides which subissue may start its agent session
// now, across every parent and host (as the samples' mutex workflow does for a lock). It holds each host's worker
// count, group limits, pauses at every level, live priorities and delays; subissue workflows ask for a slot right
// before their agent step and give it back after. Rules: src/core/dispatch.ts.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  ActivityFailure,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SharedActivities } from '../activities/index.js';
import { nextRecheckMs, RECHECK_FIRST_MS } from '../core/recheck.js';
import { applyChange, decideDispatch, emptyDispatchState, refusal, settleRemovals, waitReason } from '../core/dispatch.js';
import type { DispatchState, DispatchView, SlotRequest } from '../shared/dispatch.js';
import {
  dispatchChangeUpdate,
  dispatchStateQuery,
  releaseSlotSignal,
  requestSlotSignal,
  slotGrantedSignal,
  slotRevokedSignal,
} from '../shared/messages.js';

export interface DispatcherInput {
  /** Carried over continue-as-new. */
  state?: DispatchState;
}

// Requests and holders are checked against their workflows now and then (core/recheck.ts): one terminated never
// gives its slot back.

const sweeper = proxyActivities<SharedActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2s', maximumAttempts: 3 },
});

export async function dispatcherWorkflow(input: DispatcherInput = {}): Promise<void> {
  const state = input.state ?? emptyDispatchState();
  let dirty = true;
  let sweepEvery = RECHECK_FIRST_MS;
  const view = (): DispatchView => {
    const now = new Date().toISOString();
    return { ...state, waiting: state.queue.map((r) => ({ ...r, why: waitReason(state, r, now) })) };
  };

  setHandler(dispatchStateQuery, view);
  // patched: runs begun before it looked again within a minute after every re-ask too.
  const reaskKeepsBackoff = patched('dispatcher-reask-keeps-backoff');
  setHandler(requestSlotSignal, (request) => {
    // A waiting request asked again (every 16 minutes while it waits, core/recheck.ts) is nothing new to watch.
    const known = state.queue.some((r) => r.workflowId === request.workflowId && r.requestedAt === request.requestedAt);
    state.queue = state.queue.filter((r) => r.workflowId !== request.workflowId);
    const holder = state.holders.find((h) => h.workflowId === request.workflowId);
    // A holder asking again lost track of its grant (its workflow was reset): say it again.
    if (holder) void tell(holder.workflowId, (h) => h.signal(slotGrantedSignal, { grantedAt: holder.grantedAt }));
    else state.queue.push(request);
    // Something new to watch: check again within a minute, however quiet it was.
    if (!known || !reaskKeepsBackoff) sweepEvery = RECHECK_FIRST_MS;
    dirty = true;
  });
  setHandler(releaseSlotSignal, ({ workflowId }) => {
    state.queue = state.queue.filter((r) => r.workflowId !== workflowId);
    state.holders = state.holders.filter((h) => h.workflowId !== workflowId);
    dirty = true;
  });
  setHandler(dispatchChangeUpdate, (change) => {
    applyChange(state, change, new Date().toISOString());
    dirty = true;
    return view();
  }, {
    validator: (change) => {
      const refused = refusal(change);
      if (refused) throw new Error(refused);
    },
  });

  let lastSweep = Date.now();
  for (;;) {
    const decision = decideDispatch(state, new Date().toISOString());
    for (const { holder, reason } of decision.revoke) {
      state.holders = state.holders.filter((h) => h !== holder);
      void tell(holder.workflowId, (h) => h.signal(slotRevokedSignal, { reason }));
    }
    for (const request of decision.grant) {
      const grantedAt = new Date().toISOString();
      state.queue = state.queue.filter((r) => r !== request);
      state.holders.push({ ...request, grantedAt });
      void tell(request.workflowId, (h) => h.signal(slotGrantedSignal, { grantedAt }), () => release(request));
    }
    settleRemovals(state);
    dirty = false;

    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof dispatcherWorkflow>({ state });
    }
    const untilWake = decision.wakeAt ? Math.max(1, Date.parse(decision.wakeAt) - Date.now()) : Infinity;
    const untilSweep = state.queue.length + state.holders.length > 0 ? Math.max(1, lastSweep + sweepEvery - Date.now()) : Infinity;
    const timeout = Math.min(untilWake, untilSweep);
    await (timeout === Infinity ? condition(() => dirty) : condition(() => dirty, timeout));
    if (state.queue.length + state.holders.length > 0 && Date.now() - lastSweep >= sweepEvery) {
      lastSweep = Date.now();
      const dropped = await sweep(state);
      sweepEvery = dropped > 0 ? RECHECK_FIRST_MS : nextRecheckMs(sweepEvery);
      dirty = dirty || dropped > 0;
    }
  }

  function release(request: SlotRequest): void {
    state.holders = state.holders.filter((h) => h.workflowId !== request.workflowId);
    dirty = true;
  }
}

/** Drops requests and slots of workflows that ended without giving them back (terminated, reset); says how many. */
async function sweep(state: DispatchState): Promise<number> {
  const ids = [...new Set([...state.queue, ...state.holders].map((r) => r.workflowId))];
  if (ids.length === 0) return 0;
  let ended: Set<string>;
  try {
    ended = new Set(await sweeper.endedWorkflows({ workflowIds: ids }));
  } catch (err) {
    // The check failing (Temporal or the workers unreachable for a while) must not end the dispatcher: a new one
    // starts afresh, without the pauses, limits and slots this one holds. It is tried again at the next sweep.
    if (err instanceof ActivityFailure && patched('dispatcher-sweep-survives')) return 0;
    throw err;
  }
  state.queue = state.queue.filter((r) => !ended.has(r.workflowId));
  state.holders = state.holders.filter((h) => !ended.has(h.workflowId));
  return ended.size;
}

/** Signals a subissue workflow; one that is gone cannot be told (`onGone` then cleans up after it). */
async function tell(workflowId: string, send: (handle: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>,
  onGone?: () => void): Promise<void> {
  try {
    await send(getExternalWorkflowHandle(workflowId));
  } catch {
    onGone?.();
  }
}
