// Needs-you end to end on the real stack (Temporal, pueued, tmux, git, the GitHub stand-in, the real Claude Code on
// the scripted model): a command no rule classifies makes the agent wait; status, `ccp approvals --pending`, the
// pane border and pueue show it; `ccp approve` (the CLI, through a Temporal update) lets it run, and the run closes.
import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentStatusQuery, type SubissueStatus } from '../../src/shared/messages.js';
import { subissueLabel } from '../../src/shared/ids.js';
import { CCP_BIN } from '../../src/stack/stack.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { driveToEnd, seedAndStart } from '../helpers/drive.js';
import { readApprovals } from '../../src/cli/approvals.js';

let h: Harness;
const COMMAND = 'deploy-tool --env staging';

beforeAll(async () => {
  h = await startHarness({ workers: 2, taskQueue: 'ccp-needs-you-e2e' });
});

afterAll(async () => {
  await h?.stop();
});

const ccp = (...args: string[]) => execa(process.execPath, [CCP_BIN, ...args], {
  env: { ...process.env, CCP_HOME: h.config.home, CCP_TEMPORAL_ADDRESS: h.env.connection.options.address }, reject: false,
});

test('an unclassifiable command waits for a person, shows where people look, and runs once approved', async () => {
  const { workflowId } = await seedAndStart(h, {
    title: 'Ship a preview',
    body: `Two parts.\n\n- [ ] Publish a preview {run:${COMMAND}}\n- [ ] Describe the preview\n`,
  });
  const handle = h.env.client.workflow.getHandle(workflowId);
  let waiting: SubissueStatus | undefined;
  for (let i = 0; i < 400 && !waiting; i++) {
    waiting = (await handle.query(parentStatusQuery)).subissues.find((s) => s.needsYou);
    if (!waiting) await sleep(250);
  }
  expect(waiting?.needsYou).toMatchObject({ kind: 'tool', tool: 'Bash', subject: COMMAND });
  expect(waiting?.needsYou?.reason).toMatch(/does not know the command "deploy-tool"/);
  const label = subissueLabel(waiting!.number);

  const status = await ccp('status');
  expect(status.stdout).toMatch(new RegExp(`#${waiting!.number} NEEDS-YOU .*needs you: Bash ${COMMAND} \\(ccp approve\\|deny ${waiting!.number}\\)`));
  const pending = await ccp('approvals', '--pending', '--json');
  expect(JSON.parse(pending.stdout)).toEqual([expect.objectContaining({ subissue: waiting!.number,
    pending: expect.objectContaining({ subject: COMMAND }) })]);
  // The pane border says so too.
  const title = await execa('tmux', ['-S', h.config.tmux.socket as string, 'list-panes', '-s', '-t', h.config.tmux.session,
    '-F', '#{@ccp_task} #{@ccp_title}']); // the border shows @ccp_title (Claude Code sets pane_title itself)
  expect(title.stdout).toContain(`${label} ${label}: needs you: Bash ${COMMAND}`);

  const approve = await ccp('approve', String(waiting!.number));
  expect(approve.stderr).toBe('');
  expect(approve.exitCode).toBe(0);
  expect(approve.stdout).toContain(`#${waiting!.number}: approved Bash: ${COMMAND}`);
  // Nothing waits any more: a second answer is refused with the reason, exit 1.
  const again = await ccp('approve', String(waiting!.number));
  expect(again.exitCode).toBe(1);
  expect(again.stderr).toMatch(/nothing of this subissue is waiting for approval|not running any more/);

  const { status: final, workflowStatus } = await driveToEnd(h, workflowId);
  expect(workflowStatus).toBe('COMPLETED');
  expect(final.subissues.every((s) => s.phase === 'merged' && !s.needsYou)).toBe(true);
  // The command really ran after the approval (it does not exist here: the shell said so to the model).
  const results = JSON.stringify(h.offline.model.bodies);
  expect(results).toMatch(/deploy-tool: (command )?not found/);
  // The audit log says a person decided it.
  const decided = readApprovals(h.config.paths.approvals, { label }).find((r) => r.subject === COMMAND);
  expect(decided).toMatchObject({ decision: 'allow', asked: expect.objectContaining({ by: 'person' }) });
});
