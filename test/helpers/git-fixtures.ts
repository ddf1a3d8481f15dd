// Git fixtures shared by tests: a local clone with a bare "origin", as ccp's host clone has.
import { execa } from 'execa';
import path from 'node:path';

/** Gives `repo` (a repository with a main branch) a bare origin next to it, pushed and fetched. */
export async function withOrigin(repo: string): Promise<string> {
  const origin = path.join(path.dirname(repo), `${path.basename(repo)}-origin.git`);
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await execa('git', ['-C', repo, 'remote', 'add', 'origin', origin]);
  await execa('git', ['-C', repo, 'push', '-q', 'origin', 'main']);
  await execa('git', ['-C', repo, 'fetch', '-q', 'origin']);
  return repo;
}
