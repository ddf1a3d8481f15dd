// Seeding Claude Code's ~/.claude.json for many sessions at once: every worktree trusted, what was there kept, under
// Claude Code's own lock (seeds asked for together are written together, src/agents/claude-code/session-files.ts).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedClaudeHome } from '../../src/agents/claude-code/session-files.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), 'ccp-seed-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const config = () => JSON.parse(readFileSync(path.join(home, '.claude.json'), 'utf8')) as {
  hasCompletedOnboarding?: boolean; projects: Record<string, { hasTrustDialogAccepted?: boolean; other?: number }>;
  customApiKeyResponses?: { approved: string[] }; theme?: string;
};

test('eight sessions seeding at once each find their worktree trusted, and what was there stays', async () => {
  writeFileSync(path.join(home, '.claude.json'), JSON.stringify({ theme: 'dark', projects: { '/kept': { other: 1 } } }));
  const worktrees = Array.from({ length: 8 }, (_, i) => path.join(home, `wt-${i}`));
  for (const w of worktrees) mkdirSync(w);
  let writes = 0;
  const counting = (w: string) => seedClaudeHome({ home, trustedWorktrees: [w], approvedApiKey: 'sk-ant-test-key-0123456789abcdef' })
    .then(() => {
      writes++;
      // Resolved only once its own worktree is on disk.
      expect(config().projects[w]?.hasTrustDialogAccepted).toBe(true);
    });
  await Promise.all(worktrees.map(counting));
  expect(writes).toBe(8);
  const seeded = config();
  expect(seeded.theme).toBe('dark');
  expect(seeded.hasCompletedOnboarding).toBe(true);
  expect(seeded.projects['/kept']).toEqual({ other: 1 });
  for (const w of worktrees) expect(seeded.projects[w]).toEqual({ hasTrustDialogAccepted: true });
  expect(seeded.customApiKeyResponses?.approved).toEqual(['sk-ant-test-key-0123456789abcdef'.slice(-20)]);
  // Claude Code's lock is left free.
  expect(existsSync(path.join(home, '.claude.json.lock'))).toBe(false);
});

test('a broken ~/.claude.json fails every seed waiting on it, with what to do, and a later seed again', async () => {
  writeFileSync(path.join(home, '.claude.json'), '{ not json');
  const seeds = [1, 2, 3].map((i) => seedClaudeHome({ home, trustedWorktrees: [path.join(home, `wt-${i}`)] }));
  for (const seed of seeds) await expect(seed).rejects.toThrow(/is not valid JSON; fix or remove it/);
  writeFileSync(path.join(home, '.claude.json'), '{}');
  await seedClaudeHome({ home, trustedWorktrees: ['/after'] });
  expect(config().projects['/after']).toEqual({ hasTrustDialogAccepted: true });
});
