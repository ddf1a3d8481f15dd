// Where ccp finds its GitHub token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveGitHubToken } from '../../src/adapters/github.js';

describe('resolveGitHubToken', () => {
  test('GITHUB_TOKEN wins over GH_TOKEN; blanks do not count', async () => {
    await expect(resolveGitHubToken({ GITHUB_TOKEN: ' ghp_a ', GH_TOKEN: 'ghp_b' })).resolves.toBe('ghp_a');
    await expect(resolveGitHubToken({ GITHUB_TOKEN: '  ', GH_TOKEN: 'ghp_b' })).resolves.toBe('ghp_b');
  });

  test('without a token and without gh on PATH there is none', async () => {
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'ccp-no-gh-'));
    try {
      await expect(resolveGitHubToken({ PATH: emptyDir })).resolves.toBeUndefined();
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });
});
