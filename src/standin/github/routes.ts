// One handler per GitHub operation the stand-in serves. Requests reach these only after openapi-backend validated
// them against GitHub's description; replies are completed and validated against it by server.ts.
import type { GitHubOperationId } from './operations.js';
import { mergePull, openPull, parseHead, refreshHead, updatePull, type PullPatch } from './pulls.js';
import type { Renderer } from './render.js';
import { ApiError, type IssueRecord, type RepoRecord, type StateReason, type Store } from './store.js';

export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, string>;
  // Shape already checked against the operation's request-body schema.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  url: URL;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (request: RouteRequest) => Reply | Promise<Reply>;

type LabelInput = string | { name?: string };
const labelNames = (labels: LabelInput[] | undefined): string[] | undefined =>
  labels?.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter((name) => name !== '');

/** GitHub's `page`/`per_page` with a `link` header, which Octokit's paginate follows. */
function paginate(items: unknown[], request: RouteRequest): Reply {
  const perPage = Math.min(Math.max(Number(request.query.per_page ?? 30), 1), 100);
  const page = Math.max(Number(request.query.page ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const pageUrl = (n: number) => {
    const url = new URL(request.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.href}>`;
  };
  const links = page < last ? [`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`] : [];
  if (page > 1) links.push(`${pageUrl(1)}; rel="first"`, `${pageUrl(page - 1)}; rel="prev"`);
  return {
    status: 200,
    body: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : undefined,
  };
}

function sortByCreated<T extends IssueRecord>(items: T[], query: Record<string, string>): T[] {
  const key = query.sort === 'updated' ? 'updatedAt' : 'createdAt';
  const sign = query.direction === 'asc' ? 1 : -1;
  // Numbers break ties: several items are often created within the same second.
  return [...items].sort((a, b) => sign * (a[key].localeCompare(b[key]) || a.number - b.number));
}

function matchesState(issue: IssueRecord, state: string | undefined): boolean {
  return state === 'all' || issue.state === (state ?? 'open');
}

/** The subset of GitHub's search syntax ccp uses: repo:, is:/type:, state:, label:, in:, quoted or bare words. */
function searchMatches(store: Store, q: string): Array<{ repo: RepoRecord; issue: IssueRecord }> {
  const terms = [...q.matchAll(/(\w+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g)];
  let candidates: Array<{ repo: RepoRecord; issue: IssueRecord }> | undefined;
  const filters: Array<(issue: IssueRecord) => boolean> = [];
  for (const [, key, rawValue, phrase, word] of terms) {
    const value = rawValue?.replace(/^"|"$/g, '');
    if (key === 'repo') {
      const [owner, name] = value.split('/');
      const repo = store.repo(owner, name);
      candidates = [...repo.issues.values()].map((issue) => ({ repo, issue }));
    } else if ((key === 'is' || key === 'type') && ['issue', 'pr'].includes(value)) {
      filters.push((issue) => (value === 'pr') === Boolean(issue.pull));
    } else if ((key === 'is' || key === 'state') && ['open', 'closed'].includes(value)) {
      filters.push((issue) => issue.state === value);
    } else if (key === 'label') {
      filters.push((issue) => issue.labels.some((label) => label.toLowerCase() === value.toLowerCase()));
    } else if (key === undefined) {
      const text = (phrase ?? word).toLowerCase();
      filters.push((issue) => `${issue.title}\n${issue.body ?? ''}`.toLowerCase().includes(text));
    }
    // `in:body` and other qualifiers only narrow where GitHub looks; matching title and body is close enough.
  }
  if (!candidates) {
    throw new ApiError(422, 'Validation Failed', [{ resource: 'Search', field: 'q', code: 'invalid', message: 'The stand-in needs a repo: qualifier' }]);
  }
  return candidates.filter(({ issue }) => filters.every((filter) => filter(issue)));
}

export function createRoutes(store: Store, render: Renderer): Record<GitHubOperationId, Route> {
  const repoOf = (request: RouteRequest) => store.repo(request.params.owner, request.params.repo);
  const numberParam = (request: RouteRequest, name: string) => Number(request.params[name]);
  const issueReply = (status: number, repo: RepoRecord, issue: IssueRecord): Reply => ({ status, body: render.issue(repo, issue) });
  const pullOf = async (request: RouteRequest) => {
    const repo = repoOf(request);
    const pull = store.pull(repo, numberParam(request, 'pull_number'));
    await refreshHead(repo, pull.pull);
    return { repo, pull };
  };

  return {
    'repos/get': (request) => ({ status: 200, body: render.repo(repoOf(request)) }),

    'issues/get': (request) => {
      const repo = repoOf(request);
      return issueReply(200, repo, store.item(repo, numberParam(request, 'issue_number')));
    },

    'issues/create': (request) => {
      const repo = repoOf(request);
      const { title, body, labels } = request.body as { title: string | number; body?: string; labels?: LabelInput[] };
      const issue = store.createItem(repo, { title: String(title), body, labels: labelNames(labels) });
      return issueReply(201, repo, issue);
    },

    'issues/update': (request) => {
      const repo = repoOf(request);
      const issue = store.item(repo, numberParam(request, 'issue_number'));
      const patch = request.body as { title?: string | number | null; body?: string | null; state?: 'open' | 'closed'; state_reason?: StateReason | null; labels?: LabelInput[] };
      if (patch.title !== undefined && patch.title !== null) issue.title = String(patch.title);
      if (patch.body !== undefined) issue.body = patch.body;
      const names = labelNames(patch.labels);
      if (names) store.setLabels(repo, issue, names);
      if (patch.state !== undefined || patch.state_reason) {
        store.setState(issue, patch.state ?? issue.state, patch.state_reason ?? undefined);
      }
      store.touch(issue);
      return issueReply(200, repo, issue);
    },

    'issues/list-for-repo': (request) => {
      const repo = repoOf(request);
      const wanted = (request.query.labels ?? '').split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
      const since = request.query.since;
      const issues = [...repo.issues.values()].filter(
        (issue) =>
          matchesState(issue, request.query.state) &&
          wanted.every((name) => issue.labels.some((label) => label.toLowerCase() === name)) &&
          (!since || issue.updatedAt >= since),
      );
      return paginate(sortByCreated(issues, request.query).map((issue) => render.issue(repo, issue)), request);
    },

    'issues/create-comment': (request) => {
      const repo = repoOf(request);
      const issue = store.item(repo, numberParam(request, 'issue_number'));
      const comment = store.addComment(repo, issue, (request.body as { body: string }).body);
      return { status: 201, body: render.comment(repo, issue, comment) };
    },

    'issues/list-comments': (request) => {
      const repo = repoOf(request);
      const issue = store.item(repo, numberParam(request, 'issue_number'));
      return paginate(store.commentsOf(repo, issue.number).map((comment) => render.comment(repo, issue, comment)), request);
    },

    'issues/update-comment': (request) => {
      const repo = repoOf(request);
      const comment = store.comment(repo, numberParam(request, 'comment_id'));
      comment.body = (request.body as { body: string }).body;
      comment.updatedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { status: 200, body: render.comment(repo, store.item(repo, comment.issueNumber), comment) };
    },

    'issues/create-label': (request) => {
      const repo = repoOf(request);
      const { name, color, description } = request.body as { name: string; color?: string; description?: string };
      if (color !== undefined && !/^[0-9a-fA-F]{6}$/.test(color)) {
        throw new ApiError(422, 'Validation Failed', [{ resource: 'Label', field: 'color', code: 'invalid' }]);
      }
      return { status: 201, body: render.label(repo, store.createLabel(repo, name, color?.toLowerCase(), description)) };
    },

    'issues/get-label': (request) => {
      const repo = repoOf(request);
      return { status: 200, body: render.label(repo, store.label(repo, request.params.name)) };
    },

    'issues/add-labels': (request) => {
      const repo = repoOf(request);
      const issue = store.item(repo, numberParam(request, 'issue_number'));
      store.addLabels(repo, issue, labelNames((request.body as { labels?: LabelInput[] }).labels) ?? []);
      return { status: 200, body: issue.labels.map((name) => render.label(repo, store.label(repo, name))) };
    },

    'issues/add-sub-issue': (request) => {
      const repo = repoOf(request);
      const parent = store.item(repo, numberParam(request, 'issue_number'));
      const { sub_issue_id: childId, replace_parent: replace } = request.body as { sub_issue_id: number; replace_parent?: boolean };
      store.addSubIssue(repo, parent, childId, replace ?? false);
      return issueReply(201, repo, parent);
    },

    'issues/list-sub-issues': (request) => {
      const repo = repoOf(request);
      const parent = store.item(repo, numberParam(request, 'issue_number'));
      return paginate(store.subIssues(parent).map((child) => render.issue(repo, child)), request);
    },

    'pulls/create': async (request) => {
      const repo = repoOf(request);
      const input = request.body as { title?: string; body?: string; head: string; base: string; draft?: boolean; issue?: number };
      if (input.title === undefined) {
        throw new ApiError(422, 'Validation Failed', [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
      }
      const pull = await openPull(store, repo, { ...input, title: input.title });
      return { status: 201, body: render.pull(repo, pull, true) };
    },

    'pulls/list': (request) => {
      const repo = repoOf(request);
      const { head, base } = request.query;
      const wanted = head ? parseHead(repo, head) : undefined;
      const headMatches = (branch: string) => !wanted || (wanted.sameOwner && wanted.branch === branch);
      const pulls = [...repo.issues.values()].filter(
        (issue) => issue.pull && matchesState(issue, request.query.state) && headMatches(issue.pull.head) && (!base || issue.pull.base === base),
      ) as Array<IssueRecord & { pull: NonNullable<IssueRecord['pull']> }>;
      return paginate(sortByCreated(pulls, request.query).map((pull) => render.pull(repo, pull, false)), request);
    },

    'pulls/get': async (request) => {
      const { repo, pull } = await pullOf(request);
      return { status: 200, body: render.pull(repo, pull, true) };
    },

    'pulls/update': async (request) => {
      const { repo, pull } = await pullOf(request);
      await updatePull(store, repo, pull, (request.body ?? {}) as PullPatch);
      return { status: 200, body: render.pull(repo, pull, true) };
    },

    'pulls/check-if-merged': async (request) => {
      const { pull } = await pullOf(request);
      return { status: pull.pull.merged ? 204 : 404 };
    },

    'pulls/merge': async (request) => {
      const { repo, pull } = await pullOf(request);
      const body = (request.body ?? {}) as { sha?: string; merge_method?: 'merge' | 'squash' | 'rebase'; commit_title?: string; commit_message?: string };
      const sha = await mergePull(store, repo, pull, {
        sha: body.sha,
        method: body.merge_method ?? 'merge',
        commitTitle: body.commit_title,
        commitMessage: body.commit_message,
      });
      return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    },

    'search/issues-and-pull-requests': (request) => {
      const found = searchMatches(store, request.query.q);
      const sorted = [...found].sort((a, b) => b.issue.createdAt.localeCompare(a.issue.createdAt) || b.issue.number - a.issue.number);
      const page = paginate(sorted.map(({ repo, issue }) => ({ ...render.issue(repo, issue), score: 1 })), request);
      return { ...page, body: { total_count: found.length, incomplete_results: false, items: page.body, search_type: 'lexical' } };
    },
  };
}
