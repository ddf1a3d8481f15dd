// Offline GitHub stand-in: see server.ts.
export {
  startGitHubStandIn,
  type GitHubStandIn,
  type GitHubStandInOptions,
  type IssueRecord,
  type CommentRecord,
  type RepoSeed,
  type FaultKind,
  type FaultRule,
  type FaultState,
  type RequestRecord,
} from './server.js';
