// Failure types shared by activities (which throw them) and workflows (which decide on them).

/** The agent itself failed (non-zero exit, timeout, died without an exit code): retried by the workflow, bounded. */
export const AGENT_FAILED = 'AgentFailed';
