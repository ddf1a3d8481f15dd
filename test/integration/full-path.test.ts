// The whole path on real parts: Temporal, pueued, tmux, git, the GitHub stand-in, real Claude Code.
import { startParents } from '../../src/client/parents.js';
import { gatherSubissueDebug } from '../../src/cli/debug.js';
import { renderSubissueDebug } from '../../src/cli/debug-view.js';
import { subissueLabel } from '../../src/shared/ids.js';
import { readFileSync, existsSync } from 'node:fs';
import { execa } from 'execa';
import { toolPath } from '../../src/config/tools.js';
import path from 'node:path';
import { startHarness, type Harness } from '../helpers/harness.js';
import { driveToEnd, originGit, readAllFiles, seedAndStart, settledMirror } from '../helpers/drive.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 2 });
});

afterAll(async () => {
  await h?.stop();
});

test('one issue with two subissues runs to PRs, merges and a closed parent', async () => {
  const { issueNumber, workflowId } = await seedAndStart(h, {
    title: 'Add a greeting module',
    body: 'Greet people.\n\n- [ ] Write the greeting function\n- [ ] Document the greeting\n',
  });
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(status.phase).toBe('closed');
  expect(status.subissues).toHaveLength(2);

  const parent = h.offline.github.getIssue(h.repo.owner, h.repo.repo, issueNumber)!;
  expect(parent.state).toBe('closed');
  const linked = h.offline.github.subIssues(h.repo.owner, h.repo.repo, issueNumber);
  expect(linked.map((i) => i.number).sort()).toEqual(status.subissues.map((s) => s.number).sort());
  // One progress comment, updated in place through the run, ends as the closing summary.
  const comments = h.offline.github.comments(h.repo.owner, h.repo.repo, issueNumber);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain('<!-- ccp:progress parent=');
  expect(comments[0].body).toContain('are merged: closing this issue');
  for (const sub of status.subissues) expect(comments[0].body).toMatch(new RegExp(`#${sub.number} .*\\| #${sub.pr!.number} \\| merged`));

  for (const sub of status.subissues) {
    expect(sub.phase).toBe('merged');
    // Timestamps for throughput figures, in order.
    const times = [sub.startedAt, sub.prOpenedAt, sub.mergedAt].map((t) => Date.parse(t ?? ''));
    expect(times.every(Number.isFinite)).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const issue = h.offline.github.getIssue(h.repo.owner, h.repo.repo, sub.number)!;
    expect(issue.state).toBe('closed');
    for (const field of ['**Parent Issue**: #', '**Estimated Hours**:', '**Priority**:', '## Description', '## Acceptance Criteria', '## Technical Context']) {
      expect(issue.body).toContain(field);
    }
    const pr = await h.github.getPullRequest(h.repo, sub.pr!.number);
    expect(pr.merged).toBe(true);
    expect(pr.head).toBe(`subissue/${sub.number}`);
    const prBody = h.offline.github.listPulls(h.repo.owner, h.repo.repo).find((p) => p.number === pr.number)?.body ?? '';
    expect(prBody).toContain(`Closes #${sub.number}`);
    expect(prBody).toContain(`Part of #${issueNumber}`);
    // The agent's real change (its own commit, made through an approved Bash prompt) reached the default branch.
    expect(await originGit(h, 'show', `main:notes/subissue-${sub.number}.md`)).toContain(`${sub.number}`);
    expect(await originGit(h, 'log', '--format=%s', 'main')).toContain(`Implement #${sub.number}:`);
    // pueue mirrored it and ended in Success; the worktree is gone.
    const task = await settledMirror(h, subissueLabel(sub.number));
    expect(task?.state).toBe('Success');
    expect(existsSync(path.join(h.config.paths.worktrees, subissueLabel(sub.number)))).toBe(false);
  }
  expect(h.offline.github.validationErrors).toEqual([]);

  // Secrets never reach workflow history, pueue's state, or the panes.
  const history = JSON.stringify(await h.env.client.workflow.getHandle(workflowId).fetchHistory());
  const pueueFiles = readAllFiles(h.config.paths.pueue);
  // Everything ccp keeps in its state dir: pane logs, hook events, wrapper scripts, worktrees, pueue.
  const stateFiles = readAllFiles(h.config.home);
  const panes = await Promise.all((await h.tmux.listPanes(h.config.tmux.session)).map((p) => h.tmux.capturePane(p.id, 2000)));
  for (const secret of [h.offline.githubToken, h.offline.anthropicKey]) {
    expect(history).not.toContain(secret);
    expect(pueueFiles).not.toContain(secret);
    expect(stateFiles).not.toContain(secret);
    expect(panes.join('\n')).not.toContain(secret);
  }
  expect(pueueFiles).not.toContain('GITHUB_TOKEN');
});

test('starting the same issue twice does not start a second run', async () => {
  const { issueNumber, workflowId, result } = await seedAndStart(h, {
    title: 'Add a farewell module',
    body: 'Say goodbye.\n\n- [ ] Write the farewell function\n- [ ] Add farewell examples\n',
  });
  expect(result.started).toBe(true);
  const [second] = await startParents(h.env.client, h.config.taskQueue, h.repo, [issueNumber], h.settings);
  expect(second.started).toBe(false);
  expect(second.workflowId).toBe(workflowId);
  expect(second.note).toContain('already has a running run');

  const { workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  // Completed: starting again still does not run it twice.
  const [third] = await startParents(h.env.client, h.config.taskQueue, h.repo, [issueNumber], h.settings);
  expect(third.started).toBe(false);
  let runs = 0;
  for await (const _ of h.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs++;
  expect(runs).toBe(1);
  const created = h.offline.github.subIssues(h.repo.owner, h.repo.repo, issueNumber);
  expect(created).toHaveLength(2);
});

test('a subissue whose agent fails is visible as failed in workflow, pueue mirror and status', async () => {
  const { issueNumber, workflowId } = await seedAndStart(h, {
    title: 'Add a doomed module',
    body: 'One part cannot be done.\n\n- [ ] Write the working part\n- [ ] Write the impossible part {fail}\n',
  });
  const { status, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('FAILED');
  expect(status.phase).toBe('failed');
  expect(status.error).toMatch(/1 of 2 subissues did not finish/);
  const failed = status.subissues.find((s) => s.phase === 'failed');
  const merged = status.subissues.find((s) => s.phase === 'merged');
  expect(failed?.error).toMatch(/made no changes/);
  expect(merged).toBeDefined();

  const task = await settledMirror(h, subissueLabel(failed!.number));
  expect(task?.state).toBe('Failed');
  expect(h.offline.github.getIssue(h.repo.owner, h.repo.repo, issueNumber)?.state).toBe('open');
  const comments = h.offline.github.comments(h.repo.owner, h.repo.repo, issueNumber).map((c) => c.body).join('\n');
  expect(comments).toContain('stays open');

  const { renderStatus } = await import('../../src/cli/status-view.js');
  expect(renderStatus([status])).toContain(`#${failed!.number} failed`);
  // `ccp debug` puts it together: the failure, the agent's last words, the pueue task, the pane log.
  const debug = renderSubissueDebug(await gatherSubissueDebug(h.env.client, h.deps.pueue, h.config, failed!.number));
  expect(debug).toContain(`subissue #${failed!.number} `);
  expect(debug).toMatch(/phase: +failed — the agent made no changes/);
  expect(debug).toMatch(/agent said last:\n +I cannot do subissue/);
  expect(debug).toMatch(new RegExp(`pueue: +task ${task!.id} Failed\\(1\\)`));
  // Its pueue task's output is the agent's pane as text, ending with ccp's reason.
  const { stdout: pueueLog } = await execa(toolPath('pueue'), ['-c', h.deps.pueue.configPath, 'log', '--full', '--json', String(task!.id)]);
  const taskOutput = (JSON.parse(pueueLog) as Record<string, { output: string }>)[String(task!.id)].output;
  expect(taskOutput).toMatch(/I cannot do subissue/);
  expect(taskOutput).not.toContain('\x1b');
  expect(taskOutput).toMatch(/\[ccp\] the agent made no changes.*\n$/);
  expect(debug).toMatch(/pane log: .*subissue-\d+\.pane\.log \(\d+ KiB\)/);
  await expect(gatherSubissueDebug(h.env.client, h.deps.pueue, h.config, 99999)).rejects.toThrow(/no parent workflow knows subissue #99999/);

  // Started again, the run picks up where it ended: the merged subissue is not worked on twice, the failed
  // one runs again (and fails again: it is scripted to), and its pueue task follows the new run.
  const sessionsOf = (n: number) => h.offline.model.requests.filter((r) => r.subissue === n && r.step === 0).length;
  const before = { merged: sessionsOf(merged!.number), failed: sessionsOf(failed!.number) };
  const [rerun] = await startParents(h.env.client, h.config.taskQueue, h.repo, [issueNumber], h.settings);
  expect(rerun.started).toBe(true);
  const second = await driveToEnd(h, workflowId);
  expect(second.workflowStatus).toBe('FAILED');
  expect(second.status.subissues.find((s) => s.number === merged!.number)).toMatchObject({ phase: 'merged', pr: { number: merged!.pr!.number } });
  expect(sessionsOf(merged!.number)).toBe(before.merged);
  expect(sessionsOf(failed!.number)).toBe(before.failed + 1);
  expect(h.offline.github.subIssues(h.repo.owner, h.repo.repo, issueNumber)).toHaveLength(2);
  const rerunTask = await settledMirror(h, subissueLabel(failed!.number));
  expect(rerunTask).toMatchObject({ state: 'Failed', id: task?.id });
  const mirrorLog = readFileSync(path.join(h.config.paths.pueue, 'mirror', `${subissueLabel(failed!.number)}.log`), 'utf8');
  expect(mirrorLog).toContain(`new run of ${subissueLabel(failed!.number)}`);

  // The failing session's pane log exists for the user to read.
  expect(readFileSync(path.join(h.config.paths.run, 'agents', `${subissueLabel(failed!.number)}.pane.log`)).length).toBeGreaterThan(0);
});

test('an already closed issue is left alone, and a missing one fails at once with GitHub\'s reason', async () => {
  const closed = h.offline.github.seedIssue(h.repo.owner, h.repo.repo, { title: 'Closed before start', body: '- [ ] a\n- [ ] b\n' });
  await h.github.closeIssue(h.repo, closed.number, 'not_planned');
  const [started] = await startParents(h.env.client, h.config.taskQueue, h.repo, [closed.number], h.settings);
  const skipped = await driveToEnd(h, started.workflowId);
  expect(skipped.workflowStatus).toBe('COMPLETED');
  expect(skipped.status.phase).toBe('closed');
  expect(skipped.status.note).toContain('already closed: nothing to do');
  expect(h.offline.github.subIssues(h.repo.owner, h.repo.repo, closed.number)).toHaveLength(0);

  const [missing] = await startParents(h.env.client, h.config.taskQueue, h.repo, [9999], h.settings);
  const handle = h.env.client.workflow.getHandle(missing.workflowId);
  await expect(handle.result()).rejects.toThrow();
  // One attempt, failed for good with GitHub's reason: not retried for minutes.
  const { events } = await handle.fetchHistory();
  const failures = (events ?? []).flatMap((e) => (e.activityTaskFailedEventAttributes ? [e.activityTaskFailedEventAttributes.failure] : []));
  expect(failures).toHaveLength(1);
  expect(failures[0]?.applicationFailureInfo).toMatchObject({ type: 'GitHubRefused', nonRetryable: true });
  expect(failures[0]?.message).toMatch(/#9999|not found/i);
  const started9999 = (events ?? []).filter((e) => e.activityTaskStartedEventAttributes);
  expect(started9999.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([1]);
});
