// The offline stand-ins, started together: GitHub (OpenAPI-validated) over a scratch repo, and the scripted
// Messages-API server the real Claude Code talks to. Used by `ccp demo` and the integration tests.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startGitHubStandIn, type GitHubStandIn } from '../standin/github/server.js';
import { startModelServer, type ModelServer } from '../standin/model/server.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';

export const OFFLINE_OWNER = 'ccp-demo';
export const OFFLINE_REPO = 'scratch';

export interface OfflineServices {
  dir: string;
  repo: ScratchRepo;
  github: GitHubStandIn;
  model: ModelServer;
  githubToken: string;
  anthropicKey: string;
  agentHome: string;
  /** Environment that points ccp (config, worker, agent) at the stand-ins. Holds the offline secrets. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startOfflineServices(dir: string, options: { paceMs?: number; analyzePaceMs?: number } = {})
  : Promise<OfflineServices> {
  const repo = await createScratchRepo(path.join(dir, 'git'));
  // Fresh fake secrets per run: tests assert these values never reach logs, panes, history or pueue's state.
  const githubToken = `ghp_offline${randomBytes(12).toString('hex')}`;
  const anthropicKey = `sk-ant-offline-${randomBytes(12).toString('hex')}`;
  const github = await startGitHubStandIn({
    token: githubToken,
    repos: [{ owner: OFFLINE_OWNER, repo: OFFLINE_REPO, defaultBranch: repo.defaultBranch, bareRepoPath: repo.originPath }],
  });
  const model = await startModelServer({ paceMs: options.paceMs, analyzePaceMs: options.analyzePaceMs });
  const agentHome = path.join(dir, 'agent-home');
  mkdirSync(agentHome, { recursive: true });
  return {
    dir,
    repo,
    github,
    model,
    githubToken,
    anthropicKey,
    agentHome,
    env: {
      CCP_REPO: `${OFFLINE_OWNER}/${OFFLINE_REPO}`,
      CCP_REPO_PATH: repo.clonePath,
      CCP_GITHUB_API_URL: github.url,
      CCP_GITHUB_THROTTLE: 'off',
      GITHUB_TOKEN: githubToken,
      CCP_AGENT_HOME: agentHome,
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: anthropicKey,
    },
    close: async () => {
      await Promise.all([github.close(), model.close()]);
    },
  };
}
