// What `ccp plan` prints for people: the split, one block per subissue, and how to run it. Pure.
import type { IssueSummary, Plan, RepoRef } from '../shared/types.js';

export function renderPlan(repo: RepoRef, issue: Pick<IssueSummary, 'number' | 'title'>, plan: Plan): string[] {
  const hours = plan.subissues.reduce((sum, s) => sum + s.estimatedHours, 0);
  const lines = [
    `Plan for #${issue.number} "${issue.title}" (${repo.owner}/${repo.repo}): ${plan.subissues.length} subissues, `
      + `about ${hours} h of work. Nothing was created on GitHub.`,
  ];
  plan.subissues.forEach((sub, i) => {
    lines.push(
      '',
      `${i + 1}. ${sub.title}`,
      `   key ${sub.key} · ${sub.priority} · ${sub.estimatedHours} h · depends on: ${sub.dependsOn.join(', ') || '—'}`
        + (sub.group ? ` · group ${sub.group}` : ''),
      '   acceptance criteria:',
      ...sub.acceptanceCriteria.map((c) => `   - ${c}`),
    );
  });
  lines.push(
    '',
    `\`ccp start ${issue.number}\` plans again (the agent may split it differently). To run exactly this plan, or an`,
    `edited one: ccp plan ${issue.number} --json > plan.json, edit it, then ccp start ${issue.number} --plan plan.json`,
  );
  return lines;
}

const subIssues = (n: number): string => `${n} sub-issue${n === 1 ? '' : 's'}`;

/** Said (on stderr) when the issue has sub-issues already: a run takes those, not a plan. */
export function existingNote(issueNumber: number, existing: IssueSummary[]): string | undefined {
  if (existing.length === 0) return undefined;
  return `note: #${issueNumber} already has ${subIssues(existing.length)} on GitHub (${existing.map((i) => `#${i.number}`).join(', ')}): `
    + `\`ccp start ${issueNumber}\` works on those and does not plan again`;
}
