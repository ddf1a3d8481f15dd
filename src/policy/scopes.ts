// Where a path may be read or written: by real path (symlinks resolved through the injected realpath, `..` after
// them), with look-alike Unicode folded so `~/.ѕsh` is judged as `~/.ssh`. Writes stay in the session's own worktree
// (and temp dirs), never in git's internals or agent settings; secrets, ccp's state and other sessions' worktrees
// are off limits for reading too. Pure apart from the injected realpath.
import { allow, ask, deny, type Category, type PolicyContext, type PolicyVerdict } from './types.js';
import { normalizePath } from './rules.js';
import { HOME_SECRETS, PROTECTED_ROOTS, secretIn, skeleton, writeCategory } from './secrets.js';

/** read: one file; list: names only; recursive: everything below; exec: run it. */
export type Access = 'read' | 'list' | 'recursive' | 'write' | 'delete' | 'exec';

export interface Scope {
  worktree: string;
  home: string;
  stateDir?: string;
  worktreesDir?: string;
  branch?: string;
  real: (absolute: string) => string;
}

export function makeScope(context: PolicyContext): Scope {
  const realpath = context.realpath ?? ((p: string) => p);
  const real = (absolute: string): string => normalizePath(realpath(absolute));
  const home = real(context.home);
  return { worktree: real(context.worktree), home, real, branch: context.branch,
    ...(context.stateDir ? { stateDir: real(context.stateDir) } : {}),
    ...(context.worktreesDir ? { worktreesDir: real(context.worktreesDir) } : {}) };
}

export const within = (path: string, dir: string): boolean =>
  path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);

/** Absolute real path of `path` as seen from `cwd` (`~` is the home); undefined when cwd is unknown. */
export function resolvePath(path: string, cwd: string | null, scope: Scope): string | undefined {
  let absolute = path;
  if (path === '~' || path.startsWith('~/')) absolute = `${scope.home}${path.slice(1)}`;
  else if (!path.startsWith('/')) {
    if (cwd === null) return undefined;
    absolute = `${cwd.startsWith('/') ? cwd : `${scope.worktree}/${cwd}`}/${path}`;
  }
  return scope.real(absolute);
}

export interface PathOptions {
  cwd?: string | null;
  /** The path holds unquoted glob characters: judged by its literal directory, as a read of everything in it. */
  glob?: boolean;
}

export function checkPath(path: string, access: Access, scope: Scope, options: PathOptions = {}): PolicyVerdict {
  const cwd = options.cwd === undefined ? scope.worktree : options.cwd;
  const folded = skeleton(path);
  if (folded !== path) {
    const lookalike = checkPlain(folded, access, scope, cwd, options.glob ?? false);
    if (lookalike.decision === 'deny') {
      return { ...lookalike, reason: `${lookalike.reason} (the path uses look-alike characters for ${folded})` };
    }
  }
  return checkPlain(path, access, scope, cwd, options.glob ?? false);
}

function checkPlain(path: string, access: Access, scope: Scope, cwd: string | null, glob: boolean): PolicyVerdict {
  let target = path;
  let how = access;
  if (glob) {
    // The literal directory before the first wildcard: every name in it may match.
    const segments = path.split('/');
    const first = segments.findIndex((segment) => /[*?[]/.test(segment));
    target = segments.slice(0, first).join('/') || (path.startsWith('/') ? '/' : '.');
    if (how === 'read' || how === 'list') how = how === 'read' ? 'recursive' : 'list';
    else {
      // Writes land on names inside the directory; a pattern that can match dotfiles can match .git too.
      const dotted = /^[.?[]/.test(segments[first]);
      target = `${target === '/' ? '' : target}/${dotted ? '.git' : 'ccp-glob-entry'}`;
    }
  }
  const absolute = resolvePath(target, cwd, scope);
  if (absolute === undefined) {
    return access === 'read' || access === 'list'
      ? allow(`reads ${path} relative to the current directory`)
      : ask('outside-worktree', `${describe(access)} ${path} after a cd ccp cannot follow; use a path from the worktree`);
  }
  return judge(absolute, how, scope, path);
}

function judge(absolute: string, access: Access, scope: Scope, shown: string): PolicyVerdict {
  const off = offLimits(absolute, access, scope, shown);
  if (off) return off;
  if (access === 'write' || access === 'delete') return judgeWrite(absolute, access, scope, shown);
  if (access === 'exec') return judgeExec(absolute, scope, shown);
  return judgeRead(absolute, access, scope, shown);
}

/** Secrets, ccp's state and other worktrees: refused whatever the access. */
function offLimits(absolute: string, access: Access, scope: Scope, shown: string): PolicyVerdict | undefined {
  if (scope.stateDir && within(absolute, scope.stateDir) && !within(absolute, scope.worktree)
    && !(scope.worktreesDir && within(absolute, scope.worktreesDir))) {
    return deny('secrets', `${shown} is in ccp's own state directory, which agents never read or write`);
  }
  if (scope.worktreesDir && within(absolute, scope.worktreesDir) && !within(absolute, scope.worktree)
    && absolute !== scope.worktreesDir) {
    return deny('outside-worktree', `${shown} is in another session's worktree; stay in your own (${scope.worktree})`);
  }
  const secret = secretIn(absolute, scope.home, scope.worktree);
  if (secret) return deny('secrets', `${shown} ${secret}; secrets are never read or written`);
  if (access === 'recursive' || access === 'delete' || (access === 'write' && !within(absolute, scope.worktree))) {
    const below = protectedBelow(absolute, access, scope);
    if (below) {
      return access === 'recursive'
        ? deny('secrets', `${shown} holds ${below}; search your worktree or a specific directory instead`)
        : deny('destruction', `${shown} holds ${below}; only paths inside your worktree may be changed`);
    }
  }
  return undefined;
}

/** A protected place at or below `absolute`, for recursive reads and deletes of a parent directory. */
function protectedBelow(absolute: string, access: Access, scope: Scope): string | undefined {
  if (access !== 'recursive' && within(scope.worktree, absolute) && absolute !== scope.worktree) {
    return 'your worktree and more';
  }
  if (scope.stateDir && within(scope.stateDir, absolute)) return "ccp's state directory";
  if (scope.worktreesDir && within(scope.worktreesDir, absolute)) return "other sessions' worktrees";
  const secret = HOME_SECRETS.find((place) => within(`${scope.home}/${place}`, absolute));
  if (secret) return `secrets such as ~/${secret}`;
  const root = PROTECTED_ROOTS.find((place) => within(place, absolute));
  return root ? `protected files such as ${root}` : undefined;
}

const INTERNALS: Array<[RegExp, Category, string, 'deny' | 'ask']> = [
  [/(?:^|\/)\.git(?:\/|$)/, 'git-config', "is git's internal state (hooks, config, objects); use git commands", 'deny'],
  [/^\.claude(?:\/|$)/, 'agent-settings', 'is Claude Code settings, which agents never change', 'deny'],
  [/^\.mcp\.json$/, 'agent-settings', 'configures MCP servers, which agents never change', 'deny'],
  [/^\.(?:husky|githooks)(?:\/|$)/, 'git-config', 'holds git hooks, which run outside the agent', 'ask'],
];

function judgeWrite(absolute: string, access: Access, scope: Scope, shown: string): PolicyVerdict {
  const verb = describe(access);
  if (within(absolute, scope.worktree)) {
    if (absolute === scope.worktree && access === 'delete') {
      return deny('destruction', `${verb} the worktree itself; remove specific files instead`);
    }
    const relative = absolute.slice(scope.worktree.length + 1);
    const internal = INTERNALS.find(([pattern]) => pattern.test(relative));
    if (internal) {
      const [, category, why, decision] = internal;
      return (decision === 'deny' ? deny : ask)(category, `${shown} ${why}`);
    }
    return allow(`${verb} ${shown} inside the worktree`);
  }
  // Home, ccp's state and other worktrees may themselves live under /tmp (tests, throwaway machines).
  const protectedPlace = within(absolute, scope.home) || (scope.stateDir && within(absolute, scope.stateDir));
  if (!protectedPlace && /^\/(?:tmp|var\/tmp)\/./.test(absolute)) return allow(`${verb} ${shown} in the temp directory`);
  if (/^\/dev\/(?:null|zero|stdout|stderr|tty|fd\/\d+)$/.test(absolute)) return allow(`writes to ${absolute}`);
  if (absolute.startsWith('/dev/')) return deny('devices', `${verb} the device ${absolute}`);
  if (access === 'delete') {
    return deny('destruction', `${verb} ${shown}, outside your worktree (${scope.worktree}); only worktree files may be removed`);
  }
  const category = writeCategory(absolute, scope.home);
  return deny(category, `${verb} ${shown}, outside your worktree (${scope.worktree}); write only inside it`);
}

const SYSTEM = /^\/(?:usr|lib|lib32|lib64|bin|sbin|opt|etc|proc|sys|var|tmp|srv|snap|nix|run)(?:\/|$)/;
const HOME_CACHES = /^(?:\.cache|\.npm|\.cargo\/registry|\.cargo\/git|\.cargo\/bin|\.rustup|go\/pkg|\.m2\/repository|\.gradle\/caches|\.gradle\/wrapper|\.nvm|\.pyenv|\.local\/lib|\.local\/bin|\.local\/share\/pnpm|\.deno|\.bun|\.yarn|\.pnpm-store|\.volta|\.sdkman|node_modules)(?:\/|$)/;

function judgeRead(absolute: string, access: Access, scope: Scope, shown: string): PolicyVerdict {
  const verb = access === 'list' ? 'lists' : 'reads';
  if (within(absolute, scope.worktree)) return allow(`${verb} ${shown} inside the worktree`);
  if (absolute === '/' || absolute === scope.home || (access === 'list' && within(scope.home, absolute))) {
    return access === 'recursive'
      ? deny('secrets', `${shown} holds secrets; search your worktree instead`)
      : allow(`${verb} ${shown}`);
  }
  if (within(absolute, scope.home)) {
    const relative = absolute.slice(scope.home.length + 1);
    return HOME_CACHES.test(relative) ? allow(`${verb} ${shown} (tool caches)`)
      : ask('outside-worktree', `${verb} ${shown} in the home directory, outside your worktree (${scope.worktree})`);
  }
  if (SYSTEM.test(absolute)) return allow(`${verb} the system path ${shown}`);
  if (/^\/dev\/(?:null|zero|u?random|stdin|tty|fd(?:\/\d+)?|full|shm(?:\/.*)?)$/.test(absolute)) return allow(`reads ${absolute}`);
  if (absolute.startsWith('/dev/')) {
    return /^\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|mapper|disk|mem|kmem|port|input)/.test(absolute)
      ? deny('devices', `reads the raw device ${absolute}`) : ask('devices', `reads the device ${absolute}`);
  }
  return ask('outside-worktree', `${verb} ${shown}, outside your worktree (${scope.worktree})`);
}

const BIN_DIRS = /^\/(?:usr\/(?:local\/)?)?s?bin\/|^\/opt\//;

function judgeExec(absolute: string, scope: Scope, shown: string): PolicyVerdict {
  if (within(absolute, scope.worktree)) return allow(`runs ${shown} from the worktree`);
  if (BIN_DIRS.test(absolute) && !within(absolute, scope.home)) return allow(`runs ${shown}`);
  if (within(absolute, scope.home) && HOME_CACHES.test(absolute.slice(scope.home.length + 1))) {
    return allow(`runs ${shown} (installed tools)`);
  }
  return ask('outside-worktree', `runs ${shown} from outside the worktree`);
}

function describe(access: Access): string {
  switch (access) {
    case 'delete': return 'removes';
    case 'write': return 'writes';
    case 'exec': return 'runs';
    case 'list': return 'lists';
    default: return 'reads';
  }
}
