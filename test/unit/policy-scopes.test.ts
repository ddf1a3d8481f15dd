// File scopes on a real filesystem: symlinks are followed by real path (through `ccp policy check`'s realpath),
// `..` after a symlink goes where the kernel goes, look-alike Unicode is folded, secrets are refused everywhere.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { physicalRealpath } from '../../src/policy/realpath.js';
import { loadShellParser } from '../../src/policy/shell-parse.js';
import type { PolicyContext } from '../../src/policy/types.js';
import { bash, builtIn, session, tool, W } from './policy-helpers.js';

let root: string;
let ctx: PolicyContext;
let wt: string;

beforeAll(async () => {
  await loadShellParser();
  root = mkdtempSync(path.join(tmpdir(), 'ccp-scopes-'));
  const home = path.join(root, 'home');
  const state = path.join(root, 'ccp');
  wt = path.join(state, 'worktrees', 'subissue-12');
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'key');
  mkdirSync(path.join(wt, 'src'), { recursive: true });
  mkdirSync(path.join(state, 'worktrees', 'subissue-13'), { recursive: true });
  symlinkSync(path.join(home, '.ssh'), path.join(wt, 'keys'));
  symlinkSync('/etc', path.join(wt, 'etc-link'));
  symlinkSync(path.join(state, 'worktrees', 'subissue-13'), path.join(wt, 'neighbour'));
  ctx = { worktree: wt, home, branch: 'subissue/12', stateDir: state, worktreesDir: path.join(state, 'worktrees'), realpath: physicalRealpath };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('file tools by real path', () => {
  test('writes and reads inside the worktree are allowed, by absolute or relative path', () => {
    expect(tool('Write', { file_path: `${wt}/src/a.ts` }, builtIn, ctx).decision).toBe('allow');
    expect(tool('Edit', { file_path: 'src/a.ts' }, builtIn, ctx).decision).toBe('allow');
    expect(tool('Read', { file_path: `${wt}/src/../src/a.ts` }, builtIn, ctx).decision).toBe('allow');
  });

  test('a symlink inside the worktree does not make its target inside', () => {
    expect(tool('Read', { file_path: `${wt}/keys/id_rsa` }, builtIn, ctx)).toMatchObject({ decision: 'deny', category: 'secrets' });
    expect(tool('Write', { file_path: `${wt}/etc-link/passwd` }, builtIn, ctx)).toMatchObject({ decision: 'deny' });
    expect(tool('Write', { file_path: `${wt}/neighbour/x.ts` }, builtIn, ctx)).toMatchObject({ decision: 'deny', category: 'outside-worktree' });
    expect(bash('cat keys/id_rsa', builtIn, ctx)).toMatchObject({ decision: 'deny', category: 'secrets' });
    expect(bash('echo x > etc-link/motd', builtIn, ctx).decision).toBe('deny');
  });

  test('`..` after a symlink resolves from the link target, like the kernel', () => {
    // etc-link/../ is / , not the worktree.
    expect(tool('Write', { file_path: `${wt}/etc-link/../root-file` }, builtIn, ctx).decision).toBe('deny');
    expect(physicalRealpath(`${wt}/etc-link/../tmp`)).toBe('/tmp');
  });

  test("git's internals, Claude settings and MCP config are never written, even inside the worktree", () => {
    for (const file of ['.git/hooks/pre-commit', '.git/config', '.claude/settings.json', '.claude/settings.local.json', '.mcp.json']) {
      expect(tool('Write', { file_path: `${W}/${file}` }).decision).toBe('deny');
    }
  });

  test('secrets are refused wherever they are, other worktrees and ccp state too', () => {
    for (const file of ['~/.ssh/id_ed25519', '/home/ada/.aws/credentials', '/home/ada/.config/gh/hosts.yml', '/home/ada/.netrc',
      '/home/ada/.docker/config.json', '/home/ada/.kube/config', '/etc/shadow', '/proc/1/environ', '/srv/app/.env',
      `${W}/certs/server.key`, '/home/ada/.ccp/approvals.jsonl', '/home/ada/.ccp/worktrees/subissue-13/src/a.ts', '/root/.ssh/id_rsa']) {
      expect([file, tool('Read', { file_path: file }).decision]).toEqual([file, 'deny']);
    }
    expect(tool('Read', { file_path: `${W}/.env` }).decision).toBe('allow');
  });

  test('ordinary system places may be read; home outside caches is asked about', () => {
    expect(tool('Read', { file_path: '/usr/include/stdio.h' }).decision).toBe('allow');
    expect(tool('Read', { file_path: '/etc/os-release' }).decision).toBe('allow');
    expect(tool('Read', { file_path: '/home/ada/.cache/pip/x' }).decision).toBe('allow');
    expect(tool('Read', { file_path: '/home/ada/Documents/taxes.pdf' }).decision).toBe('ask');
  });

  test('look-alike characters that spell a protected place are refused', () => {
    expect(tool('Read', { file_path: '/home/ada/.ѕsh/id_rsa' })).toMatchObject({ decision: 'deny', category: 'secrets' });
    expect(tool('Write', { file_path: `${W}/.gіt/hooks/pre-commit` }).decision).toBe('deny');
    expect(tool('Read', { file_path: '／etc／shadow' }).decision).toBe('deny');
  });

  test('Grep and Glob: recursive reads of a parent of secrets are refused', () => {
    expect(tool('Grep', { pattern: 'token', path: '/home/ada' }).decision).toBe('deny');
    expect(tool('Grep', { pattern: 'token' }).decision).toBe('allow');
    expect(tool('Glob', { pattern: '/home/ada/.ssh/*' }).decision).toBe('deny');
    expect(tool('Glob', { pattern: 'src/**/*.ts' }).decision).toBe('allow');
    expect(bash('grep -r password ~/.config').decision).toBe('deny');
  });

  test('writes outside the worktree are refused; the temp dir is fine unless home lives there', () => {
    expect(tool('Write', { file_path: '/etc/passwd' }).decision).toBe('deny');
    expect(tool('Write', { file_path: '/tmp/out.log' }).decision).toBe('allow');
    expect(tool('Write', { file_path: `${ctx.home}/.bashrc` }, builtIn, ctx).decision).toBe('deny');
    expect(session.home).toBe('/home/ada');
  });
});
