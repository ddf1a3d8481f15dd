// Offline GitHub stand-in: see server.ts.
export { startGitHubStandIn, type GitHubStandIn, type GitHubStandInOptions, type IssueRecord, type CommentRecord, type RepoSeed } from './server.js';
