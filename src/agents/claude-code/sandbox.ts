// Claude Code's own OS sandbox (bubblewrap + socat on Linux) for agent sessions: Bash commands may write only the
// worktree, the bits of git's common dir a commit needs, temp and package caches; secrets and ccp's state are
// unreadable; the network is an allowlist with no prompt for other hosts. Claude Code's own API calls are not
// sandboxed (they come from the agent process itself), so a loopback ANTHROPIC_BASE_URL keeps working.
import { execa } from 'execa';
import { runCommand } from '../../stack/run-command.js';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const REGISTRY_DOMAINS = ['registry.npmjs.org', 'pypi.org', 'files.pythonhosted.org', 'crates.io',
  'static.crates.io', 'index.crates.io', 'proxy.golang.org', 'sum.golang.org', 'github.com'];
const SECRET_DIRS = ['.ssh', '.aws', '.config/gh', '.netrc', '.docker', '.gnupg'];
// Package caches: the common ones are created (the sandbox cannot allow writing a path that does not exist yet),
// the others allowed when present.
const CACHE_DIRS = ['.npm', '.cache/pip', '.cache/go-build'];
const OPTIONAL_CACHE_DIRS = ['.cargo/registry', '.cargo/git', 'go/pkg/mod', '.cache/yarn', '.local/share/pnpm'];
// Inside the sandbox, protected names that do not exist in the worktree show up as /dev/null mounts (character
// devices) that `git add -A` refuses: git is told to ignore them (untracked only; tracked files stay tracked).
const SANDBOX_MOUNT_NAMES = ['/.gitconfig', '/.gitmodules', '/.bashrc', '/.bash_profile', '/.zshrc', '/.zprofile',
  '/.profile', '/.ripgreprc', '/.mcp.json', '/.vscode', '/.idea', '/.claude/'];

export interface SandboxInput {
  worktree: string;
  /** The agent's HOME. */
  home: string;
  /** The session's run dir (secret, socket, env file): never readable from inside. */
  runDir: string;
  /** ccp's state dir: unreadable except the session's own worktree. */
  stateDir?: string;
  /** Hosts Bash commands may reach (the policy's web allowlist); registries and the model host are added. */
  allowedDomains?: readonly string[];
  /** ANTHROPIC_BASE_URL, when set: its host is allowed too. */
  modelUrl?: string;
}

export interface GitPaths {
  /** The worktree's own git dir (`<common>/worktrees/<name>` for a linked worktree). */
  gitDir: string;
  commonDir: string;
  /** refs/heads/… of the checked-out branch, when on one. */
  branchRef?: string;
}

export async function gitPaths(worktree: string): Promise<GitPaths | undefined> {
  // Per session start: forked by the spawn server, not the worker.
  const result = await runCommand('git', ['-C', worktree, 'rev-parse', '--absolute-git-dir', '--git-common-dir',
    '--symbolic-full-name', 'HEAD']);
  if (result.exitCode !== 0) return undefined;
  const [gitDir, common, ref] = String(result.stdout).split('\n');
  return { gitDir, commonDir: path.resolve(worktree, common),
    ...(ref?.startsWith('refs/heads/') ? { branchRef: ref } : {}) };
}

/** A subissue's own clone (its git dir is its common dir), not a linked worktree of a shared clone. */
const standalone = (git: GitPaths): boolean => path.resolve(git.gitDir) === path.resolve(git.commonDir);

/** In an own clone's git dir, what a commit never writes and ccp's own git (outside the sandbox) would obey: config
 * (core.fsmonitor, sshCommand, …), hooks, info, and the alternates that point at the shared objects. */
export function gitDenyWritePaths(git: GitPaths): string[] {
  return standalone(git) ? ['config', 'hooks', 'info', 'objects/info'].map((p) => path.join(git.gitDir, p)) : [];
}

/** What `git commit` in the worktree writes: its git dir, objects, and its branch's ref and reflog directories. */
export function gitWritePaths(git: GitPaths): string[] {
  if (standalone(git)) return [git.gitDir];
  const refDir = path.dirname(git.branchRef ?? 'refs/heads/x');
  return [git.gitDir, path.join(git.commonDir, 'objects'), path.join(git.commonDir, refDir),
    path.join(git.commonDir, 'logs', refDir)];
}

export function sandboxSettings(input: SandboxInput, git: GitPaths | undefined): Record<string, unknown> {
  const home = (dir: string): string => path.join(input.home, dir);
  const modelHost = input.modelUrl ? hostOf(input.modelUrl) : undefined;
  return {
    enabled: true,
    failIfUnavailable: true,
    allowUnsandboxedCommands: false,
    // The hook still decides every Bash command: being sandboxed is no reason to skip ccp's policy.
    autoAllowBashIfSandboxed: false,
    filesystem: {
      // Temp: the sandbox points TMPDIR at /tmp/claude. Not all of /tmp: the sandbox scans what it allows for files
      // to protect, and other sessions' files coming and going there make its start fail ("Can't find source path").
      allowWrite: [...new Set([input.worktree, ...(git ? gitWritePaths(git) : []), '/tmp/claude',
        ...cacheDirs(input.home)])],
      ...(git && gitDenyWritePaths(git).length > 0 ? { denyWrite: gitDenyWritePaths(git) } : {}),
      denyRead: [...new Set([...SECRET_DIRS.map(home), input.runDir, ...(input.stateDir ? [input.stateDir] : [])])],
      // The worktree lives in the state dir: it stays readable, other sessions' worktrees and ccp's files do not.
      ...(input.stateDir && isWithin(input.worktree, input.stateDir) ? { allowRead: [input.worktree] } : {}),
    },
    network: {
      allowedDomains: [...new Set([...(input.allowedDomains ?? []), ...REGISTRY_DOMAINS,
        ...(modelHost ? [modelHost] : [])])],
      // Deny hosts off the list without a prompt: nobody is at the pane to answer it.
      strictAllowlist: true,
    },
  };
}

function cacheDirs(home: string): string[] {
  return [...CACHE_DIRS, ...OPTIONAL_CACHE_DIRS.filter((dir) => existsSync(path.join(home, dir)))]
    .map((dir) => path.join(home, dir));
}

/** Creates what the sandbox must see existing to allow writing it: caches, the branch's ref and reflog dirs. */
export async function prepareSandboxDirs(home: string, git: GitPaths | undefined): Promise<void> {
  const dirs = [...CACHE_DIRS.map((dir) => path.join(home, dir)), ...(git ? gitWritePaths(git) : [])];
  for (const dir of dirs) await mkdir(dir, { recursive: true });
}

/** Writes the git excludes file for the sandbox's mount points and returns the env that makes git read it. */
export async function gitExcludeEnv(git: GitPaths, home: string, env: Record<string, string | undefined>)
  : Promise<Record<string, string>> {
  const file = path.join(git.gitDir, 'ccp-sandbox-exclude');
  // core.excludesFile replaces the user's own global excludes: carry them over.
  const own = await userExcludes(home);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${own}\n# ccp: the agent sandbox's mount points\n${SANDBOX_MOUNT_NAMES.join('\n')}\n`);
  const count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  return { GIT_CONFIG_COUNT: String(count + 1), [`GIT_CONFIG_KEY_${count}`]: 'core.excludesFile',
    [`GIT_CONFIG_VALUE_${count}`]: file };
}

async function userExcludes(home: string): Promise<string> {
  const configured = await runCommand('git', ['config', '--global', '--get', 'core.excludesFile'], { env: { HOME: home } });
  const file = String(configured.stdout).trim().replace(/^~(?=\/)/, home) || path.join(home, '.config/git/ignore');
  return existsSync(file) ? readFile(file, 'utf8').catch(() => '') : '';
}

export interface SandboxProbe {
  available: boolean;
  /** Why not, in words a user can act on. */
  reason?: string;
}

/** Whether Claude Code's sandbox can run here: bubblewrap, socat and ripgrep installed, user namespaces allowed. */
export async function probeSandbox(): Promise<SandboxProbe> {
  if (process.platform !== 'linux') return { available: true };
  const missing: string[] = [];
  for (const tool of ['bwrap', 'socat', 'rg']) {
    const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (found.exitCode !== 0) missing.push(tool === 'bwrap' ? 'bwrap (bubblewrap)' : tool === 'rg' ? 'rg (ripgrep)' : tool);
  }
  if (missing.length > 0) {
    return { available: false, reason: `${missing.join(', ')} not installed (scripts/install-tools.sh installs them)` };
  }
  const probe = await execa('bwrap', ['--ro-bind', '/', '/', 'true'], { reject: false, timeout: 10_000 });
  if (probe.exitCode !== 0) {
    return { available: false, reason: `bubblewrap cannot create a sandbox here (\`bwrap --ro-bind / / true\`: ${
      String(probe.stderr).trim() || `exit ${probe.exitCode}`}); user namespaces may not be permitted` };
  }
  return { available: true };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

const isWithin = (child: string, dir: string): boolean => child === dir || child.startsWith(`${dir}/`);
