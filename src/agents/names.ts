// Names of the agents ccp can run (CCP_AGENT); kept apart from the registry so configuration loads no agent code.
export const AGENT_NAMES = ['claude-code'] as const;
export type AgentName = typeof AGENT_NAMES[number];
