// What the Web UI shows of ccp's workflows: custom search attributes (what its workflow list and
// `temporal workflow list --query` filter by, README "Finding workflows in the Web UI") and one-line summaries.
// Set at workflow start and upserted as workflows move; `ccp up` registers the attributes on its dev server and
// checks them on an external cluster (src/stack/search-attributes.ts).
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { CreatedSubissue, Priority, RepoRef } from './types.js';

export const CCP_SEARCH_ATTRIBUTES = {
  /** "owner/name". */
  repo: defineSearchAttributeKey('CcpRepo', SearchAttributeType.KEYWORD),
  /** The parent issue's number, on the parent itself and on each of its subissues. */
  parent: defineSearchAttributeKey('CcpParent', SearchAttributeType.INT),
  /** The subissue's number; absent on parents. */
  subissue: defineSearchAttributeKey('CcpSubissue', SearchAttributeType.INT),
  /** A parent's or subissue's phase, plus "needs-you" and "usage-limit" for a subissue waiting on either. */
  phase: defineSearchAttributeKey('CcpPhase', SearchAttributeType.KEYWORD),
  /** critical, high, normal, low (subissues). */
  priority: defineSearchAttributeKey('CcpPriority', SearchAttributeType.KEYWORD),
  /** The plan's group of a subissue, when its plan names one. */
  group: defineSearchAttributeKey('CcpGroup', SearchAttributeType.KEYWORD),
  /** The host that claimed the subissue (its worktree, agent pane and pushes are there). */
  host: defineSearchAttributeKey('CcpHost', SearchAttributeType.KEYWORD),
} as const;

export type CcpSearchAttributeKey = (typeof CCP_SEARCH_ATTRIBUTES)[keyof typeof CCP_SEARCH_ATTRIBUTES];
export const CCP_SEARCH_ATTRIBUTE_KEYS: CcpSearchAttributeKey[] = Object.values(CCP_SEARCH_ATTRIBUTES);

/** What a workflow knows about itself; fields it does not know (yet) are left out, never set empty. */
export interface CcpSearchFields {
  repo?: RepoRef;
  parent?: number;
  subissue?: number;
  phase?: string;
  priority?: Priority;
  group?: string;
  host?: string;
}

export function ccpSearchAttributes(fields: CcpSearchFields): SearchAttributePair[] {
  const k = CCP_SEARCH_ATTRIBUTES;
  const pairs: SearchAttributePair[] = [];
  if (fields.repo) pairs.push({ key: k.repo, value: `${fields.repo.owner}/${fields.repo.repo}` });
  if (fields.parent !== undefined) pairs.push({ key: k.parent, value: fields.parent });
  if (fields.subissue !== undefined) pairs.push({ key: k.subissue, value: fields.subissue });
  if (fields.phase) pairs.push({ key: k.phase, value: fields.phase });
  if (fields.priority) pairs.push({ key: k.priority, value: fields.priority });
  if (fields.group) pairs.push({ key: k.group, value: fields.group });
  if (fields.host) pairs.push({ key: k.host, value: fields.host });
  return pairs;
}

/** What a subissue's workflow carries from its start (the parent sets them on the child; the child keeps them). */
export function subissueSearchFields(repo: RepoRef, parentNumber: number, sub: CreatedSubissue): CcpSearchFields {
  return { repo, parent: parentNumber, subissue: sub.number, priority: sub.priority, group: sub.group };
}

/** What a parent workflow is started with, so the Web UI lists and finds it before a worker ran it: its summary
 * ("#123 Add auth (acme/widgets)") and search attributes. */
export function parentStartOptions(repo: RepoRef, issueNumber: number, title?: string)
  : { staticSummary: string; typedSearchAttributes: SearchAttributePair[] } {
  return {
    staticSummary: `#${issueNumber}${title ? ` ${title}` : ''} (${repo.owner}/${repo.repo})`,
    typedSearchAttributes: ccpSearchAttributes({ repo, parent: issueNumber, phase: 'fetching' }),
  };
}

/** A subissue's static summary: "#301 Add login form (part of #123)". */
export function subissueSummary(subNumber: number, title: string, parentNumber: number): string {
  return `#${subNumber} ${title} (part of #${parentNumber})`;
}
