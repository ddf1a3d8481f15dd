// What an agent session needs from the policy: `evaluate(request, context)` → allow | deny | ask, and the web
// allowlist the sandbox's network rules start from. Until the scope policy engine (src/policy/engine.ts) is in
// place, the rule-list policy (approval-policy.ts) stands in behind the same shape.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { decide, type ApprovalPolicy } from '../policy/approval-policy.js';
import { loadPolicyFile } from '../policy/policy-file.js';
import { DEFAULT_APPROVAL_POLICY } from '../policy/approval-policy.js';
import type { ToolRequest } from '../policy/rules.js';

export type { ToolRequest };

/** The session a request comes from, as the policy engine judges it (src/policy/types.ts has the same shape). */
export interface PolicyContext {
  worktree: string;
  home: string;
  /** The session's own branch, e.g. subissue/12. */
  branch?: string;
  stateDir?: string;
  worktreesDir?: string;
  /** Resolves symlinks of the longest existing prefix of an absolute path. */
  realpath?: (path: string) => string;
}

export interface PolicyVerdict {
  decision: 'allow' | 'deny' | 'ask';
  reason: string;
  rule?: string;
  category?: string;
}

export interface SessionPolicy {
  evaluate(request: ToolRequest, context: PolicyContext): PolicyVerdict;
  web?: { allowedDomains: readonly string[] };
}

/** Pseudo tool asked about Claude Code's trust dialog when it warns about project hooks or MCP servers. */
export const TRUST_TOOL = 'ccp:TrustFolder';

/** The rule-list policy as a SessionPolicy. Requests about ccp's pseudo tools are asked unless a rule allows them. */
export function ruleListPolicy(policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY): SessionPolicy {
  const dialog = { kind: 'tool' as const, title: '', subject: '', options: [] };
  return {
    evaluate(request, context) {
      const paths = { cwd: context.worktree, home: context.home };
      const verdict = decide(dialog, policy, { request, paths });
      if (request.tool.startsWith('ccp:') && !verdict.rule) {
        return { decision: 'ask', reason: `ccp policy: no rule allows ${request.tool}` };
      }
      return { decision: verdict.decision, reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}) };
    },
  };
}

/** The session policy from the policy file (checked now: a bad file stops the worker at start). */
export function loadSessionPolicy(policyFile?: string): SessionPolicy {
  return ruleListPolicy(policyFile ? loadPolicyFile(policyFile) : DEFAULT_APPROVAL_POLICY);
}

/** Real path of the longest existing prefix, the rest appended: `..` and symlinks cannot hide where a path leads. */
export function realpathOfPrefix(absolute: string): string {
  const rest: string[] = [];
  let dir = path.resolve(absolute);
  for (;;) {
    try {
      return path.join(realpathSync.native(dir), ...rest.reverse());
    } catch {
      const parent = path.dirname(dir);
      if (parent === dir) return absolute;
      rest.push(path.basename(dir));
      dir = parent;
    }
  }
}
