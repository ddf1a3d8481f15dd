// What the hook is answered: the policy's allow/deny at once, ask through needs-you (asked once per answer unless
// "always"), deny when nobody can be asked; every outcome recorded with secrets redacted.
import { createDecider, NO_PERSON_REASON } from '../../src/agents/decider.js';
import type { SessionPolicy } from '../../src/agents/policy-port.js';
import type { NeedsYouAnswer, NeedsYouQuestion } from '../../src/agents/types.js';

const policy: SessionPolicy = {
  evaluate: (request) => {
    const command = String(request.input.command ?? '');
    if (command.startsWith('sudo')) return { decision: 'deny', reason: 'ccp policy: no sudo', category: 'privilege' };
    if (command.startsWith('frob')) return { decision: 'ask', reason: 'ccp policy: unknown frob' };
    return { decision: 'allow', reason: 'fine', category: 'benign' };
  },
};
const context = { worktree: '/w', home: '/h' };
const bash = (command: string) => ({ tool: 'Bash', input: { command } });
const signal = new AbortController().signal;

function decider(answers: NeedsYouAnswer[] | undefined) {
  const asked: NeedsYouQuestion[] = [];
  const waiting: number[] = [];
  const d = createDecider({ label: 'subissue-9', policy, context, redact: (t) => t.replace(/s3cret/g, '***'),
    onWaiting: (w) => { waiting.push(w.length); },
    ...(answers ? { onNeedsYou: async (q: NeedsYouQuestion) => { asked.push(q); return answers.shift() as NeedsYouAnswer; } } : {}) });
  return { d, asked, waiting };
}

test('allow and deny answer at once, recorded with category and redacted subject', async () => {
  const { d, asked } = decider([]);
  expect(await d.decideTool(bash('ls s3cret'), signal)).toEqual({ decision: 'allow', reason: 'fine' });
  expect(await d.decideTool(bash('sudo ls'), signal)).toEqual({ decision: 'deny', reason: 'ccp policy: no sudo' });
  expect(asked).toEqual([]);
  expect(d.records.map((r) => [r.via, r.subject, r.decision, r.category])).toEqual([
    ['hook', 'ls ***', 'allow', 'benign'], ['hook', 'sudo ls', 'deny', 'privilege']]);
});

test('ask goes to a person; the same request asks again unless the answer said always', async () => {
  const { d, asked, waiting } = decider([
    { decision: 'allow', reason: 'ok once', by: 'person' },
    { decision: 'allow', reason: 'ok always', by: 'person', always: true },
  ]);
  expect(await d.decideTool(bash('frob a'), signal)).toEqual({ decision: 'allow', reason: 'ok once' });
  // The PermissionRequest that may follow the same tool use reuses the answer just given.
  expect(await d.decideTool(bash('frob a'), signal, { event: 'PermissionRequest' })).toMatchObject({ decision: 'allow' });
  expect(asked).toHaveLength(1);
  await d.decideTool(bash('frob a'), signal);
  await d.decideTool(bash('frob a'), signal);
  expect(asked).toHaveLength(2);
  expect(new Set(asked.map((q) => q.id)).size).toBe(1);
  expect(asked[0]).toMatchObject({ kind: 'tool', tool: 'Bash', subject: 'frob a', reason: 'ccp policy: unknown frob' });
  expect(waiting).toEqual([1, 0, 1, 0]);
  expect(d.records.map((r) => r.asked?.by)).toEqual(['person', 'person', 'person', 'person']);
});

test('nobody to ask: denied with the reason the model reads', async () => {
  const { d } = decider(undefined);
  expect(await d.decideTool(bash('frob b'), signal)).toEqual({ decision: 'deny', reason: NO_PERSON_REASON });
  expect(d.records[0]).toMatchObject({ decision: 'deny', asked: { by: 'policy' } });
});

test('an unknown dialog is a question of kind dialog, keyed by its text', async () => {
  const { d, asked } = decider([{ decision: 'deny', reason: 'no', by: 'timeout' }]);
  const outcome = await d.askAboutDialog({ title: 'Network request outside of sandbox', text: 'Host: s3cret.example',
    reason: 'ccp does not recognise this dialog' }, signal);
  expect(outcome).toEqual({ decision: 'deny', reason: 'no' });
  expect(asked[0]).toMatchObject({ kind: 'dialog', subject: 'Network request outside of sandbox' });
  expect(d.records[0]).toMatchObject({ via: 'pane', dialog: 'unknown', subject: 'Host: ***.example', asked: { by: 'timeout' } });
});
