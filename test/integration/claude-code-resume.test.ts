// Continue, never restart blindly — on the real Claude Code, real tmux and the scripted model: a session id chosen up
// front; an attempt after a killed agent, a killed tmux server or `ccp down --now` resumes the same conversation
// (`--resume`) with its commit kept; `ccp down` (detach) leaves the agent running for the next worker; a call cut off
// in flight is made again.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAgentActivities, type AgentHeartbeat, type AgentRunInput, type WorkerShutdownSignal }
  from '../../src/activities/agent.js';
import { createHostActivities } from '../../src/activities/host.js';
import { createGitAdapter } from '../../src/adapters/git.js';
import type { AgentProgress } from '../../src/agents/types.js';
import { loadSessionPolicy, type SessionPolicy } from '../../src/agents/policy-port.js';
import { commits, sessionRequest, startAgentBed, subissue, waitFor, type AgentBed } from '../helpers/agent-bed.js';

let bed: AgentBed;

beforeAll(async () => {
  bed = await startAgentBed();
});

afterAll(async () => {
  await bed?.close();
});

/** A repo whose agent commit stops in a post-commit hook until released: a fixed point mid-session, after the
 * commit (ccp's own commits run no hooks). */
async function gatedRepo(name: string) {
  const repo = await bed.makeRepo(name);
  const released = path.join(repo, '.git', 'ccp-release');
  const hook = path.join(repo, '.git', 'hooks', 'post-commit');
  writeFileSync(hook, `#!/bin/sh\ni=0\nwhile [ ! -e '${released}' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\n`,
    { mode: 0o755 });
  return {
    repo,
    committed: () => waitFor('the agent to commit', async () => (await commits(repo)).length > 1, 60_000),
    release: () => writeFileSync(released, ''),
    /** Later attempts commit without the gate. */
    open: () => { writeFileSync(released, ''); rmSync(hook, { force: true }); },
  };
}

interface Body { messages?: Array<{ role: string; content: unknown }> }

/** The request that carried the resume prompt, among the model's requests since `from`. */
function resumedRequest(from: number): string | undefined {
  return (bed.model.bodies.slice(from) as Body[]).map((b) => JSON.stringify(b.messages ?? []))
    .find((text) => text.includes('ccp: your session was interrupted'));
}

const steps = (n: number) => bed.model.requests.filter((r) => r.subissue === n).map((r) => r.step);

function activityRun(n: number, repo: string, sessionId: string): AgentRunInput {
  const request = sessionRequest(`subissue-${n}`, repo, subissue(n, `Resume ${n}`));
  return { label: request.label, worktreePath: repo, prompt: request.prompt, timeoutMs: 90_000, sessionId };
}

/** Runs the activity as Temporal would (attempt, last heartbeat), collecting its heartbeats. */
function runActivity(input: AgentRunInput, options: { shutdown?: WorkerShutdownSignal; attempt?: number;
  heartbeatDetails?: AgentHeartbeat } = {}) {
  const env = new MockActivityEnvironment({ attempt: options.attempt ?? 1, heartbeatDetails: options.heartbeatDetails });
  const beats: AgentHeartbeat[] = [];
  env.on('heartbeat', (details: AgentHeartbeat) => beats.push(details));
  const { runAgent } = createAgentActivities({ agent: bed.agent({ ensureSession: bed.ensureSession }),
    shutdown: options.shutdown });
  const result = env.run(runAgent, input);
  result.catch(() => undefined);
  const paneId = async () => {
    await waitFor('a pane', async () => beats.some((b) => b.paneId !== undefined));
    return beats.find((b) => b.paneId !== undefined)?.paneId as string;
  };
  return { env, beats, result, paneId };
}

test('a killed agent: the next attempt resumes its conversation, keeps its commit and is not "no changes"', async () => {
  const n = 71;
  const gate = await gatedRepo('repo-kill');
  // The host's view of the branch: an origin to count commits against and push to.
  const origin = path.join(bed.dir, 'origin-kill.git');
  await execa('git', ['clone', '-q', '--bare', gate.repo, origin]);
  await execa('git', ['-C', gate.repo, 'remote', 'add', 'origin', origin]);
  await execa('git', ['-C', gate.repo, 'fetch', '-q', 'origin']);
  const sessionId = randomUUID();
  const request = { ...sessionRequest(`subissue-${n}`, gate.repo, subissue(n, 'Survive a kill')), sessionId };
  let paneId = '';
  const first = bed.agent().runSession({ ...request,
    onProgress: (p: AgentProgress) => { paneId = p.paneId ?? paneId; } });
  await gate.committed();
  // The agent process (the wrapper's child) dies mid-session.
  const wrapper = await bed.paneVar(paneId, 'pane_pid');
  const agentPid = Number((await execa('pgrep', ['-P', wrapper])).stdout.split('\n')[0]);
  process.kill(agentPid, 'SIGKILL');
  const failed = await first;
  expect(failed).toMatchObject({ endedBy: 'exit', exitCode: 137, resumed: false });
  expect(steps(n)).toEqual([0, 1]);

  gate.open();
  const before = bed.model.bodies.length;
  const retried = await bed.agent().runSession({ ...request, resumeReason: 'attempt 1 ended: agent exited with code 137' });
  expect(retried).toMatchObject({ exitCode: 0, endedBy: 'stop-hook', resumed: true, reattached: false });
  const resumed = resumedRequest(before);
  expect(resumed).toContain('attempt 1 ended: agent exited with code 137');
  // The same conversation: the first attempt's tool calls are in the resumed request.
  expect(resumed).toContain(`toolu_ccp_${n}_0`);
  expect(resumed).toContain(`toolu_ccp_${n}_1`);
  expect(await commits(gate.repo)).toEqual([`Implement #${n}: Survive a kill`, 'initial']);
  const host = createHostActivities({ git: createGitAdapter(), repoPath: gate.repo, worktreesDir: bed.dir });
  await expect(host.commitAndPush({ worktreePath: gate.repo, branch: 'main', base: 'origin/main', message: 'x' }))
    .resolves.toEqual({ commits: 1 });
});

test('a killed tmux server: SessionLost (retryable), and the retry resumes the conversation in a new pane', async () => {
  const n = 72;
  const gate = await gatedRepo('repo-tmux');
  const input = activityRun(n, gate.repo, randomUUID());
  const first = runActivity(input);
  await first.paneId();
  await gate.committed();
  await execa('tmux', [...bed.tmuxArgs, 'kill-server']);
  await expect(first.result).rejects.toMatchObject({ type: 'SessionLost', nonRetryable: false });
  expect(first.beats.every((b) => b.sessionId === input.sessionId)).toBe(true);
  const last = first.beats[first.beats.length - 1];
  expect(last.interruption).toContain('tmux pane');

  gate.open();
  const before = bed.model.bodies.length;
  // Temporal's retry: a later attempt with the last heartbeat; the tmux session is gone and made again.
  const retry = runActivity(input, { attempt: 2, heartbeatDetails: last });
  await expect(retry.result).resolves.toMatchObject({ exitCode: 0, endedBy: 'stop-hook', resumed: true });
  expect(resumedRequest(before)).toContain(`toolu_ccp_${n}_1`);
  expect(resumedRequest(before)).toContain('tmux pane');
  expect(await commits(gate.repo)).toEqual([`Implement #${n}: Resume ${n}`, 'initial']);
});

test.each([
  ['the shutdown signal (detach)', 'signal'],
  ["Temporal's WORKER_SHUTDOWN cancellation", 'cancel'],
] as const)('worker shutdown by %s: the agent keeps running and the next worker re-attaches', async (_how, how) => {
  const n = how === 'signal' ? 73 : 74;
  const gate = await gatedRepo(`repo-detach-${how}`);
  const input = activityRun(n, gate.repo, randomUUID());
  const shutdown = new AbortController();
  const first = runActivity(input, { shutdown: { signal: shutdown.signal, mode: () => 'detach' } });
  const paneId = await first.paneId();
  await gate.committed();
  const pid = await bed.paneVar(paneId, 'pane_pid');
  const asked = Date.now();
  if (how === 'signal') shutdown.abort();
  else first.env.cancel('WORKER_SHUTDOWN');
  await expect(first.result).rejects.toMatchObject({ type: 'WorkerShutdown', nonRetryable: false });
  expect(Date.now() - asked).toBeLessThan(10_000); // at once, not when the (gated) agent ends
  // Untouched: same process, still running, still labelled for the subissue.
  expect(await bed.paneVar(paneId, '@ccp_task')).toBe(`subissue-${n}`);
  expect(await bed.paneVar(paneId, 'pane_dead')).toBe('0');
  expect(await bed.paneVar(paneId, 'pane_pid')).toBe(pid);

  gate.release();
  const next = runActivity(input, { attempt: 2, heartbeatDetails: first.beats[first.beats.length - 1] });
  await expect(next.result).resolves.toMatchObject({ paneId, reattached: true, exitCode: 0, endedBy: 'stop-hook' });
  // One run of the agent: each step of the scripted conversation was asked for once.
  expect(steps(n)).toEqual([0, 1, 2]);
  expect(await bed.paneVar(paneId, '@ccp_task')).toBe('');
});

test('ccp down --now: the agent is stopped, WorkerShutdown (retryable), and the next attempt resumes', async () => {
  const n = 75;
  const gate = await gatedRepo('repo-now');
  const input = activityRun(n, gate.repo, randomUUID());
  const shutdown = new AbortController();
  const first = runActivity(input, { shutdown: { signal: shutdown.signal, mode: () => 'now' } });
  const paneId = await first.paneId();
  await gate.committed();
  shutdown.abort();
  await expect(first.result).rejects.toMatchObject({ type: 'WorkerShutdown', nonRetryable: false });
  expect(await bed.paneVar(paneId, '@ccp_task')).toBe('');
  expect(existsSync(path.join(bed.dir, 'run', `subissue-${n}.exit`))
    || (await bed.tmux.capturePane(paneId)).includes('agent stopped')).toBe(true);

  gate.open();
  const before = bed.model.bodies.length;
  const next = runActivity(input, { attempt: 2, heartbeatDetails: first.beats[first.beats.length - 1] });
  await expect(next.result).resolves.toMatchObject({ exitCode: 0, endedBy: 'stop-hook', resumed: true });
  expect(resumedRequest(before)).toContain(`toolu_ccp_${n}_1`);
  expect(resumedRequest(before)).toContain('ccp down --now');
  expect(await commits(gate.repo)).toEqual([`Implement #${n}: Resume ${n}`, 'initial']);
});

test('stopped while a tool call was in flight: the resumed agent checks it, makes it again and commits', async () => {
  const n = 76;
  const repo = await bed.makeRepo('repo-cut');
  const request = { ...sessionRequest(`subissue-${n}`, repo, subissue(n, 'Survive a cut')), sessionId: randomUUID() };
  // The first attempt's Write waits for a person: a fixed point between the model's tool call and its result.
  const base = loadSessionPolicy();
  const askWrites: SessionPolicy = { ...base, evaluate: (asked, context) => (asked.tool === 'Write'
    ? { decision: 'ask', reason: 'held for the test', category: 'unknown' } : base.evaluate(asked, context)) };
  let asked = false;
  const stop = new AbortController();
  const first = bed.agent({ policy: askWrites }).runSession({ ...request, signal: stop.signal,
    onNeedsYou: (_question, signal) => {
      asked = true;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));
    } });
  await waitFor('the Write to wait for a person', async () => asked, 60_000);
  stop.abort();
  await expect(first).resolves.toMatchObject({ endedBy: 'cancelled' });
  expect(await commits(repo)).toEqual(['initial']);

  const before = bed.model.bodies.length;
  const retried = await bed.agent().runSession({ ...request,
    resumeReason: 'the ccp worker shut down and stopped the agent (ccp down --now)' });
  expect(retried).toMatchObject({ exitCode: 0, endedBy: 'stop-hook', resumed: true });
  expect(resumedRequest(before)).toContain(`toolu_ccp_${n}_0`);
  expect(await commits(repo)).toEqual([`Implement #${n}: Survive a cut`, 'initial']);
  expect(existsSync(path.join(repo, 'notes', `subissue-${n}.md`))).toBe(true);
});
