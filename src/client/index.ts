// ccp's typed client, what `import … from 'ccp'` gives: the client class, its errors, and the shapes it returns.
export { CcpClient, type CcpClientOptions, type StatusFilter, type SteerResult, type WatchOptions } from './ccp-client.js';
export { CcpClientError, NotFoundError, RefusedError, UnreachableError } from './errors.js';
export type { StartOptions, StartResult } from './parents.js';
export type { WaitingRequest } from './approvals.js';
export type { WorkerCountResult } from './workers.js';
export type { HostWorkersRow, WorkerRow, WorkersList } from '../core/worker-count.js';
export { loadConfig, type CcpConfig } from '../config/config.js';
export { parentWorkflowId, subissueWorkflowId } from '../shared/ids.js';
export type { Plan, PlannedSubissue, Priority, RepoRef, RunSettings } from '../shared/types.js';
export { PlanError } from '../core/plan.js';
// The signals and queries themselves, for code that steers a workflow handle directly.
export {
  parentStatusQuery,
  pauseSignal,
  resumeSignal,
  stopSignal,
  type AnsweredApproval,
  type ApprovalAnswer,
  type ParentPhase,
  type ParentStatus,
  type PendingApproval,
  type SubissuePhase,
  type SubissueStatus,
} from '../shared/messages.js';
