// The offline model stand-in over real HTTP: routes, plain JSON and SSE replies, and the analyzer script's edge cases.
import { parsePlan, validatePlan } from '../../src/core/plan.js';
import { buildAnalyzerPrompt, buildConflictPrompt } from '../../src/core/prompts.js';
import { planSubissues, startModelServer, type ModelServer } from '../../src/standin/model/index.js';

let model: ModelServer;
beforeAll(async () => {
  model = await startModelServer();
});
afterAll(async () => {
  await model.close();
});

const post = (path: string, body: unknown, raw = false): Promise<Response> => fetch(`${model.url}${path}`,
  { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ? String(body) : JSON.stringify(body) });

const TOOLS = [{ name: 'Write' }, { name: 'Bash' }];
const workBody = (extra: object[] = []) => ({
  tools: TOOLS,
  system: [{ type: 'text', text: 'x' }],
  messages: [
    { role: 'system', content: [{ type: 'text', text: ' - Primary working directory: /tmp/wt-1\n' }] },
    { role: 'user', content: '<!-- ccp:work-on-subissue #4 -->\nWork on subissue #4 of a/b (part of #1): Do "it"; now' },
    ...extra,
  ],
});

test('HEAD / is 200; unknown routes are 404', async () => {
  expect((await fetch(`${model.url}/`, { method: 'HEAD' })).status).toBe(200);
  expect((await fetch(`${model.url}/v1/models`)).status).toBe(404);
  expect((await post('/v2/messages', {})).status).toBe(404);
  expect((await post('/v1/messages', 'not json{', true)).status).toBe(400);
});

test('plain JSON reply: the first work step writes the notes file under the working directory', async () => {
  const reply = await (await post('/v1/messages?beta=true', workBody())).json() as Record<string, unknown>;
  expect(reply).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'tool_use' });
  expect(reply.content).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'tool_use', name: 'Write',
    input: expect.objectContaining({ file_path: '/tmp/wt-1/notes/subissue-4.md' }) as unknown })]));
});

test('SSE reply: event order, and the commit command only carries safe title characters', async () => {
  const result = [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ok' }] }];
  const res = await post('/v1/messages', { ...workBody(result), stream: true });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const text = await res.text();
  const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
  expect(events[0]).toBe('message_start');
  expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
  expect(events).toContain('content_block_delta');
  const json = [...text.matchAll(/"partial_json":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]) as string).join('');
  expect(JSON.parse(json)).toEqual({ command: 'git add -A && git commit -q -m "Implement #4: Do it now"',
    description: 'Commit the change' });
  expect(text).toContain('"stop_reason":"tool_use"');
});

test('count_tokens, side calls without tools, and the request log', async () => {
  expect(await (await post('/v1/messages/count_tokens', { messages: [] })).json()).toEqual({ input_tokens: 4 });
  const aux = await (await post('/v1/messages', { messages: [{ role: 'user', content: 'title please' }] })).json() as
    { content: Array<{ text: string }> };
  expect(JSON.parse(aux.content[0].text)).toEqual({ title: 'ccp agent session' });
  expect(model.requests.map((r) => r.kind)).toEqual(
    ['head', 'not-found', 'not-found', 'bad-request', 'work', 'work', 'count_tokens', 'aux']);
});

test('a rebase-conflict task in a continued conversation: each file read, written without markers, then done', async () => {
  const finished = [{ role: 'assistant', content: [{ type: 'text', text: 'Done: #4' }] }];
  const task = { role: 'user', content: buildConflictPrompt({ sub: 4, dependency: 3, base: 'main', files: ['notes/a.md', 'src/b.ts'] }) };
  type Reply = { stop_reason: string; content: Array<{ name: string; text: string; input: { file_path: string; content?: string } }> };
  const results = (n: number) => [{ role: 'assistant', content: [] }, { role: 'user',
    content: Array.from({ length: n }, (_, i) => ({ type: 'tool_result', tool_use_id: `t${i}`, content: 'ok' })) }];
  const ask = async (extra: object[]) => await (await post('/v1/messages', workBody([...finished, task, ...extra]))).json() as Reply;
  const read = await ask([]);
  expect(read.content.map((c) => [c.name, c.input.file_path])).toEqual([['Read', '/tmp/wt-1/notes/a.md'], ['Read', '/tmp/wt-1/src/b.ts']]);
  const write = await ask(results(2));
  expect(write.content.map((c) => [c.name, c.input.file_path])).toEqual([['Write', '/tmp/wt-1/notes/a.md'], ['Write', '/tmp/wt-1/src/b.ts']]);
  expect(write.content.every((c) => !/^(<{7}|={7}|>{7})/m.test(c.input.content ?? ''))).toBe(true);
  const done = await ask([...results(2), ...results(2)]);
  expect(done.stop_reason).toBe('end_turn');
  expect(done.content[0].text).toContain('Resolved the conflicts in notes/a.md, src/b.ts');
});

test('analyzer reply for a prompt parses as a plan', async () => {
  const prompt = buildAnalyzerPrompt({ owner: 'a', repo: 'b' },
    { number: 9, id: 1, title: 'Big thing', body: 'no task list here', state: 'open', url: '' });
  const reply = await (await post('/v1/messages', { tools: TOOLS, messages: [{ role: 'user', content: prompt }] }))
    .json() as { content: Array<{ text: string }> };
  expect(parsePlan(reply.content[0].text).subissues.map((s) => s.title))
    .toEqual(['Part 1/2 of Big thing', 'Part 2/2 of Big thing']);
});

test('planSubissues: at most five, unique keys, valid plans', () => {
  const body = ['- [ ] Same', '- [ ] Same', '- [x] done already', '* [ ] Third {after:1}', '- [ ] !!', '- [ ] Five',
    '- [ ] Six'].join('\n');
  const subs = planSubissues({ number: 3, title: 'T', body });
  expect(subs.map((s) => s.key)).toEqual(['same', 'same-2', 'third', 'task-4', 'five']);
  expect(subs[2].dependsOn).toEqual(['same']);
  expect(() => validatePlan({ subissues: subs })).not.toThrow();
});
