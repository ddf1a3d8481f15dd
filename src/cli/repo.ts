// Which GitHub repository the CLI works on: --repo / CCP_REPO, else the origin remote of the local clone.
import { createGitAdapter } from '../adapters/git.js';
import type { CcpConfig } from '../config/config.js';
import { parseRepo, repoFromRemoteUrl } from '../shared/ids.js';
import type { RepoRef } from '../shared/types.js';

export async function resolveRepo(config: CcpConfig): Promise<RepoRef> {
  if (config.repo) return parseRepo(config.repo);
  const url = await createGitAdapter().remoteUrl(config.repoPath).catch(() => undefined);
  const repo = url ? repoFromRemoteUrl(url) : undefined;
  if (!repo) {
    throw new Error(`cannot tell the GitHub repository of ${config.repoPath}: pass --repo owner/name (or set CCP_REPO)`);
  }
  return repo;
}
