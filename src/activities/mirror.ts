// pueue mirror activities the subissue workflow calls (recorded histories schedule them: the names stay). The
// pueue tasks themselves are the worker's mirror reconciler's (src/worker/mirror-reconciler.ts), which brings
// pueue in line with the parents' statuses every second; these only keep the subissue's event log (`ccp debug`).
// A failure here never fails or delays the work: it is logged.
import { Context } from '@temporalio/activity';
import type { PueueAdapter } from '../adapters/pueue.js';

export function createMirrorActivities({ pueue }: { pueue: PueueAdapter }) {
  const bestEffort = async (what: string, label: string, write: () => Promise<void>): Promise<void> => {
    try {
      await write();
    } catch (err) {
      Context.current().log.warn('mirror event log not written (the work goes on)', { what, label,
        error: String(err instanceof Error ? err.message : err) });
    }
  };
  return {
    async mirrorCreate(input: { label: string; title: string }): Promise<void> {
      // The workflow run is the unit of work: its retries log nothing new, a new run says so.
      const run = Context.current().info.workflowExecution?.runId;
      await bestEffort('create', input.label, () => pueue.mirror.logRun(input.label, input.title, run));
    },
    async mirrorLog(input: { label: string; line: string }): Promise<void> {
      await bestEffort('log', input.label, () => pueue.mirror.log(input.label, input.line));
    },
    async mirrorFinish(input: { label: string; exitCode: number; summary: string }): Promise<void> {
      await bestEffort('finish', input.label, () => pueue.mirror.log(input.label, `${input.summary} (exit ${input.exitCode})`));
    },
  };
}

export type MirrorActivities = ReturnType<typeof createMirrorActivities>;
