// Planning input of any size, on the real stack: a 1 MB issue body (with issue-form comments) is planned — the
// prompt goes to `claude -p` by stdin, shortened with a note — instead of failing on a too-long argument.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentStatusQuery, stopSignal } from '../../src/shared/messages.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { seedAndStart } from '../helpers/drive.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ workers: 1, taskQueue: 'ccp-planning-input' });
});

afterAll(async () => {
  await h?.stop();
});

test('a 1 MB issue body is planned into its subissues', async () => {
  const body = ['<!-- Please describe the problem (issue form) -->', 'Big one.', '',
    '- [ ] Handle the big input', '- [ ] Document the big input', '', 'x'.repeat(1_000_000)].join('\n');
  const { workflowId } = await seedAndStart(h, { title: 'A huge issue', body });
  const handle = h.env.client.workflow.getHandle(workflowId);
  let status = await handle.query(parentStatusQuery);
  for (let i = 0; i < 240 && status.phase !== 'running' && status.phase !== 'failed'; i++) {
    await sleep(250);
    status = await handle.query(parentStatusQuery);
  }
  expect(status.error).toBeUndefined();
  expect(status.phase).toBe('running');
  expect(status.subissues.map((s) => s.title)).toEqual(['Handle the big input', 'Document the big input']);
  // What reached the model: the shortened body with the note, without the form's comment.
  const prompt = JSON.stringify(h.offline.model.bodies.find((b) => JSON.stringify(b).includes('ccp:analyze-issue')));
  expect(prompt).toContain('was left out]');
  expect(prompt).not.toContain('Please describe the problem');
  expect(prompt.length).toBeLessThan(200_000);
  await handle.signal(stopSignal, { reason: 'test done' });
  await handle.result().catch(() => undefined);
});
