// The agent-neutral vocabulary of the policy: a tool request, the session it comes from, and the verdict.
import type { ToolRequest } from './rules.js';

export type { ToolRequest };

export interface PolicyContext {
  /** The session's own worktree, which is also its working directory (absolute). */
  worktree: string;
  /** The agent's HOME. */
  home: string;
  /** The session's own branch, e.g. subissue/12. */
  branch?: string;
  /** ccp's state dir (CCP_HOME): never read or written by an agent. */
  stateDir?: string;
  /** Where every session's worktree lives: the others are off limits. */
  worktreesDir?: string;
  /** Resolves symlinks of the longest existing prefix of an absolute path; default: identity. */
  realpath?: (path: string) => string;
}

export type Decision = 'allow' | 'deny' | 'ask';

export const CATEGORIES = ['privilege', 'destruction', 'devices', 'processes', 'exfiltration', 'listening',
  'history-rewrite', 'other-branch', 'merge', 'git-config', 'agent-settings', 'secrets', 'containers', 'scheduling',
  'outside-worktree', 'web', 'mcp', 'unknown', 'benign'] as const;
export type Category = typeof CATEGORIES[number];

export interface PolicyVerdict {
  decision: Decision;
  /** Read by the model (what was refused and why, so it can adapt) and by a person in `ccp approvals`. */
  reason: string;
  /** The policy-file rule that decided, when one did. */
  rule?: string;
  category?: Category;
}

export const allow = (reason: string, category: Category = 'benign'): PolicyVerdict =>
  ({ decision: 'allow', reason, category });
export const deny = (category: Category, reason: string): PolicyVerdict =>
  ({ decision: 'deny', reason: `ccp policy: ${reason}`, category });
export const ask = (category: Category, reason: string): PolicyVerdict =>
  ({ decision: 'ask', reason: `ccp policy: ${reason}`, category });

const SEVERITY: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };

/** The most severe verdict (first of equals); allow when there is none. */
export function worst(verdicts: readonly PolicyVerdict[], fallback: PolicyVerdict): PolicyVerdict {
  let out: PolicyVerdict | undefined;
  for (const verdict of verdicts) {
    if (!out || SEVERITY[verdict.decision] > SEVERITY[out.decision]) out = verdict;
  }
  return out ?? fallback;
}
