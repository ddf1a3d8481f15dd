// An issue's sub-issues on GitHub as the plan: ccp's own read back from their bodies (as planned, dependencies by
// key), hand-filed ones worked on as they are.
import { subissuesFromGitHub } from '../../src/core/existing-subissues.js';
import { readSubissueBody, renderSubissueBody, subissueTitle } from '../../src/core/templates.js';
import type { IssueSummary, PlannedSubissue } from '../../src/shared/types.js';

const parent = { number: 10, id: 100, title: 'Parent', body: '', state: 'open' as const, url: '' };
const planned = (key: string, dependsOn: string[] = []): PlannedSubissue => ({
  key, title: `Do ${key}`, estimatedHours: 3, priority: 'high', description: `What ${key} is.\n\n---\n\nMore of it.`,
  acceptanceCriteria: [`${key} works`, 'tests pass'], technicalContext: key === 'api' ? '' : 'src/ui', dependsOn,
});
const issue = (number: number, title: string, body: string, state: 'open' | 'closed' = 'open'): IssueSummary =>
  ({ number, id: number * 10, title, body, state, url: `https://example.test/${number}` });
const ccpIssue = (number: number, sub: PlannedSubissue, dependsOnNumbers: number[] = []) =>
  issue(number, subissueTitle(parent.number, sub), renderSubissueBody(parent, sub, dependsOnNumbers));

test('a body ccp wrote reads back as it was planned', () => {
  const sub = planned('ui');
  const read = readSubissueBody(renderSubissueBody(parent, sub, [11, 12]));
  expect(read).toEqual({ parentNumber: 10, key: 'ui', estimatedHours: 3, priority: 'high', description: sub.description,
    acceptanceCriteria: sub.acceptanceCriteria, technicalContext: 'src/ui', dependsOnNumbers: [11, 12] });
  expect(readSubissueBody('a hand-written issue')).toBeUndefined();
  // Ticked on GitHub since: still its criteria.
  const ticked = renderSubissueBody(parent, planned('api'), []).replace('- [ ] api works', '- [x] api works');
  expect(readSubissueBody(ticked)?.acceptanceCriteria).toEqual(['api works', 'tests pass']);
  expect(readSubissueBody(ticked)?.technicalContext).toBe('');
});

test("ccp's own sub-issues come back with their keys and dependencies; hand-filed ones as they are", () => {
  const subs = subissuesFromGitHub(parent, [
    ccpIssue(11, planned('api')),
    ccpIssue(12, planned('ui', ['api']), [11, 99]),
    issue(13, 'Write the docs', '<!-- form -->Docs for everything'),
  ]);
  expect(subs.map((s) => [s.number, s.key, s.title, s.own, s.dependsOn])).toEqual([
    [11, 'api', 'Do api', true, []],
    [12, 'ui', 'Do ui', true, ['api']], // #99 is no sub-issue of this parent: not waited for
    [13, 'issue-13', 'Write the docs', false, []],
  ]);
  expect(subs[2]).toMatchObject({ id: 130, priority: 'normal', description: 'Docs for everything', state: 'open' });
});

test('a key seen twice takes its number, so scheduling keeps them apart', () => {
  const subs = subissuesFromGitHub(parent, [ccpIssue(11, planned('api')), ccpIssue(14, planned('api'))]);
  expect(subs.map((s) => s.key)).toEqual(['api', 'api-14']);
});
