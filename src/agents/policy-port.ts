// What an agent session needs from the policy: `evaluate(request, context)` → allow | deny | ask, and the web
// allowlist the sandbox's network rules start from. The scope policy engine (src/policy/engine.ts) provides both.
import { loadPolicyFile } from '../policy/policy-file.js';
import { loadShellParser } from '../policy/shell-parse.js';
import type { PolicyContext, PolicyVerdict, ToolRequest } from '../policy/types.js';

export type { PolicyContext, PolicyVerdict, ToolRequest };

export interface SessionPolicy {
  evaluate(request: ToolRequest, context: PolicyContext): PolicyVerdict;
  web?: { allowedDomains: readonly string[] };
}

/** Pseudo tool asked about Claude Code's trust dialog when it warns about project hooks or MCP servers: the policy
 * allows it only through a rule that names it (`ccp:TrustFolder`); otherwise a person is asked. */
export const TRUST_TOOL = 'ccp:TrustFolder';

/** The session policy from the policy file (checked now: a bad file stops the worker at start). */
export function loadSessionPolicy(policyFile?: string): SessionPolicy {
  return loadPolicyFile(policyFile);
}

/** Loads what the policy needs before it judges Bash (the shell parser); once per process. */
export const policyReady = (): Promise<void> => loadShellParser();

