// Workflow entry point for the bundler: every workflow type the ccp worker registers.
export { parentIssueWorkflow } from './parent-issue.js';
export { subissueWorkflow } from './subissue.js';
export { dispatcherWorkflow } from './dispatcher.js';
