// `import { CcpClient } from 'ccp'` as a user's code meets it: scripts in a directory of their own (its
// node_modules/ccp links to this checkout) drive parent workflows on the real Temporal dev server with stub
// activities, and a small TypeScript consumer type-checks against the emitted declarations.
import { Context } from '@temporalio/activity';
import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { askPerson } from '../../src/activities/needs-you.js';
import { parentWorkflowId } from '../../src/shared/ids.js';
import { parentStatusQuery, type ApprovalAnswer } from '../../src/shared/messages.js';
import { CCP_BIN } from '../../src/stack/stack.js';
import { subissue } from '../helpers/agent-bed.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-client-package';
const REPO = { owner: 'acme', repo: 'widgets' };
const ROOT = path.dirname(path.dirname(CCP_BIN));
const dir = mkdtempSync(path.join(tmpdir(), 'ccp-client-'));
let stub: StubWorkflowEnv;
/** #10 stays in planning until the test lets it go. */
let planningReleased = false;
const answers: ApprovalAnswer[] = [];

beforeAll(async () => {
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'ccp'));
  for (const script of ['steer.mjs', 'approve.mjs']) {
    copyFileSync(path.join(ROOT, 'test', 'fixtures', 'client', script), path.join(dir, script));
  }
  stub = await startStubWorkflowEnv(QUEUE, {
    fetchIssue: async ({ issueNumber }: { issueNumber: number }) => ({ number: issueNumber, id: 1000 + issueNumber,
      title: `Issue ${issueNumber}`, body: '', state: 'open', url: `https://example.test/${issueNumber}`, defaultBranch: 'main' }),
    planSubissues: async ({ issue }: { issue: { number: number } }) => {
      while (issue.number === 10 && !planningReleased) {
        Context.current().heartbeat();
        await sleep(200);
      }
      return { subissues: [{ key: 's111', title: 'Deploy', estimatedHours: 1, priority: 'normal', description: 'd',
        acceptanceCriteria: ['a'], technicalContext: '', dependsOn: [] }] };
    },
    createSubissues: async () => [subissue(111, 'Deploy')],
    runAgent: async ({ label }: { label: string }) => {
      const ctx = Context.current();
      const answer = await askPerson({ client: ctx.client, workflowId: ctx.info.workflowExecution?.workflowId ?? '',
        question: { id: `q-${label}`, kind: 'tool', tool: 'Bash', subject: './deploy.sh', reason: 'not a known command' },
        signal: ctx.cancellationSignal });
      answers.push(answer);
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
    reportProgress: async () => undefined,
    closeParentIssue: async () => undefined,
  });
});

afterAll(async () => {
  planningReleased = true;
  await stub?.close();
  rmSync(dir, { recursive: true, force: true });
});

const node = (script: string, args: string[] = [], env: Record<string, string> = {}) =>
  execa(process.execPath, [script, ...args], { cwd: dir, env: { ...env, CCP_HOME: path.join(dir, 'ccp') }, timeout: 90_000 });

test('a script steers a parent: paused, resumed and paused again, as the workflow itself reports', async () => {
  const run = await node('steer.mjs', [], { CCP_TEMPORAL_ADDRESS: stub.env.address, CCP_TASK_QUEUE: QUEUE });
  const workflowId = parentWorkflowId(REPO, 10);
  expect(JSON.parse(run.stdout)).toEqual({
    started: { issueNumber: 10, workflowId, started: true },
    paused: true,
    resumed: true,
    steered: { issue: 10, workflowId },
    listed: [{ number: 10, phase: 'planning', paused: true }],
    missing: { notFound: true, name: 'NotFoundError', what: 'parent',
      message: expect.stringContaining(`no running ccp workflow for ${parentWorkflowId(REPO, 999)}`) },
  });
  // The effect is the workflow's, not the script's view of it.
  const status = await stub.env.client.workflow.getHandle(workflowId).query(parentStatusQuery);
  expect(status).toMatchObject({ phase: 'planning', paused: true });
});

test('the CLI steers through the same client: its output as before, an unknown parent a NotFoundError (exit 1)', async () => {
  const ccp = (...args: string[]) => execa(process.execPath, [CCP_BIN, ...args], { cwd: dir, reject: false,
    env: { CCP_HOME: path.join(dir, 'ccp'), CCP_TEMPORAL_ADDRESS: stub.env.address, CCP_TASK_QUEUE: QUEUE } });
  const resume = await ccp('resume', '10', '--repo', 'acme/widgets', '--json');
  expect(JSON.parse(resume.stdout)).toEqual({ resume: [{ issue: 10, workflowId: parentWorkflowId(REPO, 10) }] });
  expect(await stub.env.client.workflow.getHandle(parentWorkflowId(REPO, 10)).query(parentStatusQuery))
    .toMatchObject({ paused: false });
  const pause = await ccp('pause', '10', '--repo', 'acme/widgets');
  expect(pause.stdout).toBe('pause: #10');
  const status = await ccp('status', '--json');
  expect(JSON.parse(status.stdout)).toEqual([expect.objectContaining({ number: 10, phase: 'planning', paused: true })]);
  const unknown = await ccp('stop', '999', '--repo', 'acme/widgets', '--json');
  expect(unknown.exitCode).toBe(1);
  expect(JSON.parse(unknown.stderr)).toEqual({ error: expect.objectContaining({ kind: 'NotFoundError', exitCode: 1 }) });
});

test('a script answers a waiting request and stops a parent', async () => {
  const run = await node('approve.mjs', [stub.env.address, QUEUE]);
  const out = JSON.parse(run.stdout);
  expect(out.pending).toEqual([expect.objectContaining({ subissue: 111, parent: 'acme/widgets#11',
    pending: expect.objectContaining({ tool: 'Bash', subject: './deploy.sh' }) })]);
  expect(out.answered.answer).toMatchObject({ decision: 'allow', by: 'person' });
  expect(out.phase).toBe('closed');
  expect(answers).toEqual([expect.objectContaining({ decision: 'allow', by: 'person' })]);
  expect(out.stopped).toEqual({ issue: 10, workflowId: parentWorkflowId(REPO, 10) });
  // The stop reaches #10 once its planning returns: it ends stopped rather than running on.
  planningReleased = true;
  const handle = stub.env.client.workflow.getHandle(parentWorkflowId(REPO, 10));
  await expect(handle.result()).resolves.toMatchObject({ number: 10, state: 'stopped' });
});

test('the package entry has type declarations a TypeScript consumer checks against', async () => {
  expect(existsSync(path.join(ROOT, 'dist', 'src', 'index.d.ts'))).toBe(true);
  writeFileSync(path.join(dir, 'consumer.ts'), `
import { CcpClient, NotFoundError, type ParentStatus, type StartResult } from 'ccp';
export async function main(): Promise<boolean> {
  const ccp = await CcpClient.connect({ address: '127.0.0.1:7233', taskQueue: 'ccp' });
  const started: StartResult[] = await ccp.start('acme/widgets', [1], { agentAttempts: 3 });
  const statuses: ParentStatus[] = await ccp.status({ issues: [1] });
  // A declaration that lost its types (any) would let these through, and the unused expectations fail.
  // @ts-expect-error issue numbers are numbers
  await ccp.pause('acme/widgets', '1');
  // @ts-expect-error a status's number is a number
  const title: string = statuses[0].number;
  for await (const [first] of ccp.watch({ intervalMs: 1000 })) if (first?.paused) break;
  await ccp.close();
  return started[0].started && title !== '' && new NotFoundError('x', 'parent', 1) instanceof Error;
}
`);
  // skipLibCheck as for any Temporal SDK consumer (its own declarations name the untyped `ms`).
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
      skipLibCheck: true, types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')] },
    files: ['consumer.ts'],
  }));
  const tsc = await execa(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir],
    { cwd: dir, reject: false });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.exitCode).toBe(0);
});
