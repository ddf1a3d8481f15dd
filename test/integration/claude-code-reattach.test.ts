// Re-attaching to an agent session after the ccp worker process running it died: a child process runs the session
// and is SIGKILLed mid-way; the real Claude Code keeps running in its pane; the next runSession with the same label
// takes the session over instead of starting the agent again.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgentProgress, AgentSessionRequest, ClaudeCodeOptions } from '../../src/agents/types.js';
import { readApprovals } from '../../src/cli/approvals.js';
import { detectDialog } from '../../src/agents/claude-code/dialogs.js';
import type { ChildSessionConfig } from '../fixtures/run-session.js';
import { askingPolicy, commits, SESSION, sessionRequest, startAgentBed, subissue, waitFor, type AgentBed }
  from '../helpers/agent-bed.js';

// Tests run from dist/test/integration; the fixture is compiled next to them.
const CHILD = fileURLToPath(new URL('../fixtures/run-session.js', import.meta.url));
let bed: AgentBed;

beforeAll(async () => {
  bed = await startAgentBed();
});

afterAll(async () => {
  await bed?.close();
});

/** Runs a session in a child process (a ccp worker); resolves the first progress report that `until` accepts. */
function sessionInChild(request: AgentSessionRequest, until: (p: AgentProgress) => boolean,
  overrides: Partial<ClaudeCodeOptions> = {}, askAbout?: string) {
  const { tmux: _tmux, ...options } = bed.options(overrides);
  const config: ChildSessionConfig = { socketPath: bed.socketPath, options, request, ...(askAbout ? { askAbout } : {}) };
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, CCP_TEST_SESSION: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reached = new Promise<AgentProgress>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      output += lines.join('\n');
      const hit = lines.filter(Boolean).map((l) => JSON.parse(l) as AgentProgress).find((p) => 'phase' in p && until(p));
      if (hit) resolve(hit);
    });
    void exited.then(() => reject(new Error(`the session process ended first:\n${output}`)));
  });
  return { reached, kill: async () => { child.kill('SIGKILL'); await exited; } };
}

const panePid = (paneId: string): Promise<string> => bed.paneVar(paneId, 'pane_pid');

test('a session whose worker process died is re-attached: same pane and process, the waiting hook answered', async () => {
  const repo = await bed.makeRepo('repo-r');
  const label = 'subissue-41';
  const request = sessionRequest(label, repo, subissue(41, 'Survive a crash'));
  const auditLog = path.join(bed.dir, 'reattach-approvals.jsonl');
  // The commit needs a person; the worker dies while the question waits.
  const worker = sessionInChild(request, (p) => p.phase === 'needs-you', { auditLog }, 'git commit');
  const { paneId, question } = await worker.reached;
  await worker.kill();
  expect(question).toMatchObject({ kind: 'tool', tool: 'Bash', subject: expect.stringContaining('git commit') as unknown });
  // Nobody answers any more: the agent's hook keeps asking the gone channel; no dialog shows meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(detectDialog(await bed.tmux.capturePane(paneId as string))).toBeUndefined();
  const pid = await panePid(paneId as string);
  expect(await bed.paneVar(paneId as string, '@ccp_task')).toBe(label);

  const started = Date.now();
  const asked: string[] = [];
  const result = await bed.agent({ auditLog, policy: askingPolicy('git commit') }).runSession({ ...request,
    onNeedsYou: async (q) => {
      asked.push(q.id);
      return { decision: 'allow', reason: 'a person said yes', by: 'person' };
    } });
  console.log(`re-attached session took ${Date.now() - started} ms`);
  expect(result).toMatchObject({ paneId, reattached: true, exitCode: 0, endedBy: 'stop-hook' });
  // The retried attempt asked the same question the dead one had asked.
  expect(asked).toEqual([question?.id]);
  expect(result.approvals.map((a) => `${a.via} ${a.tool}:${a.decision} ${a.asked?.by ?? ''}`))
    .toEqual(['hook Bash:allow person']);
  expect(await panePid(paneId as string)).toBe(pid);
  expect(await commits(repo)).toEqual(['Implement #41: Survive a crash', 'initial']);
  // The agent ran once: every step of the scripted conversation was asked for once.
  expect(bed.model.requests.filter((r) => r.subissue === 41).map((r) => r.step)).toEqual([0, 1, 2]);
  expect(await bed.paneVar(paneId as string, '@ccp_task')).toBe('');
  // Both workers' decisions are in the one audit log.
  expect(readApprovals(auditLog).map((l) => `${l.pane} ${l.tool}:${l.decision}`))
    .toEqual([`${paneId} Write:allow`, `${paneId} Bash:allow`]);
});

test('a session that ended while no worker watched it is reported, not run again', async () => {
  const repo = await bed.makeRepo('repo-e');
  const label = 'subissue-42';
  const request = sessionRequest(label, repo, subissue(42, 'Ended alone'));
  // An agent command that fails after a moment: the session ends while nobody watches.
  const worker = sessionInChild(request, (p) => p.phase === 'running',
    { command: '/bin/sh', extraArgs: ['-c', 'sleep 1; exit 3'] });
  const { paneId } = await worker.reached;
  await worker.kill();
  await waitFor('the agent to exit', async () =>
    (await bed.tmux.listPanes(SESSION)).some((p) => p.id === paneId && p.dead));
  const pid = await panePid(paneId as string);
  const requestsBefore = bed.model.requests.length;

  // The real Claude Code this time: had the session been run again, it would have asked the model and committed.
  const result = await bed.agent().runSession(request);
  expect(result).toMatchObject({ paneId, reattached: true, exitCode: 3, endedBy: 'exit', approvals: [] });
  expect(result.lastScreen).toContain('[ccp] agent exited with code 3');
  expect(await panePid(paneId as string)).toBe(pid);
  expect(bed.model.requests.length).toBe(requestsBefore);
  expect(await commits(repo)).toEqual(['initial']);
  expect(await bed.paneVar(paneId as string, '@ccp_task')).toBe('');
});

test('a pane labelled by a worker that died before starting the agent gets a fresh session', async () => {
  const repo = await bed.makeRepo('repo-f');
  const label = 'subissue-43';
  const [pane] = (await bed.tmux.listPanes(SESSION)).filter((p) => p.role === 'worker');
  await bed.tmux.setPaneOption(pane.id, '@ccp_task', label);
  const result = await bed.agent().runSession(sessionRequest(label, repo, subissue(43, 'Start over')));
  expect(result).toMatchObject({ paneId: pane.id, reattached: false, exitCode: 0, endedBy: 'stop-hook' });
  expect((await commits(repo))[0]).toBe('Implement #43: Start over');
});
