// The in-flight ledger on the real Temporal dev server: an attempt whose worker died (its ledger entry's pid is gone)
// is failed at once as WorkerLost and retried, instead of waiting out its heartbeat timeout; an attempt that has
// moved on, or one of a live worker, is left alone.
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { execaSync } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAgentActivities } from '../../src/activities/agent.js';
import type { AgentAdapter } from '../../src/agents/types.js';
import { inflightLedger, releaseLostActivities, WORKER_LOST } from '../../src/worker/inflight.js';
import { workflowSource } from '../../src/worker/workers.js';
import type { SubissueWorkflowInput } from '../../src/workflows/subissue.js';
import { subissue } from '../helpers/agent-bed.js';
import { defaultActivities } from '../helpers/stub-activities.js';
import { startTestTemporal } from '../helpers/temporal-env.js';

const QUEUE = 'ccp-inflight';
const EventType = proto.temporal.api.enums.v1.EventType;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const dir = mkdtempSync(path.join(tmpdir(), 'ccp-inflight-'));
const attempts: number[] = [];
let releaseStuck: () => void = () => undefined;
const stuck = new Promise<void>((resolve) => { releaseStuck = resolve; });
const agent: AgentAdapter = {
  ask: async () => '',
  runSession: async () => ({ paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], lastScreen: '', reattached: false }),
};

beforeAll(async () => {
  env = await startTestTemporal();
  worker = await Worker.create({
    connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue: QUEUE, ...workflowSource(),
    interceptors: { activity: [inflightLedger(dir)] },
    activities: {
      ...defaultActivities(QUEUE),
      // The first attempt hangs as a dead worker's would (no heartbeats); the retry makes the worktree.
      prepareWorktree: async ({ label }: { label: string }) => {
        attempts.push(attempts.length + 1);
        if (attempts.length === 1) await stuck;
        return { path: `/tmp/${label}` };
      },
      ...createAgentActivities({ agent }),
    },
  });
  running = worker.run();
});

afterAll(async () => {
  releaseStuck();
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const deadPid = (): number => Number(execaSync('sh', ['-c', 'echo $$']).stdout);
const entries = () => readdirSync(dir).filter((n) => n.endsWith('.json'));

test('a dead worker\'s attempt is failed as WorkerLost and retried; a live one is left alone', async () => {
  const input: SubissueWorkflowInput = {
    repo: { owner: 'acme', repo: 'widgets' }, parent: { number: 1, workflowId: 'no-parent' }, sub: subissue(91, 'Work'),
    baseBranch: 'main', settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: 'main' },
  };
  const handle = await env.client.workflow.start('subissueWorkflow', { taskQueue: QUEUE, workflowId: `inflight-${Date.now()}`, args: [input] });
  for (let i = 0; i < 200 && attempts.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(entries()).toHaveLength(1);
  const file = path.join(dir, entries()[0]);
  // Its worker is alive (this process): nothing is released.
  expect(await releaseLostActivities(dir, env.client)).toEqual([]);
  expect(entries()).toHaveLength(1);

  // Now as if the worker that wrote it had died.
  const entry = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; activityType: string; attempt: number };
  writeFileSync(file, JSON.stringify({ ...entry, pid: deadPid() }));
  const released = await releaseLostActivities(dir, env.client);
  expect(released.map((a) => `${a.activityType}#${a.attempt}`)).toEqual(['prepareWorktree#1']);
  await handle.result();
  expect(attempts).toEqual([1, 2]);

  // The attempt that finished the worktree was the second, after the first was failed as WorkerLost.
  const history = await handle.fetchHistory();
  const started = history.events?.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    && e.activityTaskStartedEventAttributes?.attempt === 2);
  expect(started?.activityTaskStartedEventAttributes?.lastFailure?.applicationFailureInfo?.type).toBe(WORKER_LOST);
});

test('an entry whose attempt is no longer running (retried elsewhere, or done) fails nothing', async () => {
  const input: SubissueWorkflowInput = {
    repo: { owner: 'acme', repo: 'widgets' }, parent: { number: 1, workflowId: 'no-parent' }, sub: subissue(92, 'Work'),
    baseBranch: 'main', settings: { mergePollSeconds: 1, agentTimeoutMinutes: 5, agentAttempts: 1, baseBranch: 'main' },
  };
  const handle = await env.client.workflow.start('subissueWorkflow', { taskQueue: QUEUE, workflowId: `inflight-done-${Date.now()}`, args: [input] });
  await handle.result();
  const described = await handle.describe();
  writeFileSync(path.join(dir, 'stale.json'), JSON.stringify({ workflowId: handle.workflowId, runId: described.runId,
    activityId: '1', activityType: 'prepareWorktree', attempt: 1, pid: deadPid() }));
  expect(await releaseLostActivities(dir, env.client)).toEqual([]);
  expect(entries()).toEqual([]);
});
