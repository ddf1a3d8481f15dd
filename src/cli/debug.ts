// Gathers `ccp debug <subissue>`: the parent's status (Temporal), the pueue mirror, the agent's files.
import type { Client } from '@temporalio/client';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readHookEvents, sessionFiles } from '../agents/claude-code/session-files.js';
import type { PueueAdapter } from '../adapters/pueue.js';
import type { CcpConfig } from '../config/config.js';
import { parentWorkflowId, subissueLabel } from '../shared/ids.js';
import { readApprovals } from './approvals.js';
import type { SubissueDebugInfo } from './debug-view.js';
import { fetchParentStatuses } from '../client/statuses.js';

const EVENT_LINES = 12;

export async function gatherSubissueDebug(
  client: Client,
  pueue: PueueAdapter,
  config: CcpConfig,
  subNumber: number,
): Promise<SubissueDebugInfo> {
  const parents = await fetchParentStatuses(client, 500);
  const parent = parents.find((p) => p.subissues.some((s) => s.number === subNumber));
  const sub = parent?.subissues.find((s) => s.number === subNumber);
  if (!parent || !sub) {
    throw new Error(`no parent workflow knows subissue #${subNumber}: \`ccp status\` lists the subissues ccp works on`);
  }
  const label = subissueLabel(subNumber);
  const files = sessionFiles(path.join(config.paths.run, 'agents'), label);
  const approvals = readApprovals(config.paths.approvals, { label });
  const last = approvals[approvals.length - 1];
  const stops = (await readHookEvents(files.events, 0)).events.filter((e) => e.hook_event_name === 'Stop');
  const lastMessage = stops[stops.length - 1]?.last_assistant_message;
  const task = await pueue.findByLabel(label).catch(() => undefined);
  const mirrorLog = path.join(config.paths.pueue, 'mirror', `${label}.log`);
  const worktree = path.join(config.paths.worktrees, label);
  return {
    parent: { number: parent.number, title: parent.title, workflowId: parentWorkflowId(parent.repo, parent.number) },
    sub,
    webUiUrl:
      sub.workflowId && !config.temporal.external
        ? `http://127.0.0.1:${config.temporal.uiPort}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(sub.workflowId)}`
        : undefined,
    pueue: task && { id: task.id, state: task.state, exitCode: task.exitCode },
    pueueLogCommand: task ? `pueue -c ${pueue.configPath} log ${task.id}` : undefined,
    worktree: { path: worktree, exists: existsSync(worktree) },
    paneLog: { path: files.paneLog, bytes: existsSync(files.paneLog) ? statSync(files.paneLog).size : undefined },
    approvals: {
      allowed: approvals.filter((a) => a.decision === 'allow').length,
      denied: approvals.filter((a) => a.decision === 'deny').length,
      last: last && `${last.decision} ${last.title}: ${last.subject.split('\n')[0]}`,
    },
    lastAgentMessage: typeof lastMessage === 'string' ? lastMessage : undefined,
    events: existsSync(mirrorLog) ? readFileSync(mirrorLog, 'utf8').trimEnd().split('\n').slice(-EVENT_LINES) : [],
  };
}
