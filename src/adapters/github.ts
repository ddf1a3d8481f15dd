// GitHub adapter: the only module that talks to GitHub (Octokit). Typed interface + factory.
import type { IssueSummary, PullRequestRef, RepoRef } from '../shared/types.js';

export interface CreateIssueInput {
  title: string;
  body: string;
  labels?: string[];
}

export interface CreatePullRequestInput {
  head: string;
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

export interface GitHubAdapter {
  getIssue(repo: RepoRef, issueNumber: number): Promise<IssueSummary>;
  createIssue(repo: RepoRef, input: CreateIssueInput): Promise<IssueSummary>;
  /** Look-before-create: an open or closed issue carrying `label` whose body contains `marker`. */
  findIssueByMarker(repo: RepoRef, label: string, marker: string): Promise<IssueSummary | undefined>;
  /** Links `subIssueId` (an issue **id**) under the parent issue number; idempotent. */
  addSubIssue(repo: RepoRef, parentNumber: number, subIssueId: number): Promise<void>;
  createPullRequest(repo: RepoRef, input: CreatePullRequestInput): Promise<PullRequestRef>;
  /** The newest PR whose head is `branch` (in the same repo), open or closed. */
  findPullRequestByHead(repo: RepoRef, branch: string): Promise<PullRequestRef | undefined>;
  getPullRequest(repo: RepoRef, pullNumber: number): Promise<PullRequestRef>;
  mergePullRequest(repo: RepoRef, pullNumber: number): Promise<void>;
  createComment(repo: RepoRef, issueNumber: number, body: string): Promise<void>;
  closeIssue(repo: RepoRef, issueNumber: number, reason: 'completed' | 'not_planned'): Promise<void>;
  ensureLabel(repo: RepoRef, name: string, color: string, description: string): Promise<void>;
  getDefaultBranch(repo: RepoRef): Promise<string>;
}

export interface GitHubAdapterOptions {
  token: string;
  /** https://api.github.com by default; the offline stand-in's URL in tests and the demo. */
  baseUrl?: string;
  /** GitHub's write spacing (≥ 1 s). Only ever disabled against the local stand-in. */
  throttle?: boolean;
  userAgent?: string;
}
