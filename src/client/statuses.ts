// Reads every parent workflow's status through its query (running and finished ones alike).
import type { Client } from '@temporalio/client';
import type { TmuxAdapter } from '../adapters/tmux.js';
import { parentStatusQuery, type ParentStatus } from '../shared/messages.js';
import type { WorkerPaneView } from '../cli/status-view.js';

/** One status per parent issue — its latest run — unless `allRuns` (then every run, newest first); `keep` picks
 * which count towards `limit`. */
export async function fetchParentStatuses(client: Client, limit = 50, allRuns = false,
  keep: (status: ParentStatus) => boolean = () => true): Promise<ParentStatus[]> {
  const statuses: ParentStatus[] = [];
  for await (const { status } of parentRuns(client, PARENTS, allRuns)) {
    if (statuses.length >= limit) break;
    if (keep(status)) statuses.push(status);
  }
  return statuses.sort((a, b) => a.number - b.number);
}

/** The latest status of each parent by workflow id: those running now with `running`, else all (up to `limit`). */
export async function fetchParentStatusesById(client: Client, { running = false, limit = 500 } = {})
  : Promise<Map<string, ParentStatus>> {
  const statuses = new Map<string, ParentStatus>();
  for await (const { workflowId, status } of parentRuns(client, running ? `${PARENTS} AND ExecutionStatus = 'Running'` : PARENTS, false)) {
    if (statuses.size >= limit) break;
    statuses.set(workflowId, status);
  }
  return statuses;
}

const PARENTS = `WorkflowType = 'parentIssueWorkflow'`;

async function* parentRuns(client: Client, query: string, allRuns: boolean)
  : AsyncGenerator<{ workflowId: string; status: ParentStatus }> {
  const seen = new Set<string>();
  // Visibility lists newest runs first: the first run seen of an id is its latest.
  for await (const execution of client.workflow.list({ query })) {
    if (!allRuns && seen.has(execution.workflowId)) continue;
    seen.add(execution.workflowId);
    try {
      const status = await client.workflow.getHandle(execution.workflowId, execution.runId).query(parentStatusQuery);
      yield { workflowId: execution.workflowId, status };
    } catch {
      // A run that failed before its first workflow task has no status to report: skip it.
    }
  }
}

/** Worker panes of this host's tmux session (empty when the session is not up). */
export async function fetchWorkerPanes(tmux: TmuxAdapter, session: string): Promise<WorkerPaneView[]> {
  if (!(await tmux.hasSession(session).catch(() => false))) return [];
  const panes = await tmux.listPanes(session);
  return panes.filter((p) => p.role === 'worker').map((p) => ({ id: p.id, task: p.task }));
}
