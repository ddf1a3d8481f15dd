// A subissue's agent slot from the dispatcher (src/workflows/dispatcher.ts): asked for right before the agent step,
// held while the agent runs, given back after. A slot taken away (`ccp pause --now`, `ccp workers remove --now`)
// cancels the running session; the caller asks again and the conversation continues.
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SharedActivities } from '../activities/index.js';
import { nextRecheckMs, RECHECK_FIRST_MS } from '../core/recheck.js';
import { dispatcherWorkflowId, type SlotRequest } from '../shared/dispatch.js';
import { releaseSlotSignal, requestSlotSignal, slotGrantedSignal, slotRevokedSignal } from '../shared/messages.js';

// A request still waiting is sent again now and then (core/recheck.ts): the dispatcher run that queued it may have
// ended before granting it (terminated or reset by hand, failed; on the time-skipping test server its 10-year
// default timeout is reached between tests), and a new one knows nothing of it. The dispatcher keeps a request it
// has in its place (by requestedAt); one gone starts afresh with it.

const dispatch = proxyActivities<SharedActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export interface AgentSlot {
  /** Runs `work` once a slot is granted; when the slot is taken away meanwhile, `work` is cancelled, a slot asked
   * for again, and `work` run again with the reason (so it can continue where it stopped). */
  run<T>(request: Omit<SlotRequest, 'workflowId' | 'requestedAt'>, work: (resumeReason?: string) => Promise<T>,
    onWait?: () => void): Promise<T>;
}

export function installAgentSlot(): AgentSlot {
  let granted = false;
  let revoked: string | undefined;
  let held: CancellationScope | undefined;
  setHandler(slotGrantedSignal, () => {
    granted = true;
  });
  setHandler(slotRevokedSignal, ({ reason }) => {
    revoked = reason;
    granted = false;
    held?.cancel();
  });
  // patched: runs begun before it waited on their one request.
  const reasking = patched('agent-slot-reask');
  const dispatcherId = dispatcherWorkflowId(workflowInfo().taskQueue);
  const workflowId = workflowInfo().workflowId;

  const ask = async (request: SlotRequest): Promise<void> => {
    try {
      await getExternalWorkflowHandle(dispatcherId).signal(requestSlotSignal, request);
    } catch {
      // No dispatcher runs yet (a fresh server) or it was ended: the activity starts it along with the request.
      await dispatch.requestAgentSlot(request);
    }
  };
  const giveBack = () => CancellationScope.nonCancellable(async () => {
    granted = false;
    try {
      await getExternalWorkflowHandle(dispatcherId).signal(releaseSlotSignal, { workflowId });
    } catch {
      // The dispatcher is gone: nothing is held there.
    }
  });

  return {
    async run(request, work, onWait) {
      let resumeReason: string | undefined;
      // Asked again after a revocation, it keeps its place: the stopped session goes on before later ones begin.
      const requestedAt = new Date().toISOString();
      for (;;) {
        revoked = undefined;
        try {
          const asking = { ...request, workflowId, requestedAt };
          await ask(asking);
          if (!granted) onWait?.();
          if (reasking) {
            for (let every = RECHECK_FIRST_MS; !(await condition(() => granted, every)); every = nextRecheckMs(every)) {
              await ask(asking);
            }
          } else await condition(() => granted);
          held = new CancellationScope();
          return await held.run(() => work(resumeReason));
        } catch (err) {
          // Ended by a revoked slot (not by a stop of the whole subissue): ask again, then go on. The session may
          // end as cancelled or as failed by its cancellation: the scope says which it was.
          const byRevocation = revoked !== undefined && (held?.consideredCancelled || isCancellation(err));
          if (!byRevocation || CancellationScope.current().consideredCancelled) throw err;
          resumeReason = `ccp stopped this session (${revoked}); continue the task where you left off`;
        } finally {
          held = undefined;
          await giveBack();
        }
      }
    },
  };
}
