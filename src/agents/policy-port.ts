// What an agent session needs from the policy: `evaluate(request, context)` → allow | deny | ask, and the web
// allowlist the sandbox's network rules start from. The scope policy engine (src/policy/engine.ts) provides both.
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { createPolicy } from '../policy/engine.js';
import { PolicyError } from '../policy/policy-document.js';
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
  if (!policyFile) return createPolicy();
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(policyFile, 'utf8'));
  } catch (err) {
    const why = err instanceof SyntaxError ? `is not valid JSON (${err.message})` : `cannot be read (${(err as Error).message})`;
    throw new PolicyError(`policy file ${policyFile} ${why}`);
  }
  try {
    return createPolicy(document);
  } catch (err) {
    if (err instanceof PolicyError) throw new PolicyError(`policy file ${policyFile}: ${err.message}`);
    throw err;
  }
}

/** Loads what the policy needs before it judges Bash (the shell parser); once per process. */
export const policyReady = (): Promise<void> => loadShellParser();

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
