import { pullRequestBody, renderSubissueBody, subissueMarker, subissueTitle } from '../../src/core/templates.js';
import { legacyParentWorkflowId, parentWorkflowId, parseIssueNumbers, parseRepo, repoFromRemoteUrl, subissueWorkflowId } from '../../src/shared/ids.js';
import { renderStatus, throughput } from '../../src/cli/status-view.js';
import { loadConfig, taskQueues } from '../../src/config/config.js';
import type { IssueSummary, PlannedSubissue } from '../../src/shared/types.js';

const parent: IssueSummary = { number: 123, id: 9001, title: 'Auth', body: '', state: 'open', url: 'u' };
const planned: PlannedSubissue = {
  key: 'jwt',
  title: 'Implement authentication middleware',
  estimatedHours: 3,
  priority: 'high',
  description: 'Implement JWT authentication middleware.',
  acceptanceCriteria: ['Validates tokens', 'Returns 401'],
  technicalContext: 'Use the existing JWT library',
  dependsOn: [],
};

test('subissue body follows the design template with a hidden marker', () => {
  const body = renderSubissueBody(parent, planned, [200]);
  expect(body).toContain('**Parent Issue**: #123');
  expect(body).toContain('**Estimated Hours**: 3');
  expect(body).toContain('**Priority**: High');
  expect(body).toContain('**Depends On**: #200');
  expect(body).toContain('## Acceptance Criteria\n- [ ] Validates tokens\n- [ ] Returns 401');
  expect(body).toContain('## Technical Context\nUse the existing JWT library');
  expect(body).toContain(subissueMarker(123, 'jwt'));
  expect(subissueTitle(123, planned)).toBe('[#123] Implement authentication middleware');
});

test('PR body closes the subissue and names the parent', () => {
  const body = pullRequestBody(123, { number: 201, title: 'x' });
  expect(body.split('\n').slice(0, 2)).toEqual(['Closes #201', 'Part of #123']);
});

test('workflow ids come from repo and number', () => {
  const repo = parseRepo('octo/hello');
  expect(parentWorkflowId(repo, 5)).toBe('ccp-octo/hello#5');
  expect(subissueWorkflowId(repo, 5, 7)).toBe('ccp-octo/hello#5.sub-7');
  // Owners and names with dashes no longer meet: a-b/c#1 and a/b-c#1 are different workflows.
  expect(parentWorkflowId({ owner: 'a-b', repo: 'c' }, 1)).not.toBe(parentWorkflowId({ owner: 'a', repo: 'b-c' }, 1));
  expect(parentWorkflowId({ owner: 'a', repo: 'b-1' }, 2)).not.toBe(parentWorkflowId({ owner: 'a', repo: 'b' }, 12));
  expect(legacyParentWorkflowId(repo, 5)).toBe('ccp-octo-hello-5');
});

test('bad input gets errors that say what to pass', () => {
  expect(() => parseRepo('hello')).toThrow(/owner\/name/);
  expect(() => parseIssueNumbers('12,abc')).toThrow(/"abc" is not an issue number/);
  expect(parseIssueNumbers('#12, 13 12')).toEqual([12, 13]);
  expect(() => parseIssueNumbers('1,,2')).toThrow('"1,,2" has an empty item: pass numbers like 123,124');
  expect(() => parseIssueNumbers('1,')).toThrow(/has an empty item/);
  expect(() => parseIssueNumbers('  ')).toThrow(/no issue numbers given/);
  expect(() => loadConfig({ CCP_WORKERS: 'many' })).toThrow(/CCP_WORKERS must be a number/);
  expect(() => loadConfig({ CCP_WORKERS: '0' })).toThrow(/CCP_WORKERS must be at least 1/);
  expect(() => loadConfig({ CCP_GITHUB_API_URL: 'not a url' })).toThrow(/CCP_GITHUB_API_URL must be a URL/);
});

test('remote URLs name the repository', () => {
  expect(repoFromRemoteUrl('git@github.com:octo/hello.git')).toEqual({ owner: 'octo', repo: 'hello' });
  expect(repoFromRemoteUrl('https://github.com/octo/hello')).toEqual({ owner: 'octo', repo: 'hello' });
  expect(repoFromRemoteUrl('/tmp/origin.git')).toBeUndefined();
});

test('config defaults and host queues', () => {
  const config = loadConfig({ CCP_HOME: '/tmp/x', CCP_HOST_ID: 'box1' }, '/repo');
  expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', uiPort: 8233, external: false });
  expect(config.repoPath).toBe('/repo');
  expect(taskQueues(config)).toEqual({ hostId: 'box1', shared: 'ccp', hostQueue: 'ccp@box1', agentQueue: 'ccp@box1:agents' });
  expect(loadConfig({ CCP_TEMPORAL_ADDRESS: 'temporal:7233' }).temporal.external).toBe(true);
  expect(config.pueue.retentionHours).toBe(24);
  expect(loadConfig({ CCP_PUEUE_RETENTION_HOURS: '0.5' }).pueue.retentionHours).toBe(0.5);
  expect(() => loadConfig({ CCP_PUEUE_RETENTION_HOURS: '0' })).toThrow(/CCP_PUEUE_RETENTION_HOURS must be more than 0/);
});

test('status view shows progress and failures', () => {
  const text = renderStatus([
    {
      repo: { owner: 'o', repo: 'r' },
      number: 1,
      title: 'Parent',
      phase: 'running',
      paused: true,
      subissues: [
        { key: 'a', number: 2, title: 'A', priority: 'high', dependsOn: [], phase: 'merged', pr: { number: 4, url: '', merged: true }, updatedAt: '' },
        { key: 'b', number: 3, title: 'B', priority: 'low', dependsOn: [], phase: 'failed', error: 'boom\nmore', updatedAt: '' },
      ],
    },
  ]);
  expect(text).toContain('o/r#1 running (paused) Parent');
  expect(text).toContain('50% (1/2)');
  expect(text).toContain('#2 merged');
  expect(text).toContain('PR #4 merged');
  expect(text).toContain('#3 failed   low      B — boom');
  expect(text).toContain('merged 1 | failed 1');
});

test('status view lists worker panes with their subissues', () => {
  const text = renderStatus([], new Date(0), [
    { id: '%1', task: 'subissue-3' },
    { id: '%2', task: '' },
  ]);
  expect(text).toContain('Workers (1/2 busy): %1 subissue-3 · %2 idle');
  const sub = (number: number) => ({ key: `k${number}`, number, title: `T${number}`, priority: 'normal' as const, dependsOn: [], phase: 'agent' as const, updatedAt: '' });
  const parent = { repo: { owner: 'o', repo: 'r' }, number: 1, title: 'P', phase: 'running' as const, paused: false, subissues: [sub(3), sub(4)] };
  const withPanes = renderStatus([parent], new Date(0), [{ id: '%1', task: 'subissue-3' }]);
  expect(withPanes).toContain('#3 agent    normal   T3 [pane %1]');
  expect(withPanes).toContain('#4 agent    normal   T4 (waiting for a free pane)');
});

test('throughput counts PRs of the last hour and the mean time from start to PR', () => {
  const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, 0) + minutes * 60_000).toISOString();
  const sub = (number: number, startedAt: string, prOpenedAt?: string) => ({
    key: `k${number}`, number, title: `T${number}`, priority: 'normal' as const, dependsOn: [], phase: 'pr-open' as const,
    updatedAt: '', startedAt, prOpenedAt,
  });
  const parents = [{ repo: { owner: 'o', repo: 'r' }, number: 1, title: 'P', phase: 'running' as const, paused: false,
    subissues: [sub(2, at(-100), at(-90)), sub(3, at(-30), at(-10)), sub(4, at(-5))] }];
  const now = new Date(at(0));
  expect(throughput(parents, now)).toEqual({ lastHour: 1, meanMinutes: 15 });
  expect(renderStatus(parents, now)).toContain('Throughput: 1 PR in the last hour · 15.0 min per subissue (start → PR)');
  expect(renderStatus([], now)).not.toContain('Throughput');
});
