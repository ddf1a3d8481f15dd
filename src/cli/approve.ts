// `ccp approve|deny <subissue>` and `ccp approvals --pending`: what they print (the client answers and finds the
// requests, src/client/approvals.ts).
import type { WaitingRequest } from '../client/approvals.js';
import type { AnsweredApproval } from '../shared/messages.js';
import { oneLine } from './approvals.js';

/** Plain text: one block per waiting request with the commands that answer it. Pure. */
export function renderWaiting(requests: readonly WaitingRequest[], now: Date = new Date()): string {
  if (requests.length === 0) return 'Nothing waits for approval.';
  const lines = [`${requests.length} request${requests.length === 1 ? '' : 's'} wait${requests.length === 1 ? 's' : ''} for you:`];
  for (const r of requests) {
    const minutesLeft = Math.max(0, Math.round((Date.parse(r.pending.expiresAt) - now.getTime()) / 60_000));
    lines.push(`  #${r.subissue} (${r.parent}) ${r.pending.tool}: ${oneLine(r.pending.subject, 100)}`,
      `      why: ${oneLine(r.pending.reason, 100)}; denied in ${minutesLeft} min unless answered`,
      `      ccp approve ${r.subissue} [--always]   |   ccp deny ${r.subissue} --reason "…"`);
  }
  return lines.join('\n');
}

/** What `ccp approve|deny` prints. Pure. */
export function renderAnswered(number: number, { question, answer }: AnsweredApproval): string {
  const verb = answer.decision === 'allow' ? (answer.always ? 'approved (always)' : 'approved') : 'denied';
  return `#${number}: ${verb} ${question.tool}: ${oneLine(question.subject, 100)}` +
    (answer.decision === 'deny' ? `\n  the agent reads: ${answer.reason}` : '');
}
