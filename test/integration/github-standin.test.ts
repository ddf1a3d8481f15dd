// The real GitHub adapter (Octokit) against the offline stand-in, which validates every request and response
// against GitHub's OpenAPI description.
import { createGitHubAdapter, type GitHubAdapter } from '../../src/adapters/github.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../src/standin/github/index.js';
import { rejection } from '../helpers/github-errors.js';

const TOKEN = 'ghp_standinTestToken0123456789';
const repo = { owner: 'acme', repo: 'widgets' };

let standIn: GitHubStandIn;
let github: GitHubAdapter;

/** A raw request, to send what the adapter never would. */
async function raw(method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}


beforeAll(async () => {
  // (How fast it starts is the benchmark's business, not a test's: under load it varies.)
  standIn = await startGitHubStandIn({ token: TOKEN, repos: [{ ...repo, defaultBranch: 'trunk' }, { owner: 'acme', repo: 'other' }] });
  github = createGitHubAdapter({ token: TOKEN, baseUrl: standIn.url, throttle: false });
});

afterEach(() => {
  // Every response the stand-in sent matched GitHub's description.
  expect(standIn.validationErrors).toEqual([]);
});

afterAll(async () => {
  await standIn.close();
});

describe('GitHub adapter against the stand-in', () => {
  test('getDefaultBranch reads the repository', async () => {
    await expect(github.getDefaultBranch(repo)).resolves.toBe('trunk');
  });

  test('createIssue and getIssue: ids are global and differ from numbers', async () => {
    const created = await github.createIssue(repo, { title: 'Parent', body: 'the body', labels: ['ccp'] });
    expect(created).toMatchObject({ title: 'Parent', body: 'the body', state: 'open' });
    expect(created.id).not.toBe(created.number);
    expect(created.url).toContain(`/acme/widgets/issues/${created.number}`);
    await expect(github.getIssue(repo, created.number)).resolves.toEqual(created);
    expect(standIn.getIssue(repo.owner, repo.repo, created.number)?.labels).toEqual(['ccp']);
  });

  test('getIssue rejects a pull request number and a missing issue', async () => {
    const pr = await github.createPullRequest(repo, { head: 'feature/x', base: 'trunk', title: 'A PR', body: '' });
    expect((await rejection(github.getIssue(repo, pr.number))).message).toMatch(/is a pull request, not an issue/);
    const missing = await rejection(github.getIssue(repo, 9999));
    expect(missing.status).toBe(404);
    expect(missing.message).toMatch(/acme\/widgets or the object was not found/);
  });

  test('findIssueByMarker pages through every labelled issue and ignores other labels', async () => {
    for (let i = 0; i < 120; i++) standIn.seedIssue(repo.owner, repo.repo, { title: `filler ${i}`, body: 'no marker', labels: ['ccp-sub'] });
    standIn.seedIssue(repo.owner, repo.repo, { title: 'unlabelled', body: '<!-- ccp:key=zeta -->' });
    const target = await github.createIssue(repo, { title: 'late', body: 'x\n<!-- ccp:key=omega -->', labels: ['ccp-sub'] });
    await github.closeIssue(repo, target.number, 'completed');

    const found = await github.findIssueByMarker(repo, 'ccp-sub', '<!-- ccp:key=omega -->');
    expect(found).toMatchObject({ number: target.number, id: target.id, state: 'closed' });
    await expect(github.findIssueByMarker(repo, 'ccp-sub', '<!-- ccp:key=zeta -->')).resolves.toBeUndefined();
  });

  test('addSubIssue links by id, is idempotent, and rejects a number or a second parent', async () => {
    const parent = await github.createIssue(repo, { title: 'epic', body: '' });
    const child = await github.createIssue(repo, { title: 'part', body: '' });
    await github.addSubIssue(repo, parent.number, child.id);
    await github.addSubIssue(repo, parent.number, child.id);
    expect(standIn.subIssues(repo.owner, repo.repo, parent.number).map((issue) => issue.id)).toEqual([child.id]);

    const byNumber = await rejection(github.addSubIssue(repo, parent.number, child.number));
    expect(byNumber.status).toBe(404);
    const otherParent = await github.createIssue(repo, { title: 'other epic', body: '' });
    const second = await rejection(github.addSubIssue(repo, otherParent.number, child.id));
    expect(second.status).toBe(422);
    expect(second.message).toMatch(/more than one parent/);
  });

  test('pull requests: create, find by head, get, merge (idempotent) closes the referenced issue', async () => {
    const issue = await github.createIssue(repo, { title: 'fix me', body: '' });
    const created = await github.createPullRequest(repo, {
      head: 'ccp/fix-me',
      base: 'trunk',
      title: 'Fix it',
      body: `Does the thing.\n\nfixes #${issue.number}`,
      draft: false,
    });
    expect(created).toMatchObject({ state: 'open', merged: false, head: 'ccp/fix-me', base: 'trunk' });
    await expect(github.findPullRequestByHead(repo, 'ccp/fix-me')).resolves.toEqual(created);
    await expect(github.findPullRequestByHead(repo, 'no/such-branch')).resolves.toBeUndefined();

    await github.mergePullRequest(repo, created.number);
    await github.mergePullRequest(repo, created.number);
    await expect(github.getPullRequest(repo, created.number)).resolves.toMatchObject({ state: 'closed', merged: true });
    await expect(github.findPullRequestByHead(repo, 'ccp/fix-me')).resolves.toMatchObject({ merged: true });
    expect(standIn.getIssue(repo.owner, repo.repo, issue.number)).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect((await raw('GET', `/repos/acme/widgets/pulls/${created.number}/merge`)).status).toBe(204);
  });

  test('upsertComment, closeIssue and ensureLabel', async () => {
    const issue = await github.createIssue(repo, { title: 'talk', body: '' });
    const marker = '<!-- ccp:test -->';
    await github.upsertComment(repo, issue.number, marker, `${marker} first`);
    expect(standIn.comments(repo.owner, repo.repo, issue.number).map((comment) => comment.body)).toEqual([`${marker} first`]);
    // The same marker updates that comment in place; another marker gets its own.
    await github.upsertComment(repo, issue.number, marker, `${marker} second`);
    await github.upsertComment(repo, issue.number, '<!-- other -->', '<!-- other --> x');
    expect(standIn.comments(repo.owner, repo.repo, issue.number).map((comment) => comment.body))
      .toEqual([`${marker} second`, '<!-- other --> x']);

    await github.closeIssue(repo, issue.number, 'not_planned');
    expect(standIn.getIssue(repo.owner, repo.repo, issue.number)).toMatchObject({ state: 'closed', stateReason: 'not_planned' });

    await github.ensureLabel(repo, 'ccp-parent', '#0e8a16', 'Managed by ccp');
    await github.ensureLabel(repo, 'ccp-parent', '0e8a16', 'Managed by ccp');
    const label = await raw('GET', '/repos/acme/widgets/labels/ccp-parent');
    expect(label.body).toMatchObject({ name: 'ccp-parent', color: '0e8a16', description: 'Managed by ccp' });
  });

  test('a wrong token gets 401 and an error that says what to do, without the token', async () => {
    const wrong = createGitHubAdapter({ token: 'ghp_wrongToken', baseUrl: standIn.url, throttle: false });
    const error = await rejection(wrong.getDefaultBranch(repo));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/^GITHUB_TOKEN is missing or invalid: .*gh auth login/);
    expect(error.message).not.toContain('ghp_wrongToken');
    expect((await raw('GET', '/repos/acme/widgets', undefined, 'nope')).body).toMatchObject({ message: 'Bad credentials' });
  });

  test('an unknown repository is a 404 that names it', async () => {
    const error = await rejection(github.getDefaultBranch({ owner: 'acme', repo: 'missing' }));
    expect(error.message).toMatch(/acme\/missing or the object was not found/);
  });
});

describe('stand-in request validation (GitHub\'s description)', () => {
  test('sub_issue_id sent as a string is rejected with a GitHub-style 422', async () => {
    const parent = standIn.seedIssue('acme', 'widgets', { title: 'p', body: '' });
    const child = standIn.seedIssue('acme', 'widgets', { title: 'c', body: '' });
    const response = await raw('POST', `/repos/acme/widgets/issues/${parent.number}/sub_issues`, { sub_issue_id: String(child.id) });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ message: expect.stringMatching(/^Invalid request/), documentation_url: expect.any(String) });
    expect(response.body?.errors).toEqual([expect.objectContaining({ field: 'sub_issue_id', code: 'invalid' })]);
    expect(standIn.subIssues('acme', 'widgets', parent.number)).toEqual([]);
  });

  test('an issue without a title, a non-integer number and an unknown query parameter are rejected', async () => {
    const noTitle = await raw('POST', '/repos/acme/widgets/issues', { body: 'untitled' });
    expect(noTitle.status).toBe(422);
    expect(noTitle.body?.errors).toEqual([expect.objectContaining({ field: 'title', code: 'missing_field' })]);
    expect((await raw('GET', '/repos/acme/widgets/issues/abc')).status).toBe(422);
    expect((await raw('GET', '/repos/acme/widgets/issues?colour=red')).status).toBe(422);
    expect((await raw('POST', '/repos/acme/widgets/labels', { name: 'x', color: 'not-hex' })).status).toBe(422);
  });

  test('unknown routes are JSON 404s; malformed JSON is a 400', async () => {
    const unknown = await raw('GET', '/repos/acme/widgets/hooks');
    expect(unknown).toMatchObject({ status: 404, body: { message: 'Not Found' } });
    const response = await fetch(`${standIn.url}/repos/acme/widgets/issues`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"title":',
    });
    expect(response.status).toBe(400);
  });

  test('serves the operations the adapter does not use, with schema-valid responses', async () => {
    const issue = standIn.seedIssue('acme', 'widgets', { title: 'searchable', body: 'find the needle-42 here', labels: ['s'] });
    const comment = await raw('POST', `/repos/acme/widgets/issues/${issue.number}/comments`, { body: 'one' });
    const updated = await raw('PATCH', `/repos/acme/widgets/issues/comments/${String(comment.body?.id)}`, { body: 'two' });
    expect(updated.body).toMatchObject({ body: 'two' });
    expect((await raw('GET', `/repos/acme/widgets/issues/${issue.number}/comments`)).body).toEqual([expect.objectContaining({ body: 'two' })]);

    const edited = await raw('PATCH', `/repos/acme/widgets/issues/${issue.number}`, { title: 'renamed', labels: ['t'] });
    expect(edited.body).toMatchObject({ title: 'renamed', labels: [expect.objectContaining({ name: 't' })] });
    const labels = await raw('POST', `/repos/acme/widgets/issues/${issue.number}/labels`, { labels: ['u'] });
    expect((labels.body as unknown as Array<{ name: string }>).map((label) => label.name)).toEqual(['t', 'u']);

    const search = await raw('GET', `/search/issues?q=${encodeURIComponent('repo:acme/widgets is:issue in:body "needle-42"')}`);
    expect(search.body).toMatchObject({ total_count: 1, items: [expect.objectContaining({ number: issue.number })] });

    const pulls = await raw('GET', '/repos/acme/widgets/pulls?state=all&per_page=1');
    expect(pulls.status).toBe(200);
    expect(pulls.headers.get('link')).toMatch(/rel="next"/);
    expect((await raw('GET', '/repos/acme/widgets/issues/1/sub_issues')).status).toBe(200);
  });
});
