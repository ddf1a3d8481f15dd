// ccp's hook decides, on the real Claude Code and the scripted model: a request the policy cannot classify waits for
// a person (onNeedsYou) and their answer reaches the agent; an unreachable ccp and a crashing hook both block.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentProgress, NeedsYouQuestion } from '../../src/agents/types.js';
import { loadSessionPolicy, policyReady } from '../../src/agents/policy-port.js';
import { NO_PERSON_REASON } from '../../src/agents/decider.js';
import type { ChildSessionConfig } from '../fixtures/run-session.js';
import { commits, sampleDialogs, SESSION, sessionRequest, startAgentBed, subissue, toolResult, waitFor, type AgentBed }
  from '../helpers/agent-bed.js';

const CHILD = fileURLToPath(new URL('../fixtures/run-session.js', import.meta.url));
// A command of the bed's own (on the agent's PATH) that harms nothing and that the policy cannot know: it asks.
const UNKNOWN = 'ccp-test-probe --all';
let bed: AgentBed;
let agentEnv: Record<string, string>;

beforeAll(async () => {
  bed = await startAgentBed();
  await policyReady();
  const bin = path.join(bed.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'ccp-test-probe'), '#!/bin/sh\necho "probe ran: $*"\n', { mode: 0o755 });
  agentEnv = { ...bed.options().env, PATH: `${bin}:${process.env.PATH ?? ''}` };
});

afterAll(async () => {
  await bed?.close();
});

const unknownTask = (n: number, title: string) => subissue(n, title, `Check the tools.\nccp-script: run: ${UNKNOWN}`);
const panes = (label: string) => async () =>
  (await bed.tmux.listPanes(SESSION)).filter((p) => p.task === label).map((p) => p.id);

test('the policy really cannot classify the scripted command', () => {
  const verdict = loadSessionPolicy().evaluate({ tool: 'Bash', input: { command: UNKNOWN } },
    { worktree: bed.dir, home: bed.dir });
  expect(verdict.decision).toBe('ask');
});

test('an unclassifiable command waits for a person; "allow" lets it run and the session finish', async () => {
  const repo = await bed.makeRepo('repo-ask');
  const label = 'subissue-61';
  const questions: NeedsYouQuestion[] = [];
  const phases: AgentProgress[] = [];
  let titleWhileWaiting = '';
  const screens = sampleDialogs(bed.tmux, panes(label), 100);
  const result = await bed.agent({ env: agentEnv }).runSession({ ...sessionRequest(label, repo, unknownTask(61, 'Ask first')),
    onProgress: (p) => phases.push(p),
    onNeedsYou: async (question) => {
      questions.push(question);
      const [paneId] = await panes(label)();
      titleWhileWaiting = await bed.paneVar(paneId, '@ccp_title');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return { decision: 'allow', reason: 'a person allowed it', by: 'person' };
    } });
  expect(await screens.stop()).toEqual([]);
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  expect(questions).toEqual([expect.objectContaining({ kind: 'tool', tool: 'Bash', subject: UNKNOWN,
    reason: expect.stringContaining('ccp-test-probe') as unknown, id: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown })]);
  expect(titleWhileWaiting).toBe(`${label}: needs you: Bash ${UNKNOWN}`);
  expect(phases.find((p) => p.phase === 'needs-you')?.question?.id).toBe(questions[0].id);
  expect(phases[phases.length - 1].phase).toBe('done');
  expect(result.approvals[0]).toMatchObject({ via: 'hook', tool: 'Bash', decision: 'allow',
    asked: { id: questions[0].id, by: 'person' } });
  expect(toolResult(bed.model, 61, 0)).toMatchObject({ content: 'probe ran: --all' });
  expect(await commits(repo)).toEqual(['Implement #61: Ask first', 'initial']);
});

test('"deny" from the person reaches the model with its reason; without anyone to ask it is denied', async () => {
  const repo = await bed.makeRepo('repo-deny-person');
  const denied = await bed.agent({ env: agentEnv }).runSession({ ...sessionRequest('subissue-62', repo, unknownTask(62, 'Denied')),
    onNeedsYou: async () => ({ decision: 'deny', reason: 'not tonight, use rg instead', by: 'person' }) });
  expect(denied).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  expect(toolResult(bed.model, 62, 0)).toMatchObject({ is_error: true,
    content: expect.stringContaining('not tonight, use rg instead') as unknown });

  const repo2 = await bed.makeRepo('repo-nobody');
  const nobody = await bed.agent({ env: agentEnv }).runSession(sessionRequest('subissue-63', repo2, unknownTask(63, 'Nobody')));
  expect(nobody.approvals[0]).toMatchObject({ decision: 'deny', reason: NO_PERSON_REASON, asked: { by: 'policy' } });
  expect(toolResult(bed.model, 63, 0)).toMatchObject({ is_error: true,
    content: expect.stringContaining(NO_PERSON_REASON) as unknown });
});

test('ccp unreachable (its worker killed mid-session): the hook denies with a reason, never allows', async () => {
  const repo = await bed.makeRepo('repo-gone');
  const label = 'subissue-64';
  const request = sessionRequest(label, repo, unknownTask(64, 'Orphaned'));
  const { tmux: _tmux, ...options } = bed.options({ channelRetryMs: 3_000, env: agentEnv });
  const config: ChildSessionConfig = { socketPath: bed.socketPath, options, request };
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, CCP_TEST_SESSION: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'] });
  // The child never answers the question; it dies while the hook waits for it.
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('"needs-you"')) resolve();
    });
    child.once('exit', () => reject(new Error('the session process ended before it asked')));
  });
  child.kill('SIGKILL');
  await waitFor('the agent to give up', async () => toolResult(bed.model, 64, 2) !== undefined, 60_000);
  for (const step of [0, 1, 2]) {
    expect(toolResult(bed.model, 64, step)).toMatchObject({ is_error: true,
      content: expect.stringContaining('ccp is not reachable') as unknown });
  }
  expect(existsSync(path.join(repo, 'notes', 'subissue-64.md'))).toBe(false);
  expect(await commits(repo)).toEqual(['initial']);
  await releaseOrphan(label);
});

test('a hook that crashes blocks the tool use (onFailure "block" on the pinned Claude Code)', async () => {
  const repo = await bed.makeRepo('repo-crash');
  const crashing = path.join(bed.dir, 'crashing-hook.mjs');
  writeFileSync(crashing, "process.stderr.write('hook exploded'); process.exit(3);\n");
  const result = await bed.agent({ hookScript: crashing })
    .runSession(sessionRequest('subissue-65', repo, subissue(65, 'Crash')));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook', approvals: [] });
  for (const step of [0, 1]) {
    expect(toolResult(bed.model, 65, step)).toMatchObject({ is_error: true,
      content: expect.stringMatching(/blocking because onFailure is "block"[\s\S]*hook exploded/) as unknown });
  }
  expect(existsSync(path.join(repo, 'notes', 'subissue-65.md'))).toBe(false);
  expect(await commits(repo)).toEqual(['initial']);
});

/** Frees the pane a killed child left labelled with its agent still running. */
async function releaseOrphan(label: string): Promise<void> {
  for (const pane of (await bed.tmux.listPanes(SESSION)).filter((p) => p.task === label)) {
    await bed.tmux.respawnPane(pane.id, 'echo freed; sleep 3600', bed.dir);
    await bed.tmux.setPaneOption(pane.id, '@ccp_task', '');
  }
}
