// git and gh: ordinary work on the session's own branch is allowed; history rewriting, force pushes, other
// branches, git config and hooks, and merging or opening PRs (ccp does that) are refused with what to do instead.
import { allow, ask, deny, worst, type PolicyVerdict } from './types.js';
import { checkAll, checkWord, has, judged, optionValues, parseArgs, value, type Env, type Invocation, type Judged }
  from './command-args.js';
import type { Word } from './shell-words.js';
import { checkPath, resolvePath, within } from './scopes.js';

const READ_ONLY = new Set(['status', 'diff', 'log', 'show', 'blame', 'shortlog', 'describe', 'rev-parse', 'rev-list',
  'ls-files', 'ls-tree', 'cat-file', 'grep', 'whatchanged', 'name-rev', 'merge-base', 'for-each-ref', 'show-ref',
  'show-branch', 'cherry', 'count-objects', 'fsck', 'help', 'version', 'var', 'check-ignore', 'check-attr', 'diff-tree',
  'diff-files', 'diff-index', 'range-diff', 'annotate', 'verify-commit', 'ls-remote', 'fetch', 'format-patch',
  'check-ref-format', 'get-tar-commit-id', 'hash-object', 'mktree', 'interpret-trailers', 'column', 'stripspace']);
const LOCAL_WRITES = new Set(['add', 'rm', 'mv', 'restore', 'commit', 'stash', 'revert', 'clean', 'apply', 'am', 'notes', 'merge',
  'mergetool', 'gc', 'prune', 'repack', 'pack-refs', 'update-index', 'write-tree', 'read-tree', 'checkout-index', 'init']);
const ASK_SUB: Record<string, string> = { 'cherry-pick': 'copies commits from elsewhere',
  pull: 'merges the remote into this branch', bisect: 'moves HEAD through history', submodule: 'changes submodules',
  'sparse-checkout': 'changes which files are checked out', lfs: 'runs git-lfs', clone: 'clones another repository',
  difftool: 'runs an external diff tool', archive: 'writes an archive', bundle: 'writes a bundle', tag: 'creates a tag',
  'commit-tree': 'creates commits by hand', 'symbolic-ref': 'moves HEAD by hand' };
const SAFE_CONFIG = /^(?:color\.[\w.]+|core\.quotepath|core\.pager|user\.name|user\.email|log\.[\w.]+|diff\.noprefix|advice\.[\w.]+|init\.defaultbranch|commit\.gpgsign|tag\.gpgsign|pager\.[\w.]+|column\.ui|merge\.conflictstyle|safe\.directory|gc\.auto|core\.autocrlf|i18n\.[\w.]+)$/i;

function git(inv: Invocation, env: Env): Judged[] {
  const out: PolicyVerdict[] = [];
  let cwd = inv.cwd;
  let i = 0;
  for (; i < inv.args.length; i++) {
    const text = value(inv.args[i]);
    if (text === undefined || !text.startsWith('-')) break;
    if (text === '-C') {
      const dir = value(inv.args[++i]);
      cwd = dir === undefined || cwd === null ? null : dir.startsWith('/') ? dir : `${cwd}/${dir}`;
    } else if (text === '-c') {
      out.push(configOverride(value(inv.args[++i])));
    } else if (/^--(?:git-dir|work-tree|exec-path|namespace|super-prefix)(?:=|$)/.test(text)) {
      if (!text.includes('=')) i++;
      out.push(deny('git-config', `${text.split('=')[0]} points git at another repository or programs; use the worktree's own`));
    } else if (/^--config-env/.test(text)) {
      out.push(deny('git-config', 'git --config-env sets configuration'));
    }
  }
  const sub = value(inv.args[i]);
  const args = inv.args.slice(i + 1);
  const where = { ...inv, cwd };
  // Another directory: only the worktree's repository is the agent's.
  const repo = cwd === null ? undefined : resolvePath(cwd, env.scope.worktree, env.scope);
  if (repo === undefined || !within(repo, env.scope.worktree)) {
    const dir = checkPath(cwd ?? '?', 'read', env.scope, { cwd: inv.cwd });
    const verdict = dir.decision === 'deny' ? dir
      : READ_ONLY.has(sub ?? '') && sub !== 'fetch' && repo !== undefined ? allow(`git ${sub} reads another repository`)
        : deny('outside-worktree', `runs git ${sub ?? ''} in ${cwd ?? 'a directory ccp cannot follow'}, outside your worktree`);
    return [judged(worst([...out, verdict], verdict), 'git', inv.args)];
  }
  return [judged(worst([...out, subcommand(sub, args, where, env)], allow('git')), 'git', inv.args)];
}

function configOverride(setting: string | undefined): PolicyVerdict {
  const key = setting?.split('=')[0] ?? '';
  return SAFE_CONFIG.test(key) && !/core\.pager/i.test(key)
    ? allow(`git -c ${key}`)
    : deny('git-config', `git -c ${key || '?'} changes configuration that can run programs (hooks, ssh, aliases); drop it`);
}

function subcommand(sub: string | undefined, args: Word[], inv: Invocation, env: Env): PolicyVerdict {
  if (sub === undefined) return ask('unknown', 'git subcommand only known at run time');
  const parsed = parseArgs(args, ['-m', '-F', '-C', '-c', '-o', '--output', '-b', '-B', '--message', '--file', '--source', '-s', '-X', '--strategy']);
  const output = optionValues(parsed, '-o', '--output', '--output-directory').map((w) => checkWord(w, 'write', inv, env));
  if (sub === 'push') return push(parsed, env);
  if (sub === 'config') return config(parsed);
  if (READ_ONLY.has(sub)) {
    if (sub === 'grep' && parsed.options.some((o) => /^(?:-O|--open-files-in-pager)/.test(o.name))) {
      return ask('unknown', 'git grep -O runs a pager program');
    }
    if (sub === 'fetch' && parsed.positionals.some((w) => /:\/\/|@|^\//.test(value(w) ?? '/'))) {
      return ask('exfiltration', 'git fetch from an address other than the configured remote');
    }
    if (parsed.options.some((o) => /^--(?:upload-pack|exec|receive-pack)/.test(o.name))) {
      return deny('git-config', `git ${sub} with a custom remote program`);
    }
    return worst(output, allow(`git ${sub} only reads`));
  }
  if (sub === 'reflog') {
    return ['expire', 'delete'].includes(value(parsed.positionals[0]) ?? '')
      ? deny('history-rewrite', 'git reflog expire/delete destroys history') : allow('git reflog shows history');
  }
  if (LOCAL_WRITES.has(sub)) return localWrite(sub, parsed, inv, env);
  if (sub === 'branch') return branch(parsed, env);
  if (sub === 'switch' || sub === 'checkout') return checkout(sub, parsed, inv, env);
  if (sub === 'reset') return reset(parsed, inv, env);
  if (['rebase', 'filter-branch', 'filter-repo', 'replace', 'update-ref'].includes(sub)) {
    if (sub === 'rebase' && has(parsed, '--abort', '--quit')) return allow('git rebase --abort restores the branch');
    return deny('history-rewrite', `git ${sub} rewrites history; add new commits instead (git revert, or a fixup commit)`);
  }
  if (sub === 'remote') {
    const action = value(parsed.positionals[0]);
    return action === undefined || ['show', 'get-url', '-v'].includes(action) || has(parsed, '-v', '--verbose') && !action
      ? allow('git remote lists remotes')
      : deny('git-config', `git remote ${action} changes where the branch goes; ccp pushes to origin`);
  }
  if (sub === 'worktree') {
    return value(parsed.positionals[0]) === 'list' ? allow('git worktree list')
      : deny('other-branch', 'git worktree changes checkouts other than yours');
  }
  if (['credential', 'credential-store', 'credential-cache'].includes(sub) || sub.startsWith('credential-')) {
    return deny('secrets', 'git credential reads or stores passwords and tokens');
  }
  if (['send-email', 'request-pull', 'imap-send'].includes(sub)) return deny('exfiltration', `git ${sub} sends code out by mail`);
  if (['daemon', 'instaweb', 'http-backend'].includes(sub)) return deny('listening', `git ${sub} serves the repository over the network`);
  if (sub === 'maintenance') return deny('scheduling', 'git maintenance schedules background jobs');
  if (sub === 'hook') return deny('git-config', 'git hook runs hooks by hand');
  if (ASK_SUB[sub]) {
    if (sub === 'pull' && has(parsed, '--rebase', '-r')) return deny('history-rewrite', 'git pull --rebase rewrites history');
    if (sub === 'tag' && (parsed.positionals.length === 0 || has(parsed, '-l', '--list'))) return allow('git tag lists tags');
    if (sub === 'tag' && has(parsed, '-d', '--delete', '-f', '--force')) return deny('history-rewrite', 'git tag -d/-f moves published tags');
    return ask(sub === 'clone' ? 'outside-worktree' : 'unknown', `git ${sub} ${ASK_SUB[sub]}`);
  }
  return ask('unknown', `ccp does not know "git ${sub}" (an alias?); use the plain git command`);
}

function localWrite(sub: string, parsed: ReturnType<typeof parseArgs>, inv: Invocation, env: Env): PolicyVerdict {
  if (sub === 'commit' && has(parsed, '--amend')) return ask('history-rewrite', 'git commit --amend rewrites the last commit; make a new commit instead');
  if (sub === 'init') return worst(checkAll(parsed.positionals, 'write', inv, env), ask('unknown', 'git init creates another repository'));
  if (sub === 'apply' && has(parsed, '--directory', '--unsafe-paths')) return ask('outside-worktree', 'git apply into another directory');
  if (sub === 'notes' || sub === 'mergetool' || sub === 'update-index' || sub === 'read-tree') {
    return ask('unknown', `git ${sub} changes repository internals`);
  }
  const paths = ['stash', 'commit', 'revert', 'gc', 'prune', 'merge'].includes(sub) ? [] : parsed.positionals;
  const files = [...optionValues(parsed, '-F', '--file'), ...optionValues(parsed, '--template')]
    .map((word) => checkWord(word, 'read', inv, env));
  // git keeps pathspecs inside the repository itself: ones only known at run time are fine.
  const known = paths.filter((word) => word.values);
  return worst([...files, ...checkAll(known, sub === 'apply' || sub === 'am' ? 'read' : 'write', inv, env)],
    allow(`git ${sub} on the worktree`));
}

const isOwn = (ref: string, env: Env): boolean => {
  const own = env.scope.branch;
  return own !== undefined && [own, `refs/heads/${own}`, `origin/${own}`, `refs/remotes/origin/${own}`].includes(ref);
};

function push(parsed: ReturnType<typeof parseArgs>, env: Env): PolicyVerdict {
  const force = parsed.options.find((o) => /^(?:-f|--force|--force-with-lease|--force-if-includes)$/.test(o.name));
  if (force) return deny('history-rewrite', `git push ${force.name} rewrites the remote branch's history; push without force (add commits instead)`);
  const bad = parsed.options.find((o) => /^(?:-d|--delete|--mirror|--all|--branches|--prune|--tags|--follow-tags|--receive-pack|--exec|--repo)$/.test(o.name));
  if (bad) {
    const category = /receive-pack|exec|repo/.test(bad.name) ? 'git-config' : 'other-branch';
    return deny(category, `git push ${bad.name} touches more than your own branch; push only ${env.scope.branch ?? 'your branch'}`);
  }
  const [remote, ...refspecs] = parsed.positionals.map((w) => value(w));
  if (remote === undefined && parsed.positionals.length > 0) return ask('unknown', 'git push to a remote only known at run time');
  if (remote !== undefined && remote !== 'origin') {
    return deny('exfiltration', `git push to ${remote}: the only remote is origin`);
  }
  for (const spec of refspecs) {
    if (spec === undefined) return ask('unknown', 'git push of a ref only known at run time');
    if (spec.startsWith('+')) return deny('history-rewrite', `git push ${spec} forces the update; push without "+"`);
    const [src, dst = src] = spec.split(':');
    if (src === '') return deny('other-branch', `git push ${spec} deletes a remote branch`);
    const target = dst === 'HEAD' ? env.scope.branch : dst;
    if (!env.scope.branch) return ask('other-branch', `git push ${spec}: ccp does not know this session's branch`);
    if (!target || !isOwn(target, env) || !(src === 'HEAD' || src === '@' || isOwn(src, env))) {
      return deny('other-branch', `git push ${spec} updates a branch other than yours (${env.scope.branch}); push only ${env.scope.branch}`);
    }
  }
  return allow(`pushes ${env.scope.branch ?? 'the current branch'} without force`);
}

function config(parsed: ReturnType<typeof parseArgs>): PolicyVerdict {
  const reading = has(parsed, '--get', '--get-all', '--get-regexp', '-l', '--list', '--show-origin', '--get-urlmatch')
    || ['get', 'list'].includes(value(parsed.positionals[0]) ?? '')
    || (parsed.positionals.length === 1 && parsed.options.length === 0);
  if (reading) return allow('git config only reads');
  return deny('git-config', 'git config changes configuration that can run programs (hooks, aliases, ssh); leave it alone');
}

function branch(parsed: ReturnType<typeof parseArgs>, env: Env): PolicyVerdict {
  if (has(parsed, '-d', '-D', '--delete')) return deny('other-branch', 'git branch -d deletes a branch; leave other branches alone');
  if (has(parsed, '-m', '-M', '--move', '-c', '-C', '--copy', '-f', '--force')) {
    return deny('other-branch', 'git branch -m/-c/-f renames or moves branches; stay on your branch');
  }
  if (has(parsed, '-u', '--set-upstream-to', '--unset-upstream', '--edit-description')) return ask('other-branch', 'changes branch settings');
  const listing = has(parsed, '-a', '-r', '-l', '--list', '-v', '-vv', '--show-current', '--contains', '--merged',
    '--no-merged', '--all', '--remotes', '--format', '--sort', '--points-at');
  if (parsed.positionals.length === 0 || listing) return allow('git branch lists branches');
  return value(parsed.positionals[0]) === env.scope.branch ? allow('git branch names your branch')
    : ask('other-branch', 'git branch creates another branch; ccp pushes only your own branch');
}

function checkout(sub: string, parsed: ReturnType<typeof parseArgs>, inv: Invocation, env: Env): PolicyVerdict {
  if (has(parsed, '-b', '-B', '-c', '-C', '--orphan', '--create', '--force-create', '--detach')) {
    return deny('other-branch', `git ${sub} to a new branch or detached HEAD; stay on ${env.scope.branch ?? 'your branch'} (ccp pushes only it)`);
  }
  const dashdash = parsed.positionals.length < inv.args.length && inv.args.some((w) => value(w) === '--');
  const [first, ...rest] = parsed.positionals;
  const firstText = value(first);
  if (firstText === undefined) return first ? ask('other-branch', `git ${sub} of a target only known at run time`) : allow(`git ${sub}`);
  const restoresFiles = sub === 'checkout' && (dashdash || rest.length > 0 || /^\.{1,2}(?:\/|$)|\.\w+$|^\//.test(firstText));
  if (restoresFiles) {
    const paths = dashdash && rest.length === 0 && parsed.positionals.length === 1 ? parsed.positionals : (dashdash ? rest : parsed.positionals);
    return worst(checkAll(paths.filter((w) => !isRef(value(w))), 'write', inv, env), allow('git checkout restores files'));
  }
  if (isOwn(firstText, env)) return allow(`git ${sub} ${firstText}: your own branch`);
  if (!env.scope.branch) return ask('other-branch', `git ${sub} ${firstText}: ccp does not know this session's branch`);
  return deny('other-branch', `git ${sub} ${firstText} leaves your branch ${env.scope.branch}; stay on it (ccp pushes only it)`);
}

const isRef = (text: string | undefined): boolean => text !== undefined && /^(?:HEAD[~^]?\d*|[0-9a-f]{7,40}|origin\/.+)$/.test(text);

function reset(parsed: ReturnType<typeof parseArgs>, inv: Invocation, env: Env): PolicyVerdict {
  const target = parsed.positionals[0] ? value(parsed.positionals[0]) : undefined;
  const toHead = target === undefined || target === 'HEAD' || target === '@' || (target !== undefined && isOwn(target, env));
  if (has(parsed, '--hard', '--keep', '--merge')) {
    return toHead && parsed.positionals.length <= 1 ? allow('git reset --hard HEAD discards uncommitted changes in the worktree')
      : deny('history-rewrite', `git reset --hard ${target} moves the branch and drops commits; use git revert`);
  }
  if (has(parsed, '--soft') || (target !== undefined && isRef(target) && !toHead)) {
    return ask('history-rewrite', `git reset to ${target ?? 'HEAD'} moves the branch back`);
  }
  return worst(checkAll(parsed.positionals.filter((w) => !isRef(value(w)) && value(w) !== 'HEAD'), 'write', inv, env),
    allow('git reset unstages changes'));
}

function gh(inv: Invocation): Judged[] {
  const [group, action] = inv.args.map((w) => value(w));
  const verdict = ghVerdict(group, action, inv.args);
  return [judged(verdict, 'gh', inv.args)];
}

const GH_READ = /^(?:view|list|status|diff|checks|ls|search|watch|download|browse)$/;

function ghVerdict(group: string | undefined, action: string | undefined, args: Word[]): PolicyVerdict {
  if (group === 'pr' && (action === 'create' || action === 'new')) return deny('merge', 'ccp opens the pull request itself; just commit your work');
  if (group === 'pr' && action === 'merge') return deny('merge', 'ccp merges pull requests itself, after review');
  if (group === 'api') {
    const text = args.map((w) => value(w) ?? w.raw).join(' ');
    const method = /(?:-X|--method)[= ]?(\w+)/i.exec(text)?.[1]?.toUpperCase();
    const fields = args.some((w) => /^(?:-f|-F|--field|--raw-field|--input)$/.test(value(w) ?? ''));
    if (/graphql/.test(text) && /mutation/i.test(text)) return deny('merge', 'a GraphQL mutation changes GitHub state; ccp does that');
    if (/\/merge\b|\/merges\b/.test(text) && (method !== 'GET' || fields)) return deny('merge', 'merging through the GitHub API is ccp\'s job');
    if (method && method !== 'GET') return deny('merge', `gh api ${method} changes GitHub state; ccp does that`);
    if (fields) return ask('exfiltration', 'gh api with fields sends data to GitHub');
    if (/graphql/.test(text) && /mutation/i.test(text)) return deny('merge', 'a GraphQL mutation changes GitHub state');
    return allow('gh api reads from GitHub');
  }
  if (group === 'auth') {
    return action === 'status' && !args.some((w) => value(w) === '--show-token' || value(w) === '-t')
      ? allow('gh auth status') : deny('secrets', `gh auth ${action ?? ''} reads or changes GitHub credentials`);
  }
  if (['secret', 'ssh-key', 'gpg-key', 'variable'].includes(group ?? '')) return deny('secrets', `gh ${group} manages credentials`);
  if (group === 'repo' && ['delete', 'archive', 'rename', 'edit', 'create', 'fork', 'sync'].includes(action ?? '')) {
    return deny('other-branch', `gh repo ${action} changes repositories`);
  }
  if (group === 'gist' && ['create', 'new', 'edit'].includes(action ?? '')) return deny('exfiltration', 'gh gist create publishes files');
  if (group === 'release' && !GH_READ.test(action ?? '')) return deny('merge', `gh release ${action ?? ''} publishes releases; ccp does not`);
  if (['extension', 'alias', 'config', 'codespace', 'workflow', 'cache', 'ruleset', 'label'].includes(group ?? '') && !GH_READ.test(action ?? '')) {
    return ask('unknown', `gh ${group} ${action ?? ''} changes GitHub or gh settings`);
  }
  if (group === 'pr' && action === 'review') return deny('merge', 'reviewing or approving pull requests is for people');
  if ((group === 'pr' || group === 'issue') && ['close', 'reopen', 'ready', 'edit', 'lock', 'delete', 'transfer'].includes(action ?? '')) {
    return deny('merge', `gh ${group} ${action} changes GitHub state that ccp manages`);
  }
  if (group === 'pr' && action === 'checkout') return deny('other-branch', 'gh pr checkout switches to another branch');
  if (GH_READ.test(action ?? '') || group === 'status' || group === '--version' || group === 'version') return allow(`gh ${group} reads`);
  return ask('unknown', `gh ${group ?? ''} ${action ?? ''} may change GitHub state; ccp handles issues and PRs itself`);
}

export const GIT_JUDGES = { git, gh };
