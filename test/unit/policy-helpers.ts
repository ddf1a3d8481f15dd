// Shared by the policy unit tests: one session's context and a terse way to ask the engine.
import { createPolicy, type Policy } from '../../src/policy/engine.js';
import type { PolicyContext, PolicyVerdict } from '../../src/policy/types.js';

export const session: PolicyContext = {
  worktree: '/home/ada/.ccp/worktrees/subissue-12', home: '/home/ada', branch: 'subissue/12',
  stateDir: '/home/ada/.ccp', worktreesDir: '/home/ada/.ccp/worktrees',
};
export const W = session.worktree;

export const builtIn: Policy = createPolicy();

export const bash = (command: string, policy: Policy = builtIn, context: PolicyContext = session): PolicyVerdict =>
  policy.evaluate({ tool: 'Bash', input: { command } }, context);
export const tool = (name: string, input: Record<string, unknown>, policy: Policy = builtIn,
  context: PolicyContext = session): PolicyVerdict => policy.evaluate({ tool: name, input }, context);
export const decision = (verdict: PolicyVerdict): string => verdict.decision;
