// All activities, built by factories over their adapters so tests hand in isolated real instances.
import type { AgentAdapter } from '../agents/types.js';
import type { GitAdapter } from '../adapters/git.js';
import type { GitHubAdapter } from '../adapters/github.js';
import type { PueueAdapter } from '../adapters/pueue.js';
import type { RepoRef } from '../shared/types.js';
import { createAgentActivities, type WorkerShutdownSignal } from './agent.js';
import { createAnalyzerActivities } from './analyzer.js';
import { createDispatchActivities } from './dispatch.js';
import { createGitHubActivities } from './github.js';
import { createHostActivities, createHostInfoActivities, type HostQueues } from './host.js';
import { withHeartbeats } from './heartbeat.js';
import { createMirrorActivities } from './mirror.js';

export interface ActivityDeps {
  github: GitHubAdapter;
  agent: AgentAdapter;
  git: GitAdapter;
  pueue: PueueAdapter;
  queues: HostQueues;
  repoPath: string;
  worktreesDir: string;
  /** The user's planning prompt template (CCP_PLAN_TEMPLATE, $CCP_HOME/prompts/plan.md); absent: ccp's own. */
  planTemplate?: string;
  /** The GitHub repository of `repoPath`, when known (host activities refuse work for another one). */
  repo?: RepoRef;
  /** This worker process shutting down: running agent sessions detach (or stop) and go back to the queue.
   * Absent: they run on until Temporal cancels them. */
  shutdown?: WorkerShutdownSignal;
}

/** Activities of the shared task queue: any host may run them. */
export function createSharedActivities(deps: Pick<ActivityDeps, 'github' | 'agent' | 'queues' | 'repoPath' | 'planTemplate'>) {
  return {
    ...withHeartbeats(createGitHubActivities({ github: deps.github })),
    ...withHeartbeats(createAnalyzerActivities({ agent: deps.agent, repoPath: deps.repoPath, planTemplate: deps.planTemplate })),
    ...createHostInfoActivities(deps.queues),
    ...createDispatchActivities(),
  };
}

/** Activities bound to this host's clone, worktrees and pueued. */
export function createHostBoundActivities(deps: Pick<ActivityDeps, 'git' | 'pueue' | 'repoPath' | 'worktreesDir' | 'repo'>) {
  return {
    ...withHeartbeats(createHostActivities({ git: deps.git, repoPath: deps.repoPath, worktreesDir: deps.worktreesDir, repo: deps.repo })),
    ...withHeartbeats(createMirrorActivities({ pueue: deps.pueue })),
  };
}

/** Agent sessions of this host; what they do is logged in the subissue's event log (the mirror's task follows the pane). */
export function createAgentSessionActivities(deps: Pick<ActivityDeps, 'agent' | 'pueue' | 'shutdown'>) {
  return createAgentActivities({
    agent: deps.agent,
    shutdown: deps.shutdown,
    hooks: {
      onSessionStart: (label, paneId) => deps.pueue.mirror.log(label, `agent session running in pane ${paneId ?? '?'}`),
      onNeedsYou: (label, pending) => deps.pueue.mirror.log(label,
        `needs you: ${pending.tool} ${pending.subject} — \`ccp approve|deny ${label.replace(/^subissue-/, '')}\``),
    },
  });
}

export type SharedActivities = ReturnType<typeof createSharedActivities>;
export type HostBoundActivities = ReturnType<typeof createHostBoundActivities>;
export type AgentSessionActivities = ReturnType<typeof createAgentSessionActivities>;
