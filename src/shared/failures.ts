// Failure types shared by activities (which throw them) and workflows (which decide on them).

/** The agent itself failed (non-zero exit, timeout, died without an exit code): retried by the workflow, bounded. */
export const AGENT_FAILED = 'AgentFailed';

/** The agent's tmux pane, session or server went away: retried (the conversation resumes in a new pane), never an
 * agent attempt. */
export const SESSION_LOST = 'SessionLost';

/** A stacked subissue's dependency failed (or was stopped): it ends blocked, not failed — its own work is fine. */
export const DEPENDENCY_FAILED = 'DependencyFailed';

/** The worker shut down (`ccp down`) while the agent ran: retried by the next worker, never an agent attempt. */
export const WORKER_SHUTDOWN = 'WorkerShutdown';
