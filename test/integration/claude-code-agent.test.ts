// The Claude Code agent adapter with everything real: tmux on an isolated socket, git repos, the pinned Claude Code
// CLI, and ccp's scripted model server standing in for the Messages API.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { ClaudeCodeOptions } from '../../src/agents/types.js';
import type { TmuxAdapter } from '../../src/adapters/tmux.js';
import { parsePlan } from '../../src/core/plan.js';
import { buildAnalyzerPrompt } from '../../src/core/prompts.js';
import type { ModelServer } from '../../src/standin/model/index.js';
import { API_KEY, commits, REPO, sampleDialogs, SESSION, sessionRequest, startAgentBed, subissue, toolResult,
  type AgentBed } from '../helpers/agent-bed.js';

let bed: AgentBed;
let dir: string;
let tmux: TmuxAdapter;
let model: ModelServer;

const tmuxArgs = (): string[] => bed.tmuxArgs;
const makeRepo = (name: string): Promise<string> => bed.makeRepo(name);
const agentWith = (overrides: Partial<ClaudeCodeOptions> = {}) => bed.agent(overrides);
const paneTask = (paneId: string): Promise<string> => bed.paneVar(paneId, '@ccp_task');

beforeAll(async () => {
  bed = await startAgentBed();
  ({ dir, tmux, model } = bed);
});

afterAll(async () => {
  await bed?.close();
});

test('(a) the hook allows the Write and the commit with no dialog on screen; the session exits through the Stop hook', async () => {
  const repo = await makeRepo('repo-a');
  const phases: string[] = [];
  const started = Date.now();
  const keysBefore = bed.keys.length;
  const screens = sampleDialogs(tmux, async () => (await tmux.listPanes(SESSION)).filter((p) => p.task === 'subissue-11')
    .map((p) => p.id), 100);
  const result = await agentWith().runSession({ ...sessionRequest('subissue-11', repo, subissue(11, 'Add the widget')),
    onProgress: (p) => phases.push(p.phase) });
  const seen = await screens.stop();
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook', reattached: false });
  expect(result.approvals.map((a) => `${a.via} ${a.tool}:${a.decision}`)).toEqual(['hook Write:allow', 'hook Bash:allow']);
  // Subjects are the hook's exact tool input.
  expect(result.approvals.map((a) => a.subject)).toEqual([path.join(repo, 'notes/subissue-11.md'),
    'git add -A && git commit -q -m "Implement #11: Add the widget"']);
  // The prompts never reached the screen, and no key was sent at all: not for a dialog, and not to end the
  // session (SIGINT ended it, no typed /exit).
  expect(screens.samples()).toBeGreaterThan(5);
  expect(seen).toEqual([]);
  expect(bed.keys.slice(keysBefore).map((k) => k.keys.join(' '))).toEqual([]);
  expect(await commits(repo)).toEqual(['Implement #11: Add the widget', 'initial']);
  expect(readFileSync(path.join(repo, 'notes/subissue-11.md'), 'utf8')).toContain('Add the widget');
  expect(phases).toEqual(expect.arrayContaining(['claiming-pane', 'starting', 'running', 'exiting', 'done']));
  expect(phases).not.toContain('approving');
  expect(await paneTask(result.paneId)).toBe('');
  const events = readFileSync(path.join(dir, 'run', 'subissue-11.events.jsonl'), 'utf8');
  expect(events).toMatch(/"hook_event_name":"Stop"/);
  // Ended cleanly: Claude Code ran its SessionEnd hooks on the way out.
  expect(events).toMatch(/"hook_event_name":"SessionEnd"/);
  // The raw pane log holds the whole session, up to the wrapper's own last line (Ink redraws only changed cells,
  // so the agent's screens are not searchable as text there; the approvals above carry the exact commands).
  const paneLog = readFileSync(path.join(dir, 'run', 'subissue-11.pane.log'), 'utf8');
  expect(paneLog).toContain('[ccp] agent exited with code 0');
  expect(model.requests.filter((r) => r.subissue === 11).map((r) => r.step)).toEqual([0, 1, 2]);
  // The scripted model found the worktree in Claude Code's environment section and wrote an absolute path.
  const write = events.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((e) => e.hook_event_name === 'PreToolUse' && e.tool_name === 'Write');
  expect(write?.tool_input).toMatchObject({ file_path: path.join(repo, 'notes/subissue-11.md') });
  const title = await execa('tmux', [...tmuxArgs(), 'display-message', '-p', '-t', result.paneId, '#{@ccp_title}']);
  expect(title.stdout).toBe('idle (last: subissue-11)');
  console.log(`session (a) took ${Date.now() - started} ms`);
});

test('(b) without pre-trust, the trust and API key dialogs are answered by their text', async () => {
  const repo = await makeRepo('repo-b');
  const agent = agentWith({ preTrustWorktrees: false, home: path.join(dir, 'home-b') });
  const result = await agent.runSession(sessionRequest('subissue-12', repo, subissue(12, 'Trust me')));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  const kinds = result.approvals.map((a) => `${a.dialog}:${a.decision}`);
  expect(kinds.slice(0, 2)).toEqual(['trust:allow', 'api-key:allow']);
  expect(result.approvals[0].subject).toBe(repo);
  expect(await commits(repo)).toHaveLength(2);
});

test('(c) a subissue scripted to fail ends without changes', async () => {
  const repo = await makeRepo('repo-c');
  const sub = subissue(13, 'Impossible thing', 'Do the impossible.\nccp-script: fail');
  const result = await agentWith().runSession(sessionRequest('subissue-13', repo, sub));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook', approvals: [] });
  expect(result.lastScreen).toContain('I cannot do subissue #13');
  expect(await commits(repo)).toEqual(['initial']);
});

test('a dangerous command is denied by the hook with a reason the model receives; the session goes on', async () => {
  const repo = await makeRepo('repo-deny');
  const sub = subissue(14, 'Look around', 'Look first.\nccp-script: run: sudo ls /root');
  const result = await agentWith().runSession(sessionRequest('subissue-14', repo, sub));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  expect(result.approvals.map((a) => `${a.tool}:${a.decision}`)).toEqual(['Bash:deny', 'Write:allow', 'Bash:allow']);
  expect(result.approvals[0]).toMatchObject({ subject: 'sudo ls /root', category: 'privilege',
    reason: expect.stringContaining('sudo') as unknown });
  // The refusal came back to the model as an error tool result carrying ccp's reason, and the agent went on.
  const refused = toolResult(model, 14, 0);
  expect(refused).toMatchObject({ is_error: true });
  expect(JSON.stringify(refused?.content)).toContain(result.approvals[0].reason);
  expect(await commits(repo)).toEqual(['Implement #14: Look around', 'initial']);
});

test('(d) concurrent sessions take different panes; a third waits for a free one', async () => {
  const repos = await Promise.all(['repo-d1', 'repo-d2', 'repo-d3'].map(makeRepo));
  // The third waits until a pane is free, however long the first two take on a loaded machine (by default a
  // session gives its slot back after 10 s and the activity retries: that path is tested elsewhere).
  const agent = agentWith({ paneWaitMs: 10 * 60_000 });
  // When each session held which pane: from its 'starting' phase until it resolved.
  const holds = await Promise.all(repos.map(async (repo, i) => {
    let from = 0;
    const result = await agent.runSession({ ...sessionRequest(`subissue-2${i}`, repo, subissue(20 + i, `Parallel ${i}`)),
      onProgress: (p) => { if (p.phase === 'starting') from = Date.now(); } });
    return { result, from, to: Date.now() };
  }));
  expect(holds.map((h) => h.result.endedBy)).toEqual(['stop-hook', 'stop-hook', 'stop-hook']);
  const workers = (await tmux.listPanes(SESSION)).filter((p) => p.role === 'worker');
  expect(new Set(holds.map((h) => h.result.paneId))).toEqual(new Set(workers.map((p) => p.id)));
  for (const a of holds) {
    for (const b of holds) {
      if (a !== b && a.result.paneId === b.result.paneId) expect(a.to <= b.from || b.to <= a.from).toBe(true);
    }
  }
  for (const [i, repo] of repos.entries()) expect((await commits(repo))[0]).toBe(`Implement #2${i}: Parallel ${i}`);
  expect(workers.map((p) => p.task)).toEqual(['', '']);
});

test('(e) the API key never shows in panes, wrapper scripts, pane logs or tmux commands', async () => {
  const captures = await Promise.all((await tmux.listPanes(SESSION)).map((p) => tmux.capturePane(p.id, 10_000)));
  const startCommands = (await execa('tmux', [...tmuxArgs(), 'list-panes', '-a', '-F', '#{pane_start_command}'])).stdout;
  const runDir = path.join(dir, 'run');
  // Every file, that is: sockets of sessions still winding down are not files to read.
  const runFiles = readdirSync(runDir).filter((f) => !f.endsWith('.env') && statSync(path.join(runDir, f)).isFile());
  expect(runFiles.filter((f) => f.endsWith('.sh')).length).toBeGreaterThanOrEqual(5);
  expect(startCommands).toContain('.sh');
  for (const text of [...captures, startCommands, ...runFiles.map((f) => readFileSync(path.join(runDir, f), 'utf8'))]) {
    expect(text).not.toContain(API_KEY);
  }
  for (const envFile of readdirSync(runDir).filter((f) => f.endsWith('.env'))) {
    expect(statSync(path.join(runDir, envFile)).mode & 0o777).toBe(0o600);
  }
});

test('(f) ask() runs print mode; the analyzer answer is a plan parsePlan accepts', async () => {
  const repo = await makeRepo('repo-f');
  const body = 'We need:\n- [ ] Parse the config\n- [ ] Render widgets {fail}\n- [ ] Document it {after:1}\n';
  const prompt = buildAnalyzerPrompt(REPO, { number: 5, id: 55, title: 'Widgets v2', body, state: 'open', url: 'u' });
  const plan = parsePlan(await agentWith().ask({ prompt, cwd: repo, timeoutMs: 60_000 }));
  expect(plan.subissues.map((s) => [s.key, s.title, s.dependsOn])).toEqual([
    ['parse-the-config', 'Parse the config', []],
    ['render-widgets', 'Render widgets', []],
    ['document-it', 'Document it', ['parse-the-config']],
  ]);
  expect(plan.subissues[1].description).toContain('ccp-script: fail');
  expect(plan.subissues[0].description).not.toContain('ccp-script');
});

test('ask() reports a failure without leaking the environment', async () => {
  // The stand-in answers 404 under this prefix: an error Claude Code does not retry.
  const agent = agentWith({ env: { ANTHROPIC_BASE_URL: `${model.url}/gone`, ANTHROPIC_API_KEY: API_KEY } });
  const failure = agent.ask({ prompt: 'hello', cwd: dir, timeoutMs: 30_000 });
  await expect(failure).rejects.toThrow(/agent print mode failed/);
  await expect(failure).rejects.not.toThrow(API_KEY);
});

test('a timeout stops the agent and frees the pane', async () => {
  const repo = await makeRepo('repo-t');
  const result = await agentWith().runSession({ ...sessionRequest('subissue-31', repo, subissue(31, 'Slow')),
    timeoutMs: 500 });
  expect(result.endedBy).toBe('timeout');
  expect(await paneTask(result.paneId)).toBe('');
});

test('an aborted signal cancels the session and frees the pane', async () => {
  const repo = await makeRepo('repo-x');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 700);
  const result = await agentWith().runSession({ ...sessionRequest('subissue-32', repo, subissue(32, 'Cancel me')),
    signal: controller.signal });
  expect(result.endedBy).toBe('cancelled');
  expect(await paneTask(result.paneId)).toBe('');
});
