// What the running ccp worker of a CCP_HOME serves, as it wrote it once connected (its "ready" file).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CcpConfig } from '../config/config.js';
import type { RepoRef } from '../shared/types.js';
import { isAlive } from './processes.js';

export interface WorkerInfo {
  pid: number;
  repo?: RepoRef;
  repoPath: string;
  workers: number;
}

export function workerReadyFile(config: Pick<CcpConfig, 'paths'>): string {
  return path.join(config.paths.run, 'worker.ready');
}

/** The running worker's info, or undefined when none runs. */
export function runningWorkerInfo(config: Pick<CcpConfig, 'paths'>): WorkerInfo | undefined {
  const file = workerReadyFile(config);
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as WorkerInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Why the running worker cannot take work for `repo`, or undefined when it can. */
export function workerMismatch(info: WorkerInfo, repo: RepoRef): string | undefined {
  if (!info.repo || (info.repo.owner === repo.owner && info.repo.repo === repo.repo)) return undefined;
  return (
    `the running ccp worker works on ${info.repo.owner}/${info.repo.repo} (clone ${info.repoPath}), not ` +
    `${repo.owner}/${repo.repo}: run \`ccp down\` first, or use another CCP_HOME for this repository`
  );
}
