// Plan files a person edited (`ccp start --plan`): the analyzer's rules, plus unknown fields, each problem named
// with its field and line; and the JSON line map behind it.
import { jsonLines } from '../../src/core/json-lines.js';
import { parsePlanFile, PlanFileError } from '../../src/core/plan-file.js';

const sub = (key: string, extra: Record<string, unknown> = {}) => ({
  key, title: `Do ${key}`, estimatedHours: 2, priority: 'normal', description: `Description of ${key}`,
  acceptanceCriteria: [`${key} works`], dependsOn: [], ...extra,
});
const file = (subissues: unknown[]) => JSON.stringify({ subissues }, null, 2);
const problemsOf = (text: string): string => {
  try {
    parsePlanFile(text, 'plan.json');
  } catch (err) {
    expect(err).toBeInstanceOf(PlanFileError);
    return (err as Error).message;
  }
  throw new Error('the plan was accepted');
};
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('a good plan file is the plan, defaults filled in', () => {
  const plan = parsePlanFile(file([sub('api'), sub('ui', { dependsOn: ['api'], group: 'frontend' })]), 'plan.json');
  expect(plan.subissues.map((s) => [s.key, s.dependsOn, s.technicalContext])).toEqual([['api', [], ''], ['ui', ['api'], '']]);
  expect(plan.subissues[1]).toMatchObject({ group: 'frontend' });
});

test('a JSON syntax error says the line and column', () => {
  const text = '{\n  "subissues": [\n    { "key": "a", }\n  ]\n}';
  expect(problemsOf(text)).toMatch(/^plan\.json line 3, column \d+: not valid JSON \(/);
});

test('a wrong value names its field and line', () => {
  const text = file([sub('api'), sub('ui', { priority: 'urgent' })]);
  expect(problemsOf(text)).toContain(`line ${lineOf(text, '"urgent"')}: subissues.1.priority:`);
});

test('a misspelt field is named, not silently dropped', () => {
  const text = file([sub('api'), { ...sub('ui'), dependson: ['api'] }]);
  const message = problemsOf(text);
  expect(message).toContain(`line ${lineOf(text, '"dependson"')}: subissues.1.dependson: unknown field (known: key, title,`);
});

test('a missing field points at its subissue', () => {
  const { title: _title, ...untitled } = sub('ui');
  const text = file([sub('api'), untitled]);
  expect(problemsOf(text)).toMatch(new RegExp(`line ${lineOf(text, '"key": "ui"') - 1}: subissues\\.1\\.title:`));
});

test('graph problems name the dependency line: unknown keys, cycles', () => {
  const unknown = file([sub('api', { dependsOn: ['db'] }), sub('ui')]);
  expect(problemsOf(unknown)).toContain(`line ${lineOf(unknown, '"db"')}: "api" depends on unknown key "db"`);
  const cycle = file([sub('api', { dependsOn: ['ui'] }), sub('ui', { dependsOn: ['api'] })]);
  expect(problemsOf(cycle)).toMatch(/dependency cycle (api -> ui -> api|ui -> api -> ui)/);
  expect(problemsOf(file([sub('a')]))).toMatch(/subissues:/); // too few
});

test('every problem is listed, one a line', () => {
  const text = file([sub('api', { estimatedHours: -1 }), sub('ui', { priority: 'soon' })]);
  const lines = problemsOf(text).split('\n');
  expect(lines[0]).toBe('plan.json is not a plan ccp can use:');
  expect(lines.slice(1).map((l) => /subissues\.\d\.\w+/.exec(l)?.[0])).toEqual(['subissues.0.estimatedHours', 'subissues.1.priority']);
});

test('jsonLines maps paths to lines, members to their key', () => {
  const lines = jsonLines('{\n "a": [\n  1,\n  {"b": "x\\"}"}\n ],\n "c": null\n}');
  expect(Object.fromEntries(lines)).toEqual({ '': 1, a: 2, 'a.0': 3, 'a.1': 4, 'a.1.b': 4, c: 6 });
});
