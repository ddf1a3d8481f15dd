// `ccp queue show`: every subissue not done yet, by state, in the order ccp will take them, each with why it waits.
// Pure: read off the parents' statuses with the same rules the parent workflow schedules by (core/scheduling.ts).
import type { ParentStatus, SubissueStatus } from '../shared/messages.js';
import { PRIORITY_RANK } from './scheduling.js';

export const QUEUE_STATES = ['needs-you', 'running', 'ready', 'pending', 'in-review', 'failed', 'blocked'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueEntry {
  state: QueueState;
  parent: number;
  number: number;
  title: string;
  priority: SubissueStatus['priority'];
  why: string;
}

export function queueEntries(parents: ParentStatus[]): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const parent of parents) {
    const byKey = new Map(parent.subissues.map((s) => [s.key, s]));
    for (const sub of parent.subissues) {
      const placed = place(sub, parent, byKey);
      if (placed) entries.push({ ...placed, parent: parent.number, number: sub.number, title: sub.title, priority: sub.priority });
    }
  }
  // Within a state, dispatch order: priority first, then the older (lower) number.
  return entries.sort((a, b) => QUEUE_STATES.indexOf(a.state) - QUEUE_STATES.indexOf(b.state)
    || PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.number - b.number);
}

function place(sub: SubissueStatus, parent: ParentStatus, byKey: Map<string, SubissueStatus>)
  : { state: QueueState; why: string } | undefined {
  switch (sub.phase) {
    case 'merged':
    case 'stopped':
      return undefined;
    case 'failed':
      return { state: 'failed', why: firstLine(sub.error) || 'failed' };
    case 'blocked':
      return { state: 'blocked', why: firstLine(sub.error) || 'a dependency failed' };
    case 'pr-open':
      return { state: 'in-review', why: `PR #${sub.pr?.number ?? '?'} waits for its merge` };
    case 'waiting': {
      if (parent.paused) return { state: 'pending', why: `parent #${parent.number} is paused (ccp resume ${parent.number})` };
      const open = sub.dependsOn.map((k) => byKey.get(k)).filter((d): d is SubissueStatus => d !== undefined && d.phase !== 'merged');
      return { state: 'pending', why: open.length ? `waits for ${open.map((d) => `#${d.number} (${d.phase})`).join(', ')}` : 'starts next' };
    }
    case 'queued':
    case 'worktree':
      return { state: 'ready', why: sub.phase === 'queued' ? 'waits for a free worker pane' : 'its workspace is being made' };
    default:
      if (sub.needsYou) return { state: 'needs-you', why: `${sub.needsYou.tool} ${oneLine(sub.needsYou.subject)} (ccp approve|deny ${sub.number})` };
      if (sub.wait?.usageLimitUntil) return { state: 'running', why: `waiting for the usage limit until ${sub.wait.usageLimitUntil}` };
      return { state: 'running', why: sub.phase === 'pushing' ? 'pushing its branch' : `agent at work${sub.paneId ? ` in pane ${sub.paneId}` : ''}` };
  }
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').slice(0, 80);
const firstLine = (text?: string): string => (text ?? '').split('\n')[0].slice(0, 120);
