// Stacked PRs, the pure rules: which dependency's branch a dependent may start on before that dependency is merged,
// and what a stacked subissue is told when its dependency ends.
import type { SubissuePhase, SubissueStatus } from '../shared/messages.js';
import { oneLineReason } from './reasons.js';

/** A dependency's end that leaves its stacked dependents nothing to build on. */
const DEPENDENCY_LOST: ReadonlySet<SubissuePhase> = new Set(['failed', 'blocked', 'stopped']);

/**
 * The dependency whose branch a waiting subissue may stack on now: every other dependency is merged and this one's
 * PR is open (its agent is done). With two or more unmerged, none: a PR has one base, and a branch made of several
 * unreviewed branches merged together would carry their conflicts into the dependent — it waits until all but one
 * are merged.
 */
export function stackTarget(deps: SubissueStatus[]): SubissueStatus | undefined {
  const unmerged = deps.filter((d) => d.phase !== 'merged');
  const [only] = unmerged;
  return unmerged.length === 1 && only.phase === 'pr-open' && only.pr ? only : undefined;
}

/** What a subissue stacked on `dependency` is to be told now, if anything: it merged, or it will never merge. */
export function dependencyNews(dependency: SubissueStatus): { merged: true } | { merged: false; reason: string } | undefined {
  if (dependency.phase === 'merged') return { merged: true };
  if (!DEPENDENCY_LOST.has(dependency.phase)) return undefined;
  const why = dependency.error ? `: ${oneLineReason(dependency.error, 160)}` : '';
  return { merged: false, reason: `dependency #${dependency.number} ${dependency.phase}${why}` };
}
