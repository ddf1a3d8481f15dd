// `ccp debug <subissue>`: everything known about one subissue in one screen. Pure rendering.
import type { SubissueStatus } from '../shared/messages.js';
import type { PueueTask } from '../adapters/pueue.js';

export interface SubissueDebugInfo {
  parent: { number: number; title: string; workflowId: string };
  sub: SubissueStatus;
  webUiUrl?: string;
  pueue?: Pick<PueueTask, 'id' | 'state' | 'exitCode'>;
  pueueLogCommand?: string;
  worktree: { path: string; exists: boolean };
  paneLog: { path: string; bytes: number | undefined };
  approvals: { allowed: number; denied: number; last?: string };
  /** The agent's last words, from Claude Code's Stop hook. */
  lastAgentMessage?: string;
  /** The tail of the subissue's event log (what `pueue follow` shows). */
  events: string[];
}

const indent = (text: string) => text.split('\n').map((line) => `    ${line}`).join('\n');

export function renderSubissueDebug(info: SubissueDebugInfo): string {
  const { sub } = info;
  const lines = [
    `subissue #${sub.number} ${sub.title} (${sub.priority}; parent #${info.parent.number} ${info.parent.title}, ${info.parent.workflowId})`,
    `  phase:     ${sub.phase}${sub.error ? ` — ${sub.error.split('\n')[0]}` : ''}`,
    ...(sub.needsYou ? [`  needs you: ${sub.needsYou.tool} ${sub.needsYou.subject} (${sub.needsYou.reason}; asked ${sub.needsYou.askedAt}, ` +
      `denied at ${sub.needsYou.expiresAt} unless answered) — ccp approve|deny ${sub.number}`] : []),
    `  PR:        ${sub.pr ? `#${sub.pr.number}${sub.pr.merged ? ' (merged)' : ''} ${sub.pr.url}` : '—'}`,
    `  workflow:  ${sub.workflowId ?? '— (not started)'}${info.webUiUrl ? `  ${info.webUiUrl}` : ''}`,
    `  pueue:     ${info.pueue ? `task ${info.pueue.id} ${info.pueue.state}${info.pueue.exitCode !== undefined ? `(${info.pueue.exitCode})` : ''}` : '—'}${info.pueueLogCommand ? `  (${info.pueueLogCommand})` : ''}`,
    `  worktree:  ${info.worktree.path} (${info.worktree.exists ? 'exists' : 'removed'})`,
    `  pane log:  ${info.paneLog.bytes === undefined ? '— (no session yet)' : `${info.paneLog.path} (${Math.ceil(info.paneLog.bytes / 1024)} KiB)`}`,
    `  approvals: ${info.approvals.allowed} allowed, ${info.approvals.denied} denied${info.approvals.last ? `; last: ${info.approvals.last}` : ''}`,
  ];
  if (info.lastAgentMessage) lines.push('  agent said last:', indent(info.lastAgentMessage.trim()));
  if (sub.error && sub.error.includes('\n')) lines.push('  error:', indent(sub.error));
  if (info.events.length > 0) lines.push('  events:', ...info.events.map((e) => `    ${e}`));
  return lines.join('\n');
}
