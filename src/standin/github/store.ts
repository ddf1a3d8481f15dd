// In-memory state of the GitHub stand-in, with GitHub's rules: issues and PRs share one number sequence per repo,
// ids are global, sub-issues are linked by id, labels are unique per repo (case-insensitive).

/** A failure the stand-in reports the way GitHub does (status + message [+ validation errors]). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Array<{ resource?: string; field?: string; code: string; message?: string }>,
  ) {
    super(message);
  }
}

const DOCS = 'https://docs.github.com/rest';

/** GitHub's error body: basic-error / validation-error. */
export function errorBody(status: number, message: string, errors?: unknown[]): Record<string, unknown> {
  return { message, ...(errors ? { errors } : {}), documentation_url: DOCS, status: String(status) };
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface PullInfo {
  /** A pull request has its own id besides the id of its issue. */
  id: number;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}

export type StateReason = 'completed' | 'not_planned' | 'reopened' | 'duplicate';

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: StateReason | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  subIssueIds: number[];
  parentId: number | null;
  /** Present when this number is a pull request (GitHub's issues API lists PRs too). */
  pull?: PullInfo;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  bareRepoPath?: string;
  /** GitHub's "Automatically delete head branches" setting (`delete_branch_on_merge`). */
  deleteBranchOnMerge: boolean;
  createdAt: string;
  nextNumber: number;
  issues: Map<number, IssueRecord>;
  labels: Map<string, LabelRecord>;
  comments: Map<number, CommentRecord>;
}

export interface RepoSeed {
  owner: string;
  repo: string;
  defaultBranch?: string;
  bareRepoPath?: string;
  deleteBranchOnMerge?: boolean;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const NOT_FOUND = 'Not Found';

export class Store {
  private nextId = 10_000_001; // far from issue numbers, so number/id mix-ups fail loudly
  private readonly repos = new Map<string, RepoRecord>();
  private readonly issueIndex = new Map<number, { repo: RepoRecord; issue: IssueRecord }>();
  private readonly ownerIds = new Map<string, number>();

  constructor(seeds: RepoSeed[]) {
    for (const seed of seeds) {
      const record: RepoRecord = {
        id: this.newId(),
        owner: seed.owner,
        name: seed.repo,
        defaultBranch: seed.defaultBranch ?? 'main',
        bareRepoPath: seed.bareRepoPath,
        deleteBranchOnMerge: seed.deleteBranchOnMerge ?? false,
        createdAt: now(),
        nextNumber: 1,
        issues: new Map(),
        labels: new Map(),
        comments: new Map(),
      };
      this.repos.set(repoKey(seed.owner, seed.repo), record);
    }
  }

  newId(): number {
    return this.nextId++;
  }

  /** A stable account id per owner login. */
  ownerId(login: string): number {
    const key = login.toLowerCase();
    let id = this.ownerIds.get(key);
    if (id === undefined) this.ownerIds.set(key, (id = this.newId()));
    return id;
  }

  repo(owner: string, name: string): RepoRecord {
    const record = this.repos.get(repoKey(owner, name));
    if (!record) throw new ApiError(404, NOT_FOUND);
    return record;
  }

  /** Any number: issue or pull request. */
  item(repo: RepoRecord, number: number): IssueRecord {
    const issue = repo.issues.get(number);
    if (!issue) throw new ApiError(404, NOT_FOUND);
    return issue;
  }

  pull(repo: RepoRecord, number: number): IssueRecord & { pull: PullInfo } {
    const issue = this.item(repo, number);
    if (!issue.pull) throw new ApiError(404, NOT_FOUND);
    return issue as IssueRecord & { pull: PullInfo };
  }

  byId(id: number): { repo: RepoRecord; issue: IssueRecord } | undefined {
    return this.issueIndex.get(id);
  }

  createItem(repo: RepoRecord, input: { title: string; body?: string | null; labels?: string[]; pull?: PullInfo }): IssueRecord {
    const at = now();
    const issue: IssueRecord = {
      id: this.newId(),
      number: repo.nextNumber++,
      title: input.title,
      body: input.body ?? null,
      state: 'open',
      stateReason: null,
      labels: [],
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      subIssueIds: [],
      parentId: null,
      pull: input.pull,
    };
    repo.issues.set(issue.number, issue);
    this.issueIndex.set(issue.id, { repo, issue });
    this.addLabels(repo, issue, input.labels ?? []);
    return issue;
  }

  setState(issue: IssueRecord, state: 'open' | 'closed', reason?: StateReason | null): void {
    const at = now();
    if (state !== issue.state) {
      issue.closedAt = state === 'closed' ? at : null;
      issue.stateReason = state === 'closed' ? (reason ?? 'completed') : 'reopened';
    } else if (reason !== undefined && state === 'closed') {
      issue.stateReason = reason;
    }
    issue.state = state;
    issue.updatedAt = at;
  }

  touch(issue: IssueRecord): void {
    issue.updatedAt = now();
  }

  label(repo: RepoRecord, name: string): LabelRecord {
    const record = repo.labels.get(name.toLowerCase());
    if (!record) throw new ApiError(404, NOT_FOUND);
    return record;
  }

  createLabel(repo: RepoRecord, name: string, color?: string, description?: string): LabelRecord {
    if (repo.labels.has(name.toLowerCase())) {
      throw new ApiError(422, 'Validation Failed', [{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    }
    const record: LabelRecord = { id: this.newId(), name, color: color ?? 'ededed', description: description ?? null };
    repo.labels.set(name.toLowerCase(), record);
    return record;
  }

  /** Like GitHub, labels that do not exist yet are created with the default colour. */
  addLabels(repo: RepoRecord, issue: IssueRecord, names: string[]): void {
    for (const name of names) {
      const record = repo.labels.get(name.toLowerCase()) ?? this.createLabel(repo, name);
      if (!issue.labels.includes(record.name)) issue.labels.push(record.name);
    }
    this.touch(issue);
  }

  setLabels(repo: RepoRecord, issue: IssueRecord, names: string[]): void {
    issue.labels = [];
    this.addLabels(repo, issue, names);
  }

  addComment(repo: RepoRecord, issue: IssueRecord, body: string): CommentRecord {
    const at = now();
    const comment: CommentRecord = { id: this.newId(), issueNumber: issue.number, body, createdAt: at, updatedAt: at };
    repo.comments.set(comment.id, comment);
    this.touch(issue);
    return comment;
  }

  comment(repo: RepoRecord, id: number): CommentRecord {
    const comment = repo.comments.get(id);
    if (!comment) throw new ApiError(404, NOT_FOUND);
    return comment;
  }

  commentsOf(repo: RepoRecord, number: number): CommentRecord[] {
    return [...repo.comments.values()].filter((comment) => comment.issueNumber === number);
  }

  /** GitHub's rules for `POST …/sub_issues`: the child is named by id, same owner, one parent unless replaced. */
  addSubIssue(repo: RepoRecord, parent: IssueRecord, childId: number, replaceParent: boolean): IssueRecord {
    const found = this.byId(childId);
    // GitHub answers 404 when sub_issue_id names no issue (the usual mistake: passing the number, not the id).
    if (!found || found.issue.pull) throw new ApiError(404, NOT_FOUND);
    const child = found.issue;
    const subIssueError = (message: string) =>
      new ApiError(422, 'Validation Failed', [{ resource: 'Issue', field: 'sub_issue_id', code: 'custom', message }]);
    if (found.repo.owner.toLowerCase() !== repo.owner.toLowerCase()) {
      throw subIssueError('The sub-issue must belong to the same repository owner as the parent issue');
    }
    if (child.id === parent.id) throw subIssueError('An issue cannot be its own sub-issue');
    if (parent.subIssueIds.includes(child.id)) throw subIssueError('Issue may not contain duplicate sub-issues');
    if (child.parentId !== null) {
      if (!replaceParent) throw subIssueError('Issue may not have more than one parent');
      const previous = this.byId(child.parentId)?.issue;
      if (previous) previous.subIssueIds = previous.subIssueIds.filter((id) => id !== child.id);
    }
    parent.subIssueIds.push(child.id);
    child.parentId = parent.id;
    this.touch(parent);
    return child;
  }

  subIssues(parent: IssueRecord): IssueRecord[] {
    return parent.subIssueIds.flatMap((id) => this.byId(id)?.issue ?? []);
  }
}

export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
