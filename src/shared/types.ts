// Plain data shared by workflows, activities, adapters and the CLI. No I/O, no Node built-ins.

export interface RepoRef {
  owner: string;
  repo: string;
}

export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface IssueSummary {
  number: number;
  /** GitHub's global issue id: the sub-issues API takes this, not the number. */
  id: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  url: string;
}

/** One subissue as the analyzer planned it (before it exists on GitHub). */
export interface PlannedSubissue {
  /** Stable key inside the plan ("a", "api", …): dependencies and exactly-once markers use it. */
  key: string;
  title: string;
  estimatedHours: number;
  priority: Priority;
  description: string;
  acceptanceCriteria: string[];
  technicalContext: string;
  /** Keys of subissues this one builds on (validated: known keys, no cycles). */
  dependsOn: string[];
  /** A group the plan puts it in (an area, a milestone), when the plan names one: the CcpGroup search attribute. */
  group?: string;
  /** ISO time its agent may start at the earliest (a delay the plan or `ccp start --delay` gave). */
  notBefore?: string;
}

export interface Plan {
  subissues: PlannedSubissue[];
}

/** How many subissues a plan has: the analyzer's prompt says so, plan validation holds it. */
export const MIN_SUBISSUES = 2;
export const MAX_SUBISSUES = 5;

export interface CreatedSubissue extends PlannedSubissue {
  number: number;
  id: number;
  url: string;
  /** Found already done by an earlier run of the parent (closed, its PR merged): not worked on again. */
  mergedPr?: { number: number; url: string };
}

export interface PullRequestRef {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  head: string;
  base: string;
}

/** Knobs a run carries in its workflow input (no secrets: workflow history is readable in the Web UI). */
export interface RunSettings {
  /** How often a subissue checks whether its PR was merged. */
  mergePollSeconds: number;
  agentTimeoutMinutes: number;
  /** Attempts per agent session before the subissue fails. */
  agentAttempts: number;
  /** Branch PRs target; empty = the repository's default branch. */
  baseBranch: string;
  /** How long a request no rule decides waits for a person (`ccp approve`/`ccp deny`) before it is denied. */
  needsYouMinutes?: number;
  /** The group of subissues whose plan names none (`ccp start --group`). */
  group?: string;
  /** Stacked PRs (default on): a dependent starts on its dependency's branch once that one's PR is open, and is
   * rebased and retargeted to the base branch when it merges. Off: dependents wait for the merge. */
  stackedPrs?: boolean;
}

export const DEFAULT_RUN_SETTINGS: RunSettings = {
  // A merge is seen within 15 s. Each poll is conditional (a 304 spends no primary rate limit) but still counts
  // towards GitHub's secondary limit (900 points a minute, 1 per GET): 40 open PRs poll 160 times a minute.
  mergePollSeconds: 15,
  agentTimeoutMinutes: 60,
  agentAttempts: 2,
  baseBranch: '',
  needsYouMinutes: 30,
  stackedPrs: true,
};

/** Temporal priority keys: lower is dispatched first (1..5, default 3). */
export const PRIORITY_KEYS: Record<Priority, number> = { critical: 1, high: 2, normal: 3, low: 4 };
