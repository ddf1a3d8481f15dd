// Keeping what the Web UI shows of a running workflow current: ccp's search attributes (src/shared/visibility.ts)
// and the workflow's "current details".
import { patched, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ParentStatus } from '../shared/messages.js';
import { ccpSearchAttributes, type CcpSearchFields } from '../shared/visibility.js';

/** Workflows started before ccp kept search attributes replay without these upserts (see README "Upgrading"). */
const SEARCH_ATTRIBUTES_PATCH = 'ccp-search-attributes';

/** Upserts the fields whose value differs from the workflow's current search attributes: each upsert is a history
 * event, so nothing unchanged is sent. */
export function upsertCcpSearchAttributes(fields: CcpSearchFields): void {
  if (!patched(SEARCH_ATTRIBUTES_PATCH)) return;
  const current = workflowInfo().typedSearchAttributes;
  const changed = ccpSearchAttributes(fields).filter((pair) => current.get(pair.key) !== pair.value);
  if (changed.length > 0) upsertSearchAttributes(changed);
}

/**
 * Calls `onChange` after each assignment to one of `fields` of `target` that changes it. The parent sets its phase,
 * error and note in many places (and will in more); watching the fields keeps CcpPhase and the details right
 * without a call beside each of them.
 */
export function onFieldChange<T extends object>(target: T, fields: Array<keyof T & string>, onChange: () => void): void {
  for (const field of fields) {
    let value = target[field];
    Object.defineProperty(target, field, {
      enumerable: true, // still part of the status query's answer (undefined ones are left out as before)
      get: () => value,
      set: (next: T[typeof field]) => {
        if (next === value) return;
        value = next;
        onChange();
      },
    });
  }
}

/** The parent's current details: "#123 Add auth — running: 2/4 merged · 1 agent at work · 1 needs you". */
export function parentDetails(status: ParentStatus): string {
  const subs = status.subissues;
  const count = (phases: string[]) => subs.filter((s) => phases.includes(s.phase)).length;
  const tally = subs.length === 0 ? [] : [
    `${count(['merged'])}/${subs.length} merged`,
    ...[
      [count(['agent']), 'agent at work', 'agents at work'],
      [count(['pr-open']), 'PR open', 'PRs open'],
      [subs.filter((s) => s.needsYou).length, 'needs you', 'need you'],
      [count(['failed', 'blocked']), 'failed', 'failed'],
    ].filter(([n]) => Number(n) > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`),
  ];
  const head = `#${status.number}${status.title ? ` ${status.title}` : ''} — ${status.phase}${status.paused ? ' (paused)' : ''}`;
  const line = tally.length > 0 ? `${head}: ${tally.join(' · ')}` : head;
  const why = status.error ?? status.note;
  return why ? `${line}\n\n${why}` : line;
}

/** Sets the parent's details now (`setCurrentDetails` is no command: it may run as often as anything changes). */
export function showParentDetails(status: ParentStatus): void {
  setCurrentDetails(parentDetails(status));
}
