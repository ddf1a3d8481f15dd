// GitHub activities: thin wrappers over the GitHub adapter, idempotent under Temporal's retries.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { subIssuesUnavailable, type GitHubAdapter } from '../adapters/github.js';
import { withGitHubFailures } from './github-failures.js';
import {
  parentSummaryComment,
  progressMarker,
  type ProgressStage,
  pullRequestBody,
  pullRequestTitle,
  renderSubissueBody,
  SUBISSUE_LABEL,
  subissueMarker,
  subissueTitle,
  type SummaryRow,
} from '../core/templates.js';
import { subissuesFromGitHub } from '../core/existing-subissues.js';
import { dependencyOrder } from '../core/plan.js';
import { subissueBranch } from '../shared/ids.js';
import type { CreatedSubissue, IssueSummary, Plan, PullRequestRef, RepoRef } from '../shared/types.js';

export interface FetchedIssue extends IssueSummary {
  defaultBranch: string;
}

async function linkUnderParent(github: GitHubAdapter, repo: RepoRef, parentNumber: number, issue: IssueSummary): Promise<void> {
  try {
    await github.addSubIssue(repo, parentNumber, issue.id);
  } catch (err) {
    if (!subIssuesUnavailable(err)) throw err;
    // The body already names the parent; a missing native link must not stop the work.
    Context.current().log.warn('could not link sub-issue under its parent; going on without the link', {
      parent: parentNumber,
      subissue: issue.number,
      error: err.message,
    });
  }
}

/** The merged PR of a subissue an earlier run finished (its branch is subissue/<n>), if any. */
async function mergedPullRequestOf(github: GitHubAdapter, repo: RepoRef, subNumber: number) {
  const pr = await github.findPullRequestByHead(repo, subissueBranch(subNumber));
  return pr?.merged ? { number: pr.number, url: pr.url } : undefined;
}

export function createGitHubActivities({ github }: { github: GitHubAdapter }) {
  return withGitHubFailures({
    async fetchIssue(input: { repo: RepoRef; issueNumber: number }): Promise<FetchedIssue> {
      const [issue, defaultBranch] = await Promise.all([
        github.getIssue(input.repo, input.issueNumber),
        github.getDefaultBranch(input.repo),
      ]);
      return { ...issue, defaultBranch };
    },

    /**
     * The parent's sub-issues on GitHub (`found`; none: it is to be planned), as subissues to work on. ccp's own come
     * back as planned; hand-filed ones are worked on as they are, except closed ones no ccp PR finished (done by hand).
     */
    async existingSubissues(input: { repo: RepoRef; parent: IssueSummary }): Promise<{ found: number; subissues: CreatedSubissue[] }> {
      const { repo, parent } = input;
      let children: IssueSummary[];
      try {
        children = await github.listSubIssues(repo, parent.number);
      } catch (err) {
        if (!subIssuesUnavailable(err)) throw err;
        // No sub-issues API here: nothing could have been linked either, so the issue is planned as before.
        return { found: 0, subissues: [] };
      }
      const subissues: CreatedSubissue[] = [];
      for (const { own, state, ...sub } of subissuesFromGitHub(parent, children)) {
        const mergedPr = state === 'closed' ? await mergedPullRequestOf(github, repo, sub.number) : undefined;
        if (state === 'closed' && !own && !mergedPr) continue;
        subissues.push({ ...sub, ...(mergedPr ? { mergedPr } : {}) });
      }
      return { found: children.length, subissues };
    },

    /** Creates each planned subissue once (hidden marker, look-before-create) and links it under the parent. */
    async createSubissues(input: { repo: RepoRef; parent: IssueSummary; plan: Plan }): Promise<CreatedSubissue[]> {
      const { repo, parent, plan } = input;
      await github.ensureLabel(repo, SUBISSUE_LABEL, '5319e7', 'Subissue created by ccp');
      const numbersByKey = new Map<string, number>();
      const created: CreatedSubissue[] = [];
      // Dependencies first, so each dependent's body can name its dependencies' numbers.
      for (const sub of dependencyOrder(plan)) {
        const marker = subissueMarker(parent.number, sub.key);
        const existing = await github.findIssueByMarker(repo, SUBISSUE_LABEL, marker);
        const dependsOn = sub.dependsOn.flatMap((key) => numbersByKey.get(key) ?? []);
        const issue =
          existing ??
          (await github.createIssue(repo, {
            title: subissueTitle(parent.number, sub),
            body: renderSubissueBody(parent, sub, dependsOn),
            labels: [SUBISSUE_LABEL],
          }));
        await linkUnderParent(github, repo, parent.number, issue);
        numbersByKey.set(sub.key, issue.number);
        const mergedPr = existing?.state === 'closed' ? await mergedPullRequestOf(github, repo, issue.number) : undefined;
        created.push({ ...sub, number: issue.number, id: issue.id, url: issue.url, ...(mergedPr ? { mergedPr } : {}) });
        Context.current().heartbeat(issue.number);
      }
      return created;
    },

    /** Opens the subissue's PR, or returns the one a previous attempt opened. */
    async openPullRequest(input: {
      repo: RepoRef;
      parentNumber: number;
      sub: Pick<CreatedSubissue, 'number' | 'title'>;
      branch: string;
      base: string;
    }): Promise<PullRequestRef> {
      const existing = await github.findPullRequestByHead(input.repo, input.branch);
      if (existing && (existing.state === 'open' || existing.merged)) return existing;
      return github.createPullRequest(input.repo, {
        head: input.branch,
        base: input.base,
        title: pullRequestTitle(input.sub),
        body: pullRequestBody(input.parentNumber, input.sub),
      });
    },

    /**
     * Stacked PRs: points the PR at `base` once the branch it was based on is merged (GitHub retargets by itself only
     * with "automatically delete head branches" on, so ccp never counts on it). Idempotent.
     */
    async retargetPullRequest(input: { repo: RepoRef; pullNumber: number; base: string }): Promise<PullRequestRef> {
      const pr = await github.getPullRequest(input.repo, input.pullNumber);
      if (pr.base === input.base || pr.merged) return pr;
      if (pr.state === 'closed') {
        throw ApplicationFailure.nonRetryable(
          `PR #${pr.number} was closed while based on ${pr.base} (was that branch deleted by hand?): reopen it on ${input.base} or re-run the subissue`,
          'PullRequestClosed',
        );
      }
      return github.setPullRequestBase(input.repo, input.pullNumber, input.base);
    },

    /**
     * Polls until the PR is merged, heartbeating so a dead worker is noticed; fails if it is closed unmerged.
     * Conditional requests (ETag): while the PR is unchanged GitHub answers 304, which costs no rate limit.
     */
    async waitForMerge(input: { repo: RepoRef; pullNumber: number; pollSeconds: number }): Promise<PullRequestRef> {
      const ctx = Context.current();
      let last: { pr: PullRequestRef; etag?: string } | undefined;
      for (;;) {
        const polled = await github.pollPullRequest(input.repo, input.pullNumber, last?.etag);
        // 304 only ever answers the ETag of `last`: unchanged means `last` still holds.
        if (polled.changed) last = polled;
        const pr = last?.pr;
        if (pr?.merged) return pr;
        if (pr?.state === 'closed') {
          throw ApplicationFailure.nonRetryable(
            `PR #${pr.number} was closed without merging: reopen it or re-run the subissue`,
            'PullRequestClosed',
          );
        }
        ctx.heartbeat({ pullNumber: input.pullNumber, state: pr?.state, unchanged: !polled.changed });
        await ctx.sleep(input.pollSeconds * 1000);
      }
    },

    /** The parent's progress comment, created once and updated in place (idempotent under retries). */
    async reportProgress(input: { repo: RepoRef; parentNumber: number; rows: SummaryRow[]; stage: ProgressStage }): Promise<void> {
      const body = parentSummaryComment(input.parentNumber, input.rows, input.stage);
      await github.upsertComment(input.repo, input.parentNumber, progressMarker(input.parentNumber), body);
    },

    /** Final summary in the progress comment, then close (skipped when a previous attempt already closed it). */
    async closeParentIssue(input: { repo: RepoRef; parentNumber: number; rows: SummaryRow[] }): Promise<void> {
      const issue = await github.getIssue(input.repo, input.parentNumber);
      if (issue.state === 'closed') return;
      const body = parentSummaryComment(input.parentNumber, input.rows, 'closing');
      await github.upsertComment(input.repo, input.parentNumber, progressMarker(input.parentNumber), body);
      await github.closeIssue(input.repo, input.parentNumber, 'completed');
    },
  });
}

export type GitHubActivities = ReturnType<typeof createGitHubActivities>;
