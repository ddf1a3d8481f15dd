// Stacked PRs on real parts (Temporal, git, the GitHub stand-in, real Claude Code on the scripted model): dependents
// start on their dependency's branch while its PR is open, are rebased and retargeted after it merges — conflicts
// resolved by the agent — and are blocked when it fails.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parentStatusQuery, type ParentStatus, type SubissueStatus } from '../../src/shared/messages.js';
import { waitFor } from '../helpers/agent-bed.js';
import { driveToEnd, originGit, seedAndStart } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 3, taskQueue: 'ccp-stacking' });
});

afterAll(async () => {
  await h?.stop();
});

afterEach(() => {
  expect(h.offline.github.validationErrors).toEqual([]);
});

const statusOf = (workflowId: string): Promise<ParentStatus> => h.env.client.workflow.getHandle(workflowId).query(parentStatusQuery);

/** Waits until every subissue satisfies `check`; returns them. */
async function waitSubissues(workflowId: string, what: string, check: (subs: SubissueStatus[]) => boolean, timeoutMs = 120_000) {
  let subs: SubissueStatus[] = [];
  await waitFor(what, async () => check(subs = (await statusOf(workflowId)).subissues), timeoutMs);
  return subs;
}

const allOpen = (count: number) => (subs: SubissueStatus[]) => subs.length === count && subs.every((s) => s.phase === 'pr-open');
const pull = (sub: SubissueStatus) => h.github.getPullRequest(h.repo, sub.pr!.number);
const ownCommits = async (sub: SubissueStatus) => (await originGit(h, 'log', '--format=%s', `main..subissue/${sub.number}`)).split('\n');
const prUpdates = () => h.offline.github.requests().filter((r) => r.operationId === 'pulls/update').length;

test('stacked PR chain: each dependent starts before its dependency merges, and is rebased and retargeted after', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Three layers',
    body: 'Layered.\n\n- [ ] Build the base layer\n- [ ] Build the middle layer {after:1}\n- [ ] Build the top layer {after:2}\n',
  });
  // Nobody merges yet: without stacking the middle and top layers would wait here for ever.
  const [base, middle, top] = await waitSubissues(workflowId, 'three open PRs', allOpen(3));
  expect([middle.stackedOn, top.stackedOn]).toEqual([base.number, middle.number]);
  expect((await pull(base)).base).toBe('main');
  expect((await pull(middle)).base).toBe(`subissue/${base.number}`);
  expect((await pull(top)).base).toBe(`subissue/${middle.number}`);
  // The middle layer's branch holds the base layer's commit under its own.
  expect(await originGit(h, 'log', '--format=%s', `main..subissue/${middle.number}`)).toContain(`Implement #${base.number}:`);

  const updatesBefore = prUpdates();
  await h.github.mergePullRequest(h.repo, base.pr!.number);
  await waitSubissues(workflowId, 'the middle layer retargeted', (subs) => subs[1].phase === 'pr-open' && subs[1].stackedOn === undefined);
  expect((await pull(middle)).base).toBe('main');
  expect(prUpdates()).toBe(updatesBefore + 1); // ccp retargeted it itself: the repo does not delete head branches
  expect(await ownCommits(middle)).toEqual([`Implement #${middle.number}: Build the middle layer`]);
  expect((await pull(top)).base).toBe(`subissue/${middle.number}`);

  // From here the reviewer merges whatever is based on main: the middle layer, then the top one once retargeted.
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(status.phase).toBe('closed');
  for (const sub of status.subissues) {
    expect((await pull(sub)).base).toBe('main');
    // Merged into main, so GitHub's "Closes #n" closed each subissue.
    expect(h.offline.github.getIssue(h.repo.owner, h.repo.repo, sub.number)?.state).toBe('closed');
    expect(await originGit(h, 'show', `main:notes/subissue-${sub.number}.md`)).toContain(`#${sub.number}`);
  }
});

test('with "automatically delete head branches" on, a conflict on the rebase goes to the agent, which resolves it', async () => {
  h.offline.github.setRepoSettings(h.repo.owner, h.repo.repo, { deleteBranchOnMerge: true });
  try {
    const { workflowId } = await seedAndStart(h, {
      title: 'Two parts that clash',
      body: 'Clashing.\n\n- [ ] Write the first part\n- [ ] Write the second part {after:1}\n',
    });
    const [first, second] = await waitSubissues(workflowId, 'both PRs open', allOpen(2));
    expect(second.stackedOn).toBe(first.number);
    // Someone lands the second part's notes file on main meanwhile: replaying its commit conflicts.
    const other = mkdtempSync(path.join(h.dir, 'other-'));
    await execa('git', ['clone', '-q', h.offline.repo.originPath, other]);
    mkdirSync(path.join(other, 'notes'), { recursive: true });
    writeFileSync(path.join(other, 'notes', `subissue-${second.number}.md`), 'Written on main by someone else.\n');
    await execa('git', ['-C', other, 'add', '-A']);
    await execa('git', ['-C', other, '-c', 'user.name=someone', '-c', 'user.email=someone@example.com', 'commit', '-q', '-m', 'someone else']);
    await execa('git', ['-C', other, 'push', '-q', 'origin', 'HEAD:main']);

    await h.github.mergePullRequest(h.repo, first.pr!.number);
    // GitHub retargeted the PR and deleted the merged branch; ccp rebases all the same.
    await expect(originGit(h, 'rev-parse', '--verify', '--quiet', `refs/heads/subissue/${first.number}`)).rejects.toThrow();
    await waitSubissues(workflowId, 'the second part moved onto main', (subs) => subs[1].phase === 'pr-open' && subs[1].stackedOn === undefined);
    expect(h.offline.model.requests.some((r) => r.kind === 'resolve' && r.subissue === second.number)).toBe(true);
    expect(await ownCommits(second)).toEqual([`Implement #${second.number}: Write the second part`]);

    const { workflowStatus } = await driveToEnd(h, workflowId);
    expect(workflowStatus).toBe('COMPLETED');
    expect(await originGit(h, 'show', `main:notes/subissue-${second.number}.md`)).toContain('resolved by the ccp stand-in model');
  } finally {
    h.offline.github.setRepoSettings(h.repo.owner, h.repo.repo, { deleteBranchOnMerge: false });
  }
});

test('a dependency whose PR is closed unmerged leaves its stacked dependent blocked, with the reason', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Abandoned base',
    body: 'Abandoned.\n\n- [ ] Write the doomed base\n- [ ] Write on the doomed base {after:1}\n',
  });
  const [base, dependent] = await waitSubissues(workflowId, 'both PRs open', allOpen(2));
  const closed = await fetch(`${h.offline.github.url}/repos/${h.repo.owner}/${h.repo.repo}/pulls/${base.pr!.number}`, {
    method: 'PATCH', headers: { authorization: `token ${h.offline.githubToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'closed' }) });
  expect(closed.status).toBe(200);
  await expect(h.env.client.workflow.getHandle(workflowId).result()).rejects.toThrow();
  const status = await statusOf(workflowId);
  expect(status.subissues.map((s) => s.phase)).toEqual(['failed', 'blocked']);
  expect(status.subissues[1].error).toBe(`blocked: dependency #${base.number} failed: PR #${base.pr!.number} was closed without merging: ` +
    `reopen it or re-run the subissue; its PR #${dependent.pr!.number} stays open on subissue/${base.number}`);
});
