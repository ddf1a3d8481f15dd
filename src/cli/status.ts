// Reads every parent workflow's status through its query (running and finished ones alike).
import type { Client } from '@temporalio/client';
import { parentStatusQuery, type ParentStatus } from '../shared/messages.js';

export async function fetchParentStatuses(client: Client, limit = 50): Promise<ParentStatus[]> {
  const statuses: ParentStatus[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'parentIssueWorkflow'` })) {
    if (statuses.length >= limit) break;
    try {
      statuses.push(await client.workflow.getHandle(execution.workflowId, execution.runId).query(parentStatusQuery));
    } catch {
      // A run that failed before its first workflow task has no status to report: skip it.
    }
  }
  return statuses.sort((a, b) => a.number - b.number);
}
