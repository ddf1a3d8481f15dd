// The adapter's throttling: GitHub's rate-limit answers are retried after the time GitHub names, a couple of times.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGitHubAdapter, GitHubError } from '../../src/adapters/github.js';

const repo = { owner: 'acme', repo: 'limited' };

/** A real HTTP server that answers GET /repos/acme/limited with `limitedAnswers` rate-limit 403s first. */
async function limitedGitHub(kind: 'secondary' | 'primary', limitedAnswers: number) {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests++;
    if (requests <= limitedAnswers) {
      const headers: Record<string, string> =
        kind === 'secondary'
          ? { 'retry-after': '1' }
          : { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) };
      const message = kind === 'secondary' ? 'You have exceeded a secondary rate limit.' : 'API rate limit exceeded.';
      response.writeHead(403, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ message }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ default_branch: 'main' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GitHub adapter rate limits', () => {
  test('a secondary rate limit is waited out (retry-after) and retried', async () => {
    const github = await limitedGitHub('secondary', 1);
    try {
      const started = Date.now();
      await expect(createGitHubAdapter({ token: 't', baseUrl: github.url }).getDefaultBranch(repo)).resolves.toBe('main');
      expect(github.requests()).toBe(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await github.close();
    }
  });

  test('a persistent primary rate limit gives up after two retries with an error that says to wait', async () => {
    const github = await limitedGitHub('primary', 100);
    try {
      let error: unknown;
      await createGitHubAdapter({ token: 't', baseUrl: github.url })
        .getDefaultBranch(repo)
        .catch((caught: unknown) => (error = caught));
      expect(error).toBeInstanceOf(GitHubError);
      expect((error as GitHubError).message).toMatch(/rate limit hit .*wait for the limit to reset/);
      expect(github.requests()).toBe(3);
    } finally {
      await github.close();
    }
  });
});
