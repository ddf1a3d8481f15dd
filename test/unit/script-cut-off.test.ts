// The scripted model in a conversation continued after a cut-off tool call (`ccp down --now` while the call was in
// flight): Claude Code records "[Tool call interrupted ...]" in its place, and the script — like a real model —
// checks whether the call took effect and goes on from there, rather than taking it for done.
import { RUN_MARKER, scriptReply, type ContentBlock, type MessagesRequestBody } from '../../src/standin/model/script.js';

const CUT = "[Tool call interrupted: the session ended before this call's result was recorded, so its outcome is unknown. " +
  'Check whether it took effect before relying on it or running it again.]';
const DIR = '/tmp/wt-9';
const NOTES = `${DIR}/notes/subissue-9.md`;

type Result = { content: string; is_error?: boolean };

/** A work conversation: the prompt, then each reply the script gave with the result Claude Code sent back. */
function converse(results: Result[], prompt = ''): { reply: ReturnType<typeof scriptReply>; calls: ContentBlock[] } {
  const messages: MessagesRequestBody['messages'] = [
    { role: 'user', content: `<!-- ccp:work-on-subissue #9 -->\nWork on subissue #9 of a/b (part of #1): Cut it\n${prompt}` },
  ];
  const body = (): MessagesRequestBody => ({ tools: [{ name: 'Write' }, { name: 'Bash' }, { name: 'Read' }],
    system: `Primary working directory: ${DIR}`, messages });
  const calls: ContentBlock[] = [];
  for (const result of results) {
    const call = scriptReply(body()).content.find((b) => b.type === 'tool_use');
    if (!call || call.type !== 'tool_use') throw new Error('the script made no tool call');
    calls.push(call);
    messages.push({ role: 'assistant', content: [call as never] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, ...result } as never] });
    if (result.content === CUT) {
      // What Claude Code adds when the conversation is continued.
      messages.push({ role: 'assistant', content: 'No response requested.' });
      messages.push({ role: 'user', content: 'ccp: your session was interrupted; continue where you left off.' });
    }
  }
  return { reply: scriptReply(body()), calls };
}

const cut: Result = { content: CUT, is_error: true };
const ok: Result = { content: 'ok' };
const what = (b: ContentBlock | undefined) => (b?.type === 'tool_use' ? [b.name, b.input.file_path ?? b.input.command] : b?.text);
const next = (results: Result[], prompt?: string) => what(converse(results, prompt).reply.content.at(-1));
const COMMIT = 'git add -A && git commit -q -m "Implement #9: Cut it"';

test('a cut-off Write: the file is read (it may be there), written again, then committed', () => {
  expect(next([cut])).toEqual(['Read', NOTES]);
  const missing = { content: 'File does not exist.', is_error: true };
  expect(next([cut, missing])).toEqual(['Write', NOTES]);
  expect(next([cut, missing, ok])).toEqual(['Bash', COMMIT]);
  expect(next([cut, missing, ok, ok])).toMatch(/^Done: #9/);
  // Cut off again while checking: checked again.
  expect(next([cut, cut])).toEqual(['Read', NOTES]);
});

test('a cut-off commit: git status says whether it happened; committed only when changes are left', () => {
  expect(next([ok, cut])).toEqual(['Bash', 'git status --porcelain']);
  expect(next([ok, cut, { content: '(Bash completed with no output)' }])).toMatch(/^Done: #9/);
  expect(next([ok, cut, { content: 'A  notes/subissue-9.md' }])).toEqual(['Bash', COMMIT]);
  expect(next([ok, cut, { content: '?? notes/subissue-9.md' }, ok])).toMatch(/^Done: #9/);
});

test('a cut-off scripted command is run again; ids stay unique in the conversation', () => {
  const prompt = `${RUN_MARKER} echo one`;
  expect(next([cut], prompt)).toEqual(['Bash', 'echo one']);
  expect(next([cut, ok], prompt)).toEqual(['Write', NOTES]);
  const { calls } = converse([cut, cut, ok, ok, cut], prompt);
  expect(new Set(calls.map((c) => (c.type === 'tool_use' ? c.id : ''))).size).toBe(calls.length);
});

test('uninterrupted, and a real failure: unchanged (a refused commit is no cut-off)', () => {
  expect(next([])).toEqual(['Write', NOTES]);
  expect(next([ok])).toEqual(['Bash', COMMIT]);
  expect(next([ok, ok])).toMatch(/^Done: #9/);
  expect(next([ok, { content: 'Exit code 1', is_error: true }])).toMatch(/^Could not finish #9/);
});
