// `ccp plan` and `ccp start --plan` as a user meets them, against the GitHub stand-in and the real Claude Code on the
// scripted model: the dry run prints the split and creates nothing; the planning template can be replaced (and a bad
// one is named); a bad plan file, or --plan where it cannot apply, is a usage error and nothing starts.
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitHubAdapter } from '../../src/adapters/github.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import { planSubissues } from '../../src/standin/model/script.js';
import { CCP_BIN } from '../../src/stack/stack.js';

let dir: string;
let offline: OfflineServices;
let owner: string;
let repo: string;
const BODY = 'Greet people.\n\n- [ ] Write the greeting function\n- [ ] Document the greeting {after:1}\n';
let issue: number;

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-plan-cli-');
  offline = await startOfflineServices(dir);
  [owner, repo] = offline.env.CCP_REPO.split('/');
  issue = offline.github.seedIssue(owner, repo, { title: 'Add a greeting module', body: BODY }).number;
});

afterAll(async () => {
  await offline?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ccp(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [CCP_BIN, ...args], {
    env: { ...process.env, ...offline.env, CCP_HOME: path.join(dir, 'ccp-home'), CCP_TEMPORAL_PORT: '1', ...env },
    extendEnv: false, reject: false, cwd: dir,
  });
}
const writes = (since: number) => offline.github.requests().filter((r) => r.at >= since && r.method !== 'GET');
const planRequests = () => offline.model.requests.filter((r) => r.kind === 'analyze').length;

test('ccp plan prints the split and creates nothing on GitHub', async () => {
  const [since, issuesBefore] = [Date.now(), offline.github.listIssues(owner, repo).length];
  const run = await ccp(['plan', String(issue)]);
  expect({ exitCode: run.exitCode, stderr: run.stderr }).toMatchObject({ exitCode: 0 });
  expect(run.stdout).toContain(`Plan for #${issue} "Add a greeting module" (${owner}/${repo}): 2 subissues`);
  expect(run.stdout).toContain('Nothing was created on GitHub.');
  expect(run.stdout).toMatch(/1\. Write the greeting function\n {3}key write-the-greeting-function · high · 2 h · depends on: —/);
  expect(run.stdout).toMatch(/2\. Document the greeting\n {3}key document-the-greeting · normal · 3 h · depends on: write-the-greeting-function/);
  expect(run.stdout).toContain('   - Write the greeting function is implemented and committed');
  expect(run.stdout).toContain(`ccp start ${issue} --plan plan.json`);
  expect(writes(since)).toEqual([]);
  expect(offline.github.listIssues(owner, repo)).toHaveLength(issuesBefore);
  expect(offline.github.getIssue(owner, repo, issue)?.subIssueIds).toEqual([]);
});

test('ccp plan --json prints the plan object, as the scripted model planned it', async () => {
  const run = await ccp(['plan', String(issue), '--json']);
  expect(run.exitCode).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ subissues: planSubissues({ number: issue, title: 'Add a greeting module', body: BODY }) });
});

test.each([
  ['CCP_PLAN_TEMPLATE', 'custom.md', (file: string) => ({ CCP_PLAN_TEMPLATE: file })],
  ['$CCP_HOME/prompts/plan.md', 'prompts/plan.md', () => ({})],
])('a template at %s changes the prompt the model receives', async (_where, relative, envFor) => {
  const home = mkdtempSync(path.join(dir, 'home-'));
  mkdirSync(path.join(home, 'prompts'));
  const file = path.join(home, relative);
  const line = `House rules ${path.basename(home)}: one subissue per module.`;
  writeFileSync(file, `${line}\nPlan #{{number}} "{{title}}" of {{repo}}.\n{{answer_format}}\n\`\`\`json\n{{issue_json}}\n\`\`\`\n`);
  const seen = offline.model.bodies.length;
  const run = await ccp(['plan', String(issue), '--json'], { CCP_HOME: home, ...envFor(file) });
  expect({ exitCode: run.exitCode, stderr: run.stderr }).toMatchObject({ exitCode: 0 });
  const asked = offline.model.bodies.slice(seen).map((b) => JSON.stringify(b)).filter((b) => b.includes('ccp:analyze-issue'));
  expect(asked.length).toBeGreaterThan(0);
  expect(asked[0]).toContain(line);
  expect(asked[0]).toContain(`Plan #${issue} \\"Add a greeting module\\" of ${owner}/${repo}.`);
  expect(asked[0]).not.toContain('You are planning work on GitHub issue');
});

test('a template with an unknown placeholder is refused before the model is asked (exit 2)', async () => {
  const file = path.join(dir, 'bad-plan.md');
  writeFileSync(file, 'Plan {{repo}}\n{{issue_json}}\nin {{max_subisues}} parts\n');
  const before = planRequests();
  for (const args of [['plan', String(issue)], ['start', String(issue)]]) {
    const run = await ccp(args, { CCP_PLAN_TEMPLATE: file });
    expect(run.stderr).toContain(`ccp: plan template ${file}: line 3: unknown placeholder {{max_subisues}} (known: {{repo}}, `);
    expect(run.exitCode).toBe(2);
  }
  expect(planRequests()).toBe(before);
});

test('ccp plan on an issue with sub-issues says a run works on those', async () => {
  const parent = offline.github.seedIssue(owner, repo, { title: 'Split by hand', body: '- [ ] a\n- [ ] b\n' });
  const child = offline.github.seedIssue(owner, repo, { title: 'The part I filed', body: 'By hand.' });
  const github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
  await github.addSubIssue({ owner, repo }, parent.number, child.id);
  const run = await ccp(['plan', String(parent.number)]);
  expect(run.exitCode).toBe(0);
  expect(run.stderr).toContain(`note: #${parent.number} already has 1 sub-issue on GitHub (#${child.number}): \`ccp start ${parent.number}\` works on those and does not plan again`);

  // --plan beside them would leave them aside: refused, nothing started.
  const file = path.join(dir, 'beside.json');
  writeFileSync(file, (await ccp(['plan', String(parent.number), '--json'])).stdout);
  const start = await ccp(['start', String(parent.number), '--plan', file]);
  expect(start.stderr).toContain(`#${parent.number} already has sub-issues on GitHub that ${file} does not hold (#${child.number} "The part I filed")`);
  expect(start.exitCode).toBe(2);
});

test.each([
  ['a misspelt field', '{"subissues": [\n  {"key": "a", "title": "Do a", "estimatedHours": 1, "priority": "normal", "description": "d",\n   "acceptanceCriteria": ["ok"], "dependson": ["b"]},\n  {"key": "b", "title": "Do b", "estimatedHours": 1, "priority": "soon", "description": "d", "acceptanceCriteria": ["ok"]}\n]}',
    [/is not a plan ccp can use:\n {2}line 3: subissues\.0\.dependson: unknown field/, /line 4: subissues\.1\.priority: /]],
  ['broken JSON', '{"subissues": [\n  {"key": "a",}\n]}', [/plan\.json line 2, column \d+: not valid JSON/]],
  ['a missing file', undefined, [/cannot read the plan file .*plan\.json: ENOENT/]],
])('ccp start --plan with %s: exit 2 with the line, nothing started', async (_what, text, messages) => {
  const file = path.join(mkdtempSync(path.join(dir, 'bad-')), 'plan.json');
  if (text !== undefined) writeFileSync(file, text);
  const [since, before] = [Date.now(), planRequests()];
  const run = await ccp(['start', String(issue), '--plan', file]);
  for (const message of messages) expect(run.stderr).toMatch(message);
  expect(run.exitCode).toBe(2);
  expect(run.stdout).toBe('');
  expect(writes(since)).toEqual([]);
  expect(planRequests()).toBe(before);
  expect(existsSync(path.join(dir, 'ccp-home', 'temporal.db'))).toBe(false);
});

test('--plan takes one issue', async () => {
  const run = await ccp(['start', `${issue},${issue + 1}`, '--plan', 'plan.json']);
  expect(run.stderr).toContain('--plan takes one issue, not 2: start the others without it (each is planned)');
  expect(run.exitCode).toBe(2);
});
