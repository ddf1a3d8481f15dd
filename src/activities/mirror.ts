// pueue mirror activities: each subissue is a pueue task whose state follows the real one. The mirror is a
// projection: a failure here (pueued gone, its state wiped, a slow client) never fails or delays the work. It is
// logged, pueued is started again, and the next mirror call re-adds a task pueued lost.
import { Context } from '@temporalio/activity';
import type { PueueAdapter } from '../adapters/pueue.js';

/** Longer than any healthy mirror call (a pueue client call is well under a second), short next to the work. */
const MIRROR_CALL_BUDGET_MS = 15_000;

export function createMirrorActivities({ pueue, group, cwd }: { pueue: PueueAdapter; group: string; cwd: string }) {
  const bestEffort = async (what: string, label: string, call: () => Promise<unknown>): Promise<void> => {
    const attempt = () => withBudget(call(), MIRROR_CALL_BUDGET_MS);
    try {
      await attempt();
    } catch (first) {
      try {
        // pueued may have died: start it again (its state file brings back what it had) and try once more.
        await withBudget(pueue.ensureDaemon().then(() => pueue.ensureGroup(group, 0)), MIRROR_CALL_BUDGET_MS);
        await attempt();
      } catch (second) {
        Context.current().log.warn('pueue mirror is behind (the work goes on)', { what, label,
          error: String(second instanceof Error ? second.message : second), first: String(first) });
      }
    }
  };
  return {
    async mirrorCreate(input: { label: string; title: string }): Promise<void> {
      // The workflow run is the unit of work: its retries share a task, a new run restarts a finished one.
      const run = Context.current().info.workflowExecution?.runId;
      await bestEffort('create', input.label, () => pueue.mirrorCreate({ label: input.label, group, cwd, title: input.title, run }));
    },
    async mirrorLog(input: { label: string; line: string }): Promise<void> {
      await bestEffort('log', input.label, () => pueue.mirrorLog(input.label, input.line));
    },
    async mirrorFinish(input: { label: string; exitCode: number; summary: string }): Promise<void> {
      await bestEffort('finish', input.label, () => pueue.mirrorFinish(input.label, input.exitCode, input.summary));
    },
  };
}

function withBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export type MirrorActivities = ReturnType<typeof createMirrorActivities>;
