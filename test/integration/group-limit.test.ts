// A group's limit holds on the real stack: real Claude Code sessions in real tmux panes, the pane records
// (@ccp_task of each worker pane, sampled while the run goes) never show more of the group at once than its
// limit, while other work runs beside it.
import { setTimeout as sleep } from 'node:timers/promises';
import { CcpClient } from '../../src/client/ccp-client.js';
import { startParents } from '../../src/client/parents.js';
import { subissueLabel } from '../../src/shared/ids.js';
import type { PlannedSubissue } from '../../src/shared/types.js';
import { driveToEnd } from '../helpers/drive.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 3, taskQueue: 'ccp-groups' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const part = (key: string, title: string, group: string): PlannedSubissue => ({ key, title, group, estimatedHours: 1,
  priority: 'normal', description: `Add ${title.toLowerCase()}.`, acceptanceCriteria: ['it works'], technicalContext: '', dependsOn: [] });

test('never more agents of a group in the panes than its limit, other work beside it', async () => {
  const ccp = CcpClient.fromTemporal(h.env.client, { taskQueue: h.config.taskQueue });
  await ccp.setGroupLimit('ui', 1);
  const issue = h.offline.github.seedIssue(h.repo.owner, h.repo.repo, { title: 'Screens and API', body: 'Four parts.' });
  const plan = { subissues: [part('a', 'Login screen', 'ui'), part('b', 'Signup screen', 'ui'), part('c', 'Settings screen', 'ui'),
    part('d', 'Token endpoint', 'api')] };
  const [started] = await startParents(h.env.client, h.config.taskQueue, h.repo, [issue.number], h.settings, { plan });

  // Sample the panes' records while the run goes; which label belongs to which group comes from the status.
  const samples: string[][] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const panes = await h.tmux.listPanes(h.config.tmux.session).catch(() => []);
      samples.push(panes.filter((p) => p.role === 'worker' && p.task !== '').map((p) => p.task));
      await sleep(100);
    }
  })();
  const { status } = await driveToEnd(h, started.workflowId, 400_000);
  sampling = false;
  await sampler;

  expect(status.phase).toBe('closed');
  const ui = new Set(status.subissues.filter((s) => s.group === 'ui').map((s) => subissueLabel(s.number)));
  expect(ui.size).toBe(3);
  const uiAtOnce = samples.map((labels) => labels.filter((l) => ui.has(l)).length);
  const allAtOnce = samples.map((labels) => labels.length);
  expect(Math.max(...uiAtOnce)).toBe(1);
  // The limit is the group's, not the host's: the api part ran beside a ui one.
  expect(Math.max(...allAtOnce)).toBeGreaterThanOrEqual(2);
  // Every ui part did run (one after the other).
  for (const label of ui) expect(samples.some((labels) => labels.includes(label))).toBe(true);
}, 480_000);
