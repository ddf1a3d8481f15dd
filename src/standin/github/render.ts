// Store records → the fields of GitHub's response objects that carry real state. The server completes them from
// the operation's response schema (schema-fill.ts), so these only name what a client could meaningfully read.
import { pathToFileURL } from 'node:url';
import type { CommentRecord, IssueRecord, LabelRecord, PullInfo, RepoRecord, Store } from './store.js';

export interface Urls {
  /** REST base, e.g. http://127.0.0.1:41234 */
  api: string;
  /** Where html_url links point (the stand-in serves no HTML; these only need to be stable and unique). */
  html: string;
}

/** The account every request acts as (the token's owner). */
export const ACTOR_LOGIN = 'standin-user';

export class Renderer {
  constructor(
    private readonly store: Store,
    private readonly urls: Urls,
  ) {}

  account(login: string, type: 'User' | 'Organization' = 'User'): Record<string, unknown> {
    const id = this.store.ownerId(login);
    return {
      login,
      id,
      node_id: nodeId('U', id),
      type,
      site_admin: false,
      url: `${this.urls.api}/users/${login}`,
      html_url: `${this.urls.html}/${login}`,
    };
  }

  actor(): Record<string, unknown> {
    return this.account(ACTOR_LOGIN);
  }

  repo(repo: RepoRecord): Record<string, unknown> {
    const api = this.repoApi(repo);
    return {
      id: repo.id,
      node_id: nodeId('R', repo.id),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      owner: this.account(repo.owner),
      private: false,
      html_url: `${this.urls.html}/${repo.owner}/${repo.name}`,
      url: api,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      labels_url: `${api}/labels{/name}`,
      clone_url: repo.bareRepoPath
        ? pathToFileURL(repo.bareRepoPath).href
        : `${this.urls.html}/${repo.owner}/${repo.name}.git`,
      default_branch: repo.defaultBranch,
      delete_branch_on_merge: repo.deleteBranchOnMerge,
      has_issues: true,
      visibility: 'public',
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      open_issues_count: [...repo.issues.values()].filter((issue) => issue.state === 'open').length,
    };
  }

  label(repo: RepoRecord, label: LabelRecord): Record<string, unknown> {
    return {
      id: label.id,
      node_id: nodeId('LA', label.id),
      url: `${this.repoApi(repo)}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      description: label.description,
      color: label.color,
      default: false,
    };
  }

  issue(repo: RepoRecord, issue: IssueRecord): Record<string, unknown> {
    const api = `${this.repoApi(repo)}/issues/${issue.number}`;
    const children = this.store.subIssues(issue);
    const completed = children.filter((child) => child.state === 'closed').length;
    return {
      id: issue.id,
      node_id: nodeId(issue.pull ? 'PR' : 'I', issue.id),
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.stateReason,
      locked: false,
      user: this.actor(),
      labels: issue.labels.map((name) => this.label(repo, this.store.label(repo, name))),
      assignee: null,
      assignees: [],
      milestone: null,
      comments: this.store.commentsOf(repo, issue.number).length,
      url: api,
      repository_url: this.repoApi(repo),
      labels_url: `${api}/labels{/name}`,
      comments_url: `${api}/comments`,
      events_url: `${api}/events`,
      html_url: this.htmlUrl(repo, issue),
      author_association: 'OWNER',
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      sub_issues_summary: {
        total: children.length,
        completed,
        percent_completed: children.length === 0 ? 0 : Math.floor((completed * 100) / children.length),
      },
      ...(issue.pull ? { draft: issue.pull.draft, pull_request: this.pullLinks(repo, issue, issue.pull) } : {}),
    };
  }

  comment(repo: RepoRecord, issue: IssueRecord, comment: CommentRecord): Record<string, unknown> {
    return {
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      url: `${this.repoApi(repo)}/issues/comments/${comment.id}`,
      html_url: `${this.htmlUrl(repo, issue)}#issuecomment-${comment.id}`,
      issue_url: `${this.repoApi(repo)}/issues/${issue.number}`,
      body: comment.body,
      user: this.actor(),
      author_association: 'OWNER',
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
    };
  }

  /** `full`: the single-PR shape (pulls.get/create); list results lack `merged` and the counters. */
  pull(repo: RepoRecord, issue: IssueRecord & { pull: PullInfo }, full: boolean): Record<string, unknown> {
    const pull = issue.pull;
    const api = `${this.repoApi(repo)}/pulls/${issue.number}`;
    const issueApi = `${this.repoApi(repo)}/issues/${issue.number}`;
    const branch = (ref: string, sha: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: this.account(repo.owner),
      repo: this.repo(repo),
    });
    const links = {
      self: api,
      html: this.htmlUrl(repo, issue),
      issue: issueApi,
      comments: `${issueApi}/comments`,
      review_comments: `${api}/comments`,
      review_comment: `${this.repoApi(repo)}/pulls/comments{/number}`,
      commits: `${api}/commits`,
      statuses: `${this.repoApi(repo)}/statuses/${pull.headSha}`,
    };
    const shape: Record<string, unknown> = {
      id: pull.id,
      node_id: nodeId('PR', pull.id),
      number: issue.number,
      state: issue.state,
      locked: false,
      title: issue.title,
      body: issue.body,
      user: this.actor(),
      labels: issue.labels.map((name) => this.label(repo, this.store.label(repo, name))),
      milestone: null,
      assignee: null,
      draft: pull.draft,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_at: issue.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      head: branch(pull.head, pull.headSha),
      base: branch(pull.base, pull.baseSha),
      url: api,
      html_url: links.html,
      diff_url: `${links.html}.diff`,
      patch_url: `${links.html}.patch`,
      issue_url: issueApi,
      commits_url: links.commits,
      review_comments_url: links.review_comments,
      review_comment_url: links.review_comment,
      comments_url: links.comments,
      statuses_url: links.statuses,
      _links: Object.fromEntries(Object.entries(links).map(([key, href]) => [key, { href }])),
      author_association: 'OWNER',
      auto_merge: null,
    };
    if (full) {
      Object.assign(shape, {
        merged: pull.merged,
        merged_by: pull.merged ? this.actor() : null,
        // Not computed: GitHub too answers null until its background mergeability check has run.
        mergeable: null,
        mergeable_state: 'unknown',
        comments: this.store.commentsOf(repo, issue.number).length,
        maintainer_can_modify: false,
      });
    }
    return shape;
  }

  private pullLinks(repo: RepoRecord, issue: IssueRecord, pull: PullInfo): Record<string, unknown> {
    const html = this.htmlUrl(repo, issue);
    return {
      url: `${this.repoApi(repo)}/pulls/${issue.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: pull.mergedAt,
    };
  }

  private repoApi(repo: RepoRecord): string {
    return `${this.urls.api}/repos/${repo.owner}/${repo.name}`;
  }

  private htmlUrl(repo: RepoRecord, issue: IssueRecord): string {
    return `${this.urls.html}/${repo.owner}/${repo.name}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`;
  }
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`standin:${id}`).toString('base64url')}`;
}
