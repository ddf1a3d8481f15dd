// `ccp policy check` as a user runs it: JSON lines in, one verdict per line out, malformed lines answered and
// skipped, a bad policy file is a usage error naming the rule.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ccp = fileURLToPath(new URL('../../../bin/ccp.js', import.meta.url));
let root: string;
let wt: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ccp-policy-cli-'));
  wt = path.join(root, 'ccp', 'worktrees', 'subissue-12');
  mkdirSync(path.join(wt, 'src'), { recursive: true });
  mkdirSync(path.join(root, 'home', '.ssh'), { recursive: true });
  env = { ...process.env, CCP_HOME: path.join(root, 'ccp'), CCP_POLICY_FILE: '' };
  delete env.CCP_POLICY_FILE;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const line = (tool: string, input: Record<string, unknown>) => JSON.stringify({ tool_name: tool, tool_input: input, cwd: wt });
const check = (input: string, ...args: string[]) =>
  execFileSync('node', [ccp, 'policy', 'check', '--home', path.join(root, 'home'), ...args], { input, env, encoding: 'utf8' })
    .trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

test('one verdict per request line, in order, with decision, reason and category', () => {
  const out = check([
    line('Bash', { command: 'npm test' }),
    line('Bash', { command: 'git push --force origin subissue/12' }),
    '{"not": "a request"',
    line('Read', { file_path: path.join(root, 'home', '.ssh', 'id_rsa') }),
    line('Bash', { command: 'git push origin subissue/12' }),
    line('Bash', { command: 'touch ../subissue-13/x' }),
  ].join('\n'));
  expect(out.map((v) => v.decision)).toEqual(['allow', 'deny', 'deny', 'deny', 'allow', 'deny']);
  expect(out[1]).toMatchObject({ category: 'history-rewrite', reason: expect.stringMatching(/without force/) });
  expect(out[2]).toMatchObject({ error: true, reason: expect.stringMatching(/^input line 3 is not/) });
  expect(out[5]).toMatchObject({ category: 'outside-worktree' });
});

test('--policy adds rules; the deciding rule is printed', () => {
  const file = path.join(root, 'policy.json');
  writeFileSync(file, JSON.stringify({ allow: ['Bash(docker compose up:*)'] }));
  const [verdict] = check(line('Bash', { command: 'docker compose up -d' }), '--policy', file);
  expect(verdict).toMatchObject({ decision: 'allow', rule: 'Bash(docker compose up:*)' });
});

test('a bad policy file or option is a usage error (exit 2) that names the problem', () => {
  const file = path.join(root, 'bad.json');
  writeFileSync(file, JSON.stringify({ deny: ['Bash(rm -rf'] }));
  const bad = spawnSync('node', [ccp, 'policy', 'check', '--policy', file], { input: '', env, encoding: 'utf8' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain(`policy file ${file}: deny rule "Bash(rm -rf" is malformed`);
  expect(spawnSync('node', [ccp, 'policy', 'check', '--bogus'], { input: '', env, encoding: 'utf8' }).status).toBe(2);
});
