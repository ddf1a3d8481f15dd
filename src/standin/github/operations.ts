// The GitHub REST operations the offline stand-in serves (and validates against GitHub's own description).
// scripts/gen-github-spec.mjs cuts src/standin/github/github-api-subset.json down to exactly these.
export const GITHUB_OPERATION_IDS = [
  'repos/get',
  'issues/get',
  'issues/create',
  'issues/update',
  'issues/list-for-repo',
  'issues/create-comment',
  'issues/list-comments',
  'issues/update-comment',
  'issues/create-label',
  'issues/get-label',
  'issues/add-labels',
  'issues/add-sub-issue',
  'issues/list-sub-issues',
  'pulls/create',
  'pulls/list',
  'pulls/get',
  'pulls/update',
  'pulls/merge',
  'pulls/check-if-merged',
  'search/issues-and-pull-requests',
] as const;

export type GitHubOperationId = (typeof GITHUB_OPERATION_IDS)[number];
