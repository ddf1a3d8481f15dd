// An issue that already has sub-issues on GitHub is not split again: its sub-issues are the plan. ccp's own (its
// hidden marker) come back as they were planned, read from their body; others, filed by hand, are worked on as
// they are: their own body is the description, and the PR closes them. Pure.
import type { CreatedSubissue, IssueSummary } from '../shared/types.js';
import { planningBody } from './prompts.js';
import { plannedTitle, readSubissueBody } from './templates.js';

export interface ExistingSubissue extends CreatedSubissue {
  /** Created by ccp (its marker), not by hand. */
  own: boolean;
  state: IssueSummary['state'];
}

/** The parent's sub-issues as subissues to work on, in GitHub's order. Dependencies are ccp's "Depends On" between
 * them (a hand-filed one depends on nothing). */
export function subissuesFromGitHub(parent: Pick<IssueSummary, 'number' | 'title'>, children: IssueSummary[]): ExistingSubissue[] {
  const read = children.map((issue) => ({ issue, body: readSubissueBody(issue.body) }));
  // Keys must be unique for scheduling; a key seen twice (a duplicate made by hand) takes its number.
  const taken = new Set<string>();
  const keyOf = new Map(read.map(({ issue, body }) => {
    const wanted = body?.key ?? handFiledKey(issue.number);
    const key = taken.has(wanted) ? `${wanted}-${issue.number}` : wanted;
    taken.add(key);
    return [issue.number, key];
  }));
  return read.map(({ issue, body }): ExistingSubissue => {
    const ref = { number: issue.number, id: issue.id, url: issue.url, state: issue.state };
    if (body) {
      const { parentNumber: _parent, dependsOnNumbers, ...planned } = body;
      const dependsOn = dependsOnNumbers.flatMap((n) => (keyOf.has(n) && n !== issue.number ? [keyOf.get(n) as string] : []));
      return { ...planned, ...ref, own: true, key: keyOf.get(issue.number) as string, title: plannedTitle(issue.title), dependsOn,
        acceptanceCriteria: planned.acceptanceCriteria.length > 0 ? planned.acceptanceCriteria : [`#${issue.number} is done`] };
    }
    return {
      ...ref,
      own: false,
      key: keyOf.get(issue.number) as string,
      title: issue.title,
      estimatedHours: 0, // not known: nobody estimated it
      priority: 'normal',
      description: planningBody(issue.body) || issue.title,
      acceptanceCriteria: [`what #${issue.number} asks for is done`],
      technicalContext: `A sub-issue of #${parent.number} (${parent.title}), filed by hand: its description is its author's.`,
      dependsOn: [],
    };
  });
}

/** The key a hand-filed sub-issue gets (plan keys are lowercase, digits and dashes). */
export function handFiledKey(number: number): string {
  return `issue-${number}`;
}
