// `ccp queue show`: every subissue not done yet, by state, in the order ccp will take them, each with why it waits.
// Pure: read off the parents' statuses with the same rules the parent workflow schedules by (core/scheduling.ts),
// and the dispatcher's view of who waits for an agent slot and why (core/dispatch.ts).
import type { DispatchView } from '../shared/dispatch.js';
import type { ParentStatus, SubissueStatus } from '../shared/messages.js';
import { PRIORITY_RANK } from './scheduling.js';
import { shortTime } from './when.js';

export const QUEUE_STATES = ['needs-you', 'running', 'ready', 'scheduled', 'pending', 'in-review', 'failed', 'blocked'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

export interface QueueEntry {
  state: QueueState;
  parent: number;
  number: number;
  title: string;
  priority: SubissueStatus['priority'];
  why: string;
}

/** `dispatch` (the dispatcher's view) says why a started subissue waits for its agent: paused, scheduled, a full
 * group or host; `now` reads delays. */
export function queueEntries(parents: ParentStatus[], dispatch?: DispatchView, now: Date = new Date()): QueueEntry[] {
  const entries: QueueEntry[] = [];
  for (const parent of parents) {
    const byKey = new Map(parent.subissues.map((s) => [s.key, s]));
    for (const sub of parent.subissues) {
      const waiting = dispatch?.waiting.find((w) => w.subissue === sub.number && w.parent === parent.number
        && w.repo === `${parent.repo.owner}/${parent.repo.repo}`);
      const placed = waiting && sub.phase === 'queued' ? fromDispatcher(waiting, now) : place(sub, parent, byKey);
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
      return { state: 'in-review', why: sub.stackedOn === undefined ? `PR #${sub.pr?.number ?? '?'} waits for its merge`
        : `PR #${sub.pr?.number ?? '?'} is stacked on #${sub.stackedOn}: moved onto the base branch once #${sub.stackedOn} merges` };
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

/** A started subissue waiting for its agent slot: scheduled (a delay ahead), else ready with the dispatcher's why. */
function fromDispatcher(waiting: DispatchView['waiting'][number], now: Date): { state: QueueState; why: string } {
  const scheduled = /^scheduled for (.+)$/.exec(waiting.why);
  if (scheduled) return { state: 'scheduled', why: `scheduled for ${shortTime(scheduled[1], now)}` };
  return { state: 'ready', why: waiting.why === 'next when a slot frees' ? 'waits for a free worker pane' : waiting.why };
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').slice(0, 80);
const firstLine = (text?: string): string => (text ?? '').split('\n')[0].slice(0, 120);
