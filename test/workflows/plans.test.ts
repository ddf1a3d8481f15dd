// Plans on the parent workflow, on real Temporal with the GitHub stand-in and the real Claude Code on the scripted
// model for planning (agent sessions and host steps stubbed): a plan given to `ccp add --plan` is used exactly as
// written and nothing is planned; an issue with sub-issues on GitHub is not split again (ccp's own taken over,
// hand-filed ones worked on as they are); the user's planning template is what the model receives.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSharedActivities } from '../../src/activities/index.js';
import { createGitHubAdapter, type GitHubAdapter } from '../../src/adapters/github.js';
import { loadConfig } from '../../src/config/config.js';
import { renderSubissueBody, SUBISSUE_LABEL, subissueTitle } from '../../src/core/templates.js';
import { startOfflineServices, type OfflineServices } from '../../src/offline/services.js';
import { parentStatusQuery } from '../../src/shared/messages.js';
import { parentWorkflowId } from '../../src/shared/ids.js';
import type { PlannedSubissue, RepoRef } from '../../src/shared/types.js';
import { CCP_BIN } from '../../src/stack/stack.js';
import { createAdaptersFromConfig } from '../../src/worker/adapters.js';
import type { ParentIssueInput } from '../../src/workflows/parent-issue.js';
import { startStubWorkflowEnv, type StubWorkflowEnv } from '../helpers/stub-worker.js';

const QUEUE = 'ccp-plans';
const TEMPLATE_LINE = 'Plan this the acme way: small steps, tests first.';
let dir: string;
let offline: OfflineServices;
let stub: StubWorkflowEnv;
let github: GitHubAdapter;
let repo: RepoRef;
/** Prompts the stubbed agent sessions got, by subissue number. */
const prompts = new Map<number, string>();

beforeAll(async () => {
  dir = mkdtempSync('/tmp/ccp-plans-');
  offline = await startOfflineServices(dir);
  const [owner, name] = offline.env.CCP_REPO.split('/');
  repo = { owner, repo: name };
  github = createGitHubAdapter({ token: offline.githubToken, baseUrl: offline.github.url, throttle: false });
  const template = path.join(dir, 'plan.md');
  writeFileSync(template, `${TEMPLATE_LINE}\nIssue #{{number}} of {{repo}}.\n{{answer_format}}\n\`\`\`json\n{{issue_json}}\n\`\`\`\n`);
  const config = loadConfig({ ...offline.env, CCP_HOME: path.join(dir, 'worker-home'), CCP_PLAN_TEMPLATE: template,
    CCP_TASK_QUEUE: QUEUE, CCP_HOST_ID: 'test-host' }, dir);
  const { claimHost: _claimHost, openPullRequest: _open, waitForMerge: _wait, ...shared } = createSharedActivities(await createAdaptersFromConfig(config, offline.env));
  stub = await startStubWorkflowEnv(QUEUE, {
    ...shared,
    // Host steps and PRs stay stubbed (the defaults: PR #7, merged at once); the agent session records what it was asked.
    runAgent: async ({ label, prompt }: { label: string; prompt: string }) => {
      prompts.set(Number(label.replace('subissue-', '')), prompt);
      return { paneId: '%1', exitCode: 0, endedBy: 'stop-hook', approvals: [], reattached: false };
    },
  });
});

afterAll(async () => {
  await stub?.close();
  await offline?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const planRequests = () => offline.model.requests.filter((r) => r.kind === 'analyze').length;
const issues = () => offline.github.listIssues(repo.owner, repo.repo);
const seed = (title: string, body: string, labels?: string[]) => offline.github.seedIssue(repo.owner, repo.repo, { title, body, labels });

async function runParent(issueNumber: number) {
  const input: ParentIssueInput = { repo, issueNumber, settings: { mergePollSeconds: 1, agentTimeoutMinutes: 1, agentAttempts: 1, baseBranch: '' } };
  const handle = await stub.env.client.workflow.start('parentIssueWorkflow', { taskQueue: QUEUE,
    workflowId: parentWorkflowId(repo, issueNumber), args: [input] });
  await handle.result();
  return handle.query(parentStatusQuery);
}

test('ccp add --plan: the subissues are the file\'s, and the model is never asked to plan', async () => {
  const parent = seed('Add a greeting module', 'Greet people.\n\n- [ ] Something the model would plan\n- [ ] And another\n');
  const plan = { subissues: [
    { key: 'greet', title: 'Write greet()', estimatedHours: 2, priority: 'high', description: 'A greet function.',
      acceptanceCriteria: ['greet("Ada") says hello to Ada'] },
    { key: 'docs', title: 'Document greet() in the README', estimatedHours: 1, priority: 'low', description: 'Docs.',
      acceptanceCriteria: ['the README shows an example'], dependsOn: ['greet'], group: 'docs' },
  ] };
  const file = path.join(dir, 'plan.json');
  writeFileSync(file, JSON.stringify(plan, null, 2));
  const before = planRequests();
  const run = await execa(process.execPath, [CCP_BIN, 'add', String(parent.number), '--plan', file, '--json'], {
    env: { ...process.env, ...offline.env, CCP_HOME: path.join(dir, 'cli-home'), CCP_TEMPORAL_ADDRESS: stub.env.address,
      CCP_TASK_QUEUE: QUEUE }, extendEnv: false, reject: false, cwd: dir });
  expect({ exitCode: run.exitCode, stderr: run.stderr }).toMatchObject({ exitCode: 0 });
  const handle = stub.env.client.workflow.getHandle(parentWorkflowId(repo, parent.number));
  await handle.result();
  const status = await handle.query(parentStatusQuery);
  expect(status.phase).toBe('closed');
  const linked = offline.github.subIssues(repo.owner, repo.repo, parent.number);
  expect(linked.map((i) => i.title)).toEqual(plan.subissues.map((s) => `[#${parent.number}] ${s.title}`));
  expect(linked[1].body).toContain(`**Depends On**: #${linked[0].number}`);
  expect(status.subissues.map((s) => [s.key, s.priority, s.dependsOn])).toEqual([['greet', 'high', []], ['docs', 'low', ['greet']]]);
  expect(planRequests()).toBe(before);
});

test("an issue with ccp's sub-issues from an earlier run is not planned again: they are taken over", async () => {
  const parent = seed('Add a farewell module', '- [ ] Write farewell\n- [ ] Document farewell\n');
  const summary = { number: parent.number, id: parent.id, title: parent.title, body: '', state: 'open' as const, url: '' };
  const planned = (key: string, dependsOn: string[] = []): PlannedSubissue => ({ key, title: `Do ${key}`, estimatedHours: 2,
    priority: 'normal', description: `Implement ${key}.`, acceptanceCriteria: [`${key} done`], technicalContext: '', dependsOn });
  const first = seed(subissueTitle(parent.number, planned('farewell')), renderSubissueBody(summary, planned('farewell'), []), [SUBISSUE_LABEL]);
  const second = seed(subissueTitle(parent.number, planned('farewell-docs', ['farewell'])),
    renderSubissueBody(summary, planned('farewell-docs', ['farewell']), [first.number]), [SUBISSUE_LABEL]);
  for (const sub of [first, second]) await github.addSubIssue(repo, parent.number, sub.id);
  const [issuesBefore, plansBefore] = [issues().length, planRequests()];

  const status = await runParent(parent.number);
  expect(status.phase).toBe('closed');
  expect(status.note).toMatch(/already has 2 sub-issues on GitHub: working on those, not planning again/);
  expect(status.subissues.map((s) => [s.number, s.key, s.title, s.dependsOn]))
    .toEqual([[first.number, 'farewell', 'Do farewell', []], [second.number, 'farewell-docs', 'Do farewell-docs', ['farewell']]]);
  expect(prompts.get(second.number)).toContain('Implement farewell-docs.');
  expect(issues()).toHaveLength(issuesBefore);
  expect(planRequests()).toBe(plansBefore);
});

test('hand-filed sub-issues are the plan: the open ones are worked on as written, closed ones are done', async () => {
  const parent = seed('Polish the CLI', 'Some polish.');
  const open = seed('Colour the status output', 'Use green for merged.\n\n<!-- a form comment -->');
  const done = seed('Fix the typo in --help', 'Already fixed by hand.');
  for (const sub of [open, done]) await github.addSubIssue(repo, parent.number, sub.id);
  await github.closeIssue(repo, done.number, 'completed');
  const [issuesBefore, plansBefore] = [issues().length, planRequests()];

  const status = await runParent(parent.number);
  expect(status.phase).toBe('closed');
  expect(status.subissues.map((s) => [s.number, s.key, s.title])).toEqual([[open.number, `issue-${open.number}`, 'Colour the status output']]);
  expect(prompts.get(open.number)).toContain(`Work on subissue #${open.number} of ${repo.owner}/${repo.repo} (part of #${parent.number}): Colour the status output`);
  expect(prompts.get(open.number)).toContain('Use green for merged.');
  expect(issues()).toHaveLength(issuesBefore);
  expect(planRequests()).toBe(plansBefore);
});

test('planning uses the template from CCP_PLAN_TEMPLATE', async () => {
  const parent = seed('Add a clock', 'Tell the time.\n\n- [ ] Read the clock\n- [ ] Show the time\n');
  const plansBefore = planRequests();
  const status = await runParent(parent.number);
  expect(status.phase).toBe('closed');
  expect(status.subissues.map((s) => s.title)).toEqual(['Read the clock', 'Show the time']);
  expect(planRequests()).toBe(plansBefore + 1);
  const asked = offline.model.bodies.map((b) => JSON.stringify(b)).filter((b) => b.includes(`Issue #${parent.number} of `));
  expect(asked.length).toBeGreaterThan(0);
  expect(asked.every((b) => b.includes(TEMPLATE_LINE))).toBe(true);
  expect(asked.some((b) => b.includes('You are planning work on GitHub issue'))).toBe(false);
});
