// Which GitHub repository ccp works on: --repo / CCP_REPO, else the origin remote of the local clone.
import { createGitAdapter } from '../adapters/git.js';
import { parseRepo, repoFromRemoteUrl } from '../shared/ids.js';
import type { RepoRef } from '../shared/types.js';
import { ConfigError, type CcpConfig } from './config.js';

/** The repository, or undefined when neither the configuration nor the clone's origin names one. */
export async function findRepo(config: Pick<CcpConfig, 'repo' | 'repoPath'>): Promise<RepoRef | undefined> {
  if (config.repo) {
    try {
      return parseRepo(config.repo);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
  }
  const url = await createGitAdapter().remoteUrl(config.repoPath).catch(() => undefined);
  return url ? repoFromRemoteUrl(url) : undefined;
}

export async function resolveRepo(config: Pick<CcpConfig, 'repo' | 'repoPath'>): Promise<RepoRef> {
  const repo = await findRepo(config);
  if (!repo) {
    throw new ConfigError(`cannot tell the GitHub repository of ${config.repoPath}: pass --repo owner/name (or set CCP_REPO)`);
  }
  return repo;
}
