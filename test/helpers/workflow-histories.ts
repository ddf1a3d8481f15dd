// Recorded workflow histories: a parent with two subissues (one depending on the other), paused and resumed, run to
// the end on stub activities; since v2 also the dispatcher (a control change) and a live priority change. Each
// version's set stays committed (v1 unprefixed). `recordHistories` writes them to test/fixtures/histories; the replay test replays the
// committed ones against today's workflow code, so a change that would break running workflows fails at once.
// Re-record only for a change made safe with `patched()`: node dist/test/helpers/record-histories.js
import proto from '@temporalio/proto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changeDispatch } from '../../src/client/dispatch.js';
import { dispatcherWorkflowId } from '../../src/shared/dispatch.js';
import { pauseSignal, resumeSignal, setSubissuePrioritySignal } from '../../src/shared/messages.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { subissue } from './agent-bed.js';
import { startStubWorkflowEnv } from './stub-worker.js';

/** The source folder of the fixtures (this file runs from dist/test/helpers). */
export const HISTORIES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'histories');

const QUEUE = 'ccp-history';

/** Records today's histories under `prefix` (the fixtures of earlier versions stay: each set must keep replaying). */
export async function recordHistories(dir = HISTORIES_DIR, prefix = 'v2-'): Promise<string[]> {
  const first = subissue(601, 'Schema');
  const second = { ...subissue(602, 'API'), dependsOn: [first.key] };
  const stub = await startStubWorkflowEnv(QUEUE, {
    fetchIssue: async () => ({ number: 600, id: 1600, title: 'Recorded', body: '- [ ] a\n- [ ] b\n', state: 'open',
      url: 'https://example.test/600', defaultBranch: 'main' }),
    planSubissues: async () => ({ subissues: [first, second].map(({ number: _n, id: _i, url: _u, ...planned }) => planned) }),
    createSubissues: async () => [first, second],
    runAgent: async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false }),
    reportProgress: async () => undefined,
    closeParentIssue: async () => undefined,
  });
  try {
    const input: ParentIssueInput = { repo: { owner: 'acme', repo: 'widgets' }, issueNumber: 600,
      settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: '' } };
    const handle = await stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE,
      workflowId: 'ccp-acme/widgets#600', args: [input] });
    await handle.signal(pauseSignal);
    await handle.signal(resumeSignal);
    // The dispatcher's controls and a live priority change go into the histories too.
    await changeDispatch(stub.env.client, QUEUE, { kind: 'set-group-limit', group: 'docs', limit: 2 });
    await handle.signal(setSubissuePrioritySignal, { number: 602, priority: 'high' });
    await handle.result();
    const written: string[] = [];
    const ids = [handle.workflowId, `${handle.workflowId}.sub-601`, `${handle.workflowId}.sub-602`, dispatcherWorkflowId(QUEUE)];
    const names = ['parent', 'subissue-1', 'subissue-2', 'dispatcher'];
    for (const [i, id] of ids.entries()) {
      // Protobuf's binary form: the JSON form would need the SDK's protojson, which trips over two protobufjs copies.
      const bytes = proto.temporal.api.history.v1.History.encode(await stub.env.client.workflow.getHandle(id).fetchHistory()).finish();
      const file = path.join(dir, `${prefix}${names[i]}.binpb`);
      writeFileSync(file, bytes);
      written.push(file);
    }
    return written;
  } finally {
    await stub.close();
  }
}
