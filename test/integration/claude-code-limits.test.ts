// Usage limits and the health check on the real Claude Code CLI: the stand-in model answers 429 with a subscriber's
// rate-limit headers (the CLI then shows "You've hit your 5-hour limit · resets …" and fires StopFailure), or holds
// a request open without an answer (a silent session).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageLimited, type AgentProgress } from '../../src/agents/types.js';
import { limitGateFile } from '../../src/agents/claude-code/limits.js';
import { HANG_MARKER, LIMIT_MARKER } from '../../src/standin/model/limits.js';
import { commits, sessionRequest, startAgentBed, subissue, type AgentBed } from '../helpers/agent-bed.js';

let bed: AgentBed;

beforeAll(async () => {
  bed = await startAgentBed(2);
});

afterAll(async () => {
  await bed?.close();
});

const gate = (): string => limitGateFile(path.join(bed.dir, 'run'));
// Signed in like a subscriber (an OAuth token): the CLI reads the limit headers and shows its limit screen.
const subscriber = () => ({ env: { ANTHROPIC_BASE_URL: bed.model.url, CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat01-ccp-test-token' } });

test('a usage limit is a pause: usage-limit with its reset, new sessions held back, the session continues after it', async () => {
  const agent = bed.agent(subscriber());
  const limitedRepo = await bed.makeRepo('limited');
  const otherRepo = await bed.makeRepo('other');
  const progress: AgentProgress[] = [];
  const before = Date.now();
  const limited = agent.runSession({ ...sessionRequest('subissue-71', limitedRepo,
    subissue(71, 'Limited work', `Implement it.\n${LIMIT_MARKER} 20`)), onProgress: (p) => progress.push(p) });

  const limitSeen = await waitUntil(() => progress.find((p) => p.phase === 'usage-limit'), 60_000);
  const seenAt = Date.now();
  // The CLI shows the reset to the minute; the stand-in's reset is 20 s after the first request.
  const resetsAt = Date.parse(limitSeen.resetsAt ?? '');
  expect(resetsAt % 60_000).toBe(0);
  expect(resetsAt).toBeGreaterThan(before + 20_000 - 60_000);
  expect(resetsAt).toBeLessThanOrEqual(seenAt + 20_000);
  expect(bed.model.requests.some((r) => r.kind === 'work-limited' && r.subissue === 71)).toBe(true);

  // The host's gate holds a new session back until the end of the shown minute.
  expect(existsSync(gate())).toBe(true);
  const held = await agent.runSession(sessionRequest('subissue-72', otherRepo, subissue(72, 'Other work')))
    .then(() => undefined, (err: unknown) => err);
  expect(held).toBeInstanceOf(UsageLimited);
  const until = (held as UsageLimited).until.getTime();
  expect(until).toBe(resetsAt + 60_000);

  // Claude Code continues by itself after the reset (or ccp types "continue"); the session completes.
  const result = await limited;
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  expect(await commits(limitedRepo)).toEqual(['Implement #71: Limited work', 'initial']);
  expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['usage-limit', 'running', 'done']));

  // After the reset the held-back session starts and completes. Waited a little past it: a timer may fire a
  // millisecond before Date.now() reaches its time, and the gate still holds at that millisecond (CI saw it).
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, until + 500 - Date.now())));
  const later = await agent.runSession(sessionRequest('subissue-72', otherRepo, subissue(72, 'Other work')));
  expect(later).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
  expect(await commits(otherRepo)).toEqual(['Implement #72: Other work', 'initial']);
}, 300_000);

test("with Claude Code's own auto-continue off, its limit menu is a known dialog: ccp picks waiting in the pane", async () => {
  // User settings of the agent's HOME: the CLI then asks what to do at a limit instead of waiting by itself.
  const settings = path.join(bed.dir, 'home', '.claude', 'settings.json');
  rmSync(gate(), { force: true });
  mkdirSync(path.dirname(settings), { recursive: true });
  writeFileSync(settings, JSON.stringify({ autoContinueAtUsageLimit: false }));
  try {
    const repo = await bed.makeRepo('menu');
    const progress: AgentProgress[] = [];
    const result = await bed.agent(subscriber()).runSession({ ...sessionRequest('subissue-74', repo,
      subissue(74, 'Menu work', `Implement it.\n${LIMIT_MARKER} 15`)), onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook' });
    expect(result.approvals.filter((a) => a.via === 'pane').map((a) => `${a.dialog}:${a.decision}`)).toEqual(['usage-limit:allow']);
    expect(progress.some((p) => p.phase === 'needs-you')).toBe(false);
    expect(progress.some((p) => p.phase === 'usage-limit')).toBe(true);
    expect(await commits(repo)).toEqual(['Implement #74: Menu work', 'initial']);
  } finally {
    rmSync(settings, { force: true });
  }
}, 300_000);

test('a silent session is nudged once, then ended as stalled with the reason', async () => {
  rmSync(gate(), { force: true });
  const repo = await bed.makeRepo('silent');
  const progress: AgentProgress[] = [];
  const agent = bed.agent({ stallMs: 6_000 });
  const keysBefore = bed.keys.length;
  const result = await agent.runSession({ ...sessionRequest('subissue-73', repo,
    subissue(73, 'Silent work', `Implement it.\n${HANG_MARKER}`)), onProgress: (p) => progress.push(p) });
  expect(result.endedBy).toBe('stalled');
  expect(result.reason).toMatch(/^stalled for \d+ s$/);
  expect(progress.some((p) => p.stalledSince !== undefined)).toBe(true);
  // The nudge interrupted the hung request and sent a new one (which hangs too).
  expect(bed.keys.slice(keysBefore).some((k) => k.keys.includes('Escape'))).toBe(true);
  expect(bed.model.requests.filter((r) => r.kind === 'work-hang' && r.subissue === 73).length).toBeGreaterThanOrEqual(2);
}, 180_000);

async function waitUntil<T>(find: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
