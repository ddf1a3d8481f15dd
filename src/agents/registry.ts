// The agents ccp can run, by name (CCP_AGENT). Each one adapts a coding agent to AgentAdapter; only Claude Code
// today. Another agent plugs in here with its own options and the agent-neutral approval channel and decider.
import { createClaudeCodeAgent } from './claude-code/agent.js';
import type { AgentAdapter, ClaudeCodeOptions } from './types.js';
import { AGENT_NAMES, type AgentName } from './names.js';

export { AGENT_NAMES, type AgentName };

export interface AgentOptionsByName {
  'claude-code': ClaudeCodeOptions;
}

export function createAgent<N extends AgentName>(name: N, options: AgentOptionsByName[N]): AgentAdapter {
  switch (name) {
    case 'claude-code':
      return createClaudeCodeAgent(options);
    default:
      throw new Error(`unknown agent "${String(name)}" (known: ${AGENT_NAMES.join(', ')})`);
  }
}
