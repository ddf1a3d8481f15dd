// pueue mirror activities: each subissue is a pueue task whose state follows the real one.
import { Context } from '@temporalio/activity';
import type { PueueAdapter } from '../adapters/pueue.js';

export function createMirrorActivities({ pueue, group, cwd }: { pueue: PueueAdapter; group: string; cwd: string }) {
  return {
    async mirrorCreate(input: { label: string; title: string }): Promise<void> {
      // The workflow run is the unit of work: its retries share a task, a new run restarts a finished one.
      const run = Context.current().info.workflowExecution?.runId;
      await pueue.mirrorCreate({ label: input.label, group, cwd, title: input.title, run });
    },
    async mirrorLog(input: { label: string; line: string }): Promise<void> {
      await pueue.mirrorLog(input.label, input.line);
    },
    async mirrorFinish(input: { label: string; exitCode: number; summary: string }): Promise<void> {
      await pueue.mirrorFinish(input.label, input.exitCode, input.summary);
    },
  };
}

export type MirrorActivities = ReturnType<typeof createMirrorActivities>;
