// The approval policy file and the audit log with the real Claude Code on the scripted model server.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readApprovals } from '../../src/cli/approvals.js';
import { API_KEY, commits, sessionRequest, startAgentBed, subissue, type AgentBed } from '../helpers/agent-bed.js';

let bed: AgentBed;

beforeAll(async () => {
  bed = await startAgentBed();
});

afterAll(async () => {
  await bed?.close();
});

const SECRET = 'Zq9sEcReTvAlUe7';

test('a policy file denies git commit: the agent gets the reason, every decision is in the audit log', async () => {
  const repo = await bed.makeRepo('repo-p');
  const policyFile = path.join(bed.dir, 'policy.json');
  writeFileSync(policyFile, JSON.stringify({ deny: ['Bash(git commit:*)'] }));
  const auditLog = path.join(bed.dir, 'logs', 'approvals.jsonl');
  const agent = bed.agent({ policyFile, auditLog,
    env: { ANTHROPIC_BASE_URL: bed.model.url, ANTHROPIC_API_KEY: API_KEY, DEPLOY_TOKEN: SECRET } });
  // The title reaches the commit command the model writes: with a secret in it, the log must not show it.
  const result = await agent.runSession(sessionRequest('subissue-51', repo, subissue(51, `Use ${SECRET} here`)));
  expect(result).toMatchObject({ exitCode: 0, endedBy: 'stop-hook', reattached: false });
  const reason = 'ccp policy: denied by rule Bash(git commit:*)';
  expect(result.approvals.map((a) => `${a.via} ${a.tool}:${a.decision}`)).toEqual(['hook Write:allow', 'hook Bash:deny']);

  const lines = readApprovals(auditLog);
  expect(lines).toEqual(result.approvals.map((a) => ({ ...a, pane: result.paneId })));
  expect(lines[1]).toMatchObject({ label: 'subissue-51', tool: 'Bash', decision: 'deny', reason,
    rule: 'Bash(git commit:*)', subject: 'git add -A && git commit -q -m "Implement #51: Use *** here"' });
  const logText = readFileSync(auditLog, 'utf8');
  expect(logText).not.toContain(SECRET);
  expect(logText).not.toContain(API_KEY);
  expect(statSync(auditLog).mode & 0o777).toBe(0o600);

  // The refusal reached the model as an error tool result carrying the reason, and the agent gave up.
  const lastBody = bed.model.bodies[bed.model.bodies.length - 1] as { messages: Array<{ content: unknown }> };
  const results = lastBody.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []) as
    Array<{ type: string; is_error?: boolean; content?: unknown }>).filter((b) => b.type === 'tool_result');
  expect(results.find((b) => b.is_error === true && JSON.stringify(b.content).includes(reason))).toBeDefined();
  expect(result.lastScreen).toContain('Could not finish #51');
  expect(await commits(repo)).toEqual(['initial']);

  // Append-only: the next session's decisions follow, the earlier lines stay as they were.
  const repo2 = await bed.makeRepo('repo-p2');
  const second = await bed.agent({ auditLog }).runSession(sessionRequest('subissue-52', repo2, subissue(52, 'Fine')));
  expect(second.approvals.map((a) => a.decision)).toEqual(['allow', 'allow']);
  const after = readFileSync(auditLog, 'utf8');
  expect(after.startsWith(logText)).toBe(true);
  expect(readApprovals(auditLog, { label: 'subissue-52' })).toHaveLength(2);
  expect(readApprovals(auditLog)).toHaveLength(4);
});

test('a malformed policy file stops the adapter at creation, naming the file and the rule', () => {
  const policyFile = path.join(bed.dir, 'bad-policy.json');
  writeFileSync(policyFile, JSON.stringify({ allow: ['Edit'], deny: ['Bash(git push', 'Bash(sudo:*)'] }));
  expect(() => bed.agent({ policyFile }))
    .toThrow(`policy file ${policyFile}: deny rule "Bash(git push" is malformed: missing ")" at the end`);
  writeFileSync(policyFile, '{"deny": [');
  expect(() => bed.agent({ policyFile })).toThrow(new RegExp(`policy file ${policyFile} is not valid JSON`));
  expect(() => bed.agent({ policyFile: path.join(bed.dir, 'none.json') })).toThrow(/none\.json cannot be read/);
});
