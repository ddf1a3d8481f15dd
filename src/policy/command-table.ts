// Every command ccp knows, by name, with its judge. Read-only tools and file tools are judged by their path
// arguments; dangerous classes (disks, processes, containers, schedulers) are refused with a reason.
import { allow, ask, deny, worst, type Category, type PolicyVerdict } from './types.js';
import { checkAll, checkPathLike, checkWord, has, judged, optionValues, parseArgs, value, type Env, type Invocation,
  type Judged } from './command-args.js';
import { checkPath, type Access } from './scopes.js';
import { GIT_JUDGES } from './command-git.js';
import { NET_JUDGES } from './command-net.js';
import { DEV_JUDGES } from './command-dev.js';
import { CODE_JUDGES, commandsInCode, interpreterByPrefix } from './command-code.js';

export type Judge = (inv: Invocation, env: Env) => Judged[];

const one = (inv: Invocation, verdicts: PolicyVerdict[], fallback: string): Judged[] =>
  [judged(worst(verdicts, allow(fallback)), inv.name, inv.args)];

/** A tool whose positionals are files it reads (after `skip` leading ones, such as grep's pattern). */
function reader(values: string[] = [], options: { skip?: number; writes?: string[]; access?: Access } = {}): Judge {
  return (inv, env) => {
    const parsed = parseArgs(inv.args, [...values, ...(options.writes ?? [])]);
    const skip = options.skip ?? 0;
    const skipped = parsed.options.some((o) => ['-e', '-f', '--regexp', '--file'].includes(o.name)) ? 0 : skip;
    const files = parsed.positionals.slice(skipped);
    const writes = optionValues(parsed, ...(options.writes ?? [])).map((word) => checkWord(word, 'write', inv, env));
    const reads = optionValues(parsed, '-f', '--file').map((word) => checkWord(word, 'read', inv, env));
    return one(inv, [...writes, ...reads, ...checkAll(files, options.access ?? 'read', inv, env)], `${inv.name} only reads`);
  };
}

/** A tool that changes the files it is given: each must be inside the worktree. */
function writer(access: Access, values: string[] = []): Judge {
  return (inv, env) => one(inv, checkAll(parseArgs(inv.args, values).positionals, access, inv, env),
    `${inv.name} inside the worktree`);
}

const refuse = (category: Category, reason: string): Judge => (inv) => [judged(deny(category, reason), inv.name, inv.args)];
const harmless = (why: string): Judge => (inv) => [judged(allow(why), inv.name, inv.args)];
const asking = (category: Category, reason: string): Judge => (inv) => [judged(ask(category, reason), inv.name, inv.args)];

/** Recursive searchers read everything below a directory. */
const searcher = (values: string[], recursiveByDefault: boolean): Judge => (inv, env) => {
  const parsed = parseArgs(inv.args, values);
  const recursive = recursiveByDefault || has(parsed, '-r', '-R', '--recursive', '--dereference-recursive');
  const patternGiven = has(parsed, '-e', '-f', '--regexp', '--file');
  const files = parsed.positionals.slice(patternGiven || parsed.positionals.length === 0 ? 0 : 1);
  const targets = recursive && files.length === 0 ? [] : files;
  return one(inv, [...checkAll(targets, recursive ? 'recursive' : 'read', inv, env),
    ...optionValues(parsed, '-f', '--file').map((word) => checkWord(word, 'read', inv, env))], `${inv.name} searches`);
};

function copier(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-t', '--target-directory', '-S', '--suffix']);
  const target = optionValues(parsed, '-t', '--target-directory');
  const sources = target.length ? parsed.positionals : parsed.positionals.slice(0, -1);
  const dest = target.length ? target : parsed.positionals.slice(-1);
  const recursive = has(parsed, '-r', '-R', '-a', '--recursive', '--archive');
  return one(inv, [...checkAll(sources, inv.name === 'mv' ? 'delete' : recursive ? 'recursive' : 'read', inv, env),
    ...checkAll(dest, 'write', inv, env)], `${inv.name} inside the worktree`);
}

function linker(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-t', '--target-directory', '-S']);
  const [target, ...rest] = parsed.positionals;
  const verdicts = rest.length ? checkAll(rest, 'write', inv, env) : [allow('links into the current directory')];
  // A symlink out of the worktree would let later writes through it escape.
  if (target) {
    const pointsAt = checkWord(target, 'write', inv, env);
    verdicts.push(pointsAt.decision === 'allow' ? pointsAt
      : ask('outside-worktree', `links to ${target.raw}, outside the worktree; later writes through the link would land there`));
    verdicts.push(checkWord(target, 'read', inv, env));
  }
  return one(inv, verdicts, 'links inside the worktree');
}

function find(inv: Invocation, env: Env): Judged[] {
  const roots: typeof inv.args = [];
  let i = 0;
  for (; i < inv.args.length && !/^[-!(]/.test(value(inv.args[i]) ?? '-'); i++) roots.push(inv.args[i]);
  const out: Judged[] = [];
  const verdicts: PolicyVerdict[] = checkAll(roots, 'list', inv, env);
  const rootText = value(roots[0]) ?? '.';
  for (; i < inv.args.length; i++) {
    const op = value(inv.args[i]) ?? '';
    if (op === '-delete') {
      const filtered = inv.args.some((w) => /^-(?:i?name|i?path|i?regex|newer\w*|mtime|mmin|empty|size)$/.test(value(w) ?? ''));
      for (const root of roots.length ? roots.map((w) => value(w) ?? '?') : ['.']) {
        // Unfiltered, it deletes dotfiles too: .git among them.
        verdicts.push(checkPath(`${root.replace(/\/$/, '')}/${filtered ? '*' : '.*'}`, 'delete', env.scope, { cwd: inv.cwd, glob: true }));
      }
    }
    if (/^-f(?:print0?|printf|ls)$/.test(op) && inv.args[i + 1]) verdicts.push(checkWord(inv.args[i + 1], 'write', inv, env));
    if (/^-(?:exec|execdir|ok|okdir)$/.test(op)) {
      const end = inv.args.findIndex((word, k) => k > i && /^(?:;|\+)$/.test(value(word) ?? ''));
      const sub = inv.args.slice(i + 1, end < 0 ? undefined : end)
        .map((word) => (value(word)?.includes('{}')
          ? { ...word, values: [value(word)?.replace(/\{\}/g, `${rootText.replace(/\/$/, '')}/*`) ?? ''], glob: true } : word));
      if (sub.length) out.push(...env.judgeWords(sub, inv, env));
      i = end < 0 ? inv.args.length : end;
    }
  }
  return [...one(inv, verdicts, 'find lists files'), ...out];
}

function sed(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-e', '-f', '--expression', '--file', '-l', '--line-length']);
  const scripts = optionValues(parsed, '-e', '--expression');
  const files = scripts.length || has(parsed, '-f', '--file') ? parsed.positionals : parsed.positionals.slice(1);
  const script = (scripts.length ? scripts : parsed.positionals.slice(0, 1)).map((w) => value(w) ?? '').join('\n');
  const inPlace = parsed.options.some((o) => /^-i|^--in-place/.test(o.name) || o.name === '-i');
  const verdicts = checkAll(files, inPlace ? 'write' : 'read', inv, env);
  // GNU sed's `e` runs commands and `w`/`W` write files: left to a person.
  if (/(?:^|[;{}\n])\s*(?:\d+|\$|\/[^/]*\/)?\s*[ewW](?:\s|$)|\/[gpIi0-9]*[ew][gpIi0-9]*(?:\s*[;}]|$)/.test(script)) {
    verdicts.push(ask('unknown', 'the sed script runs commands or writes files (e, w)'));
  }
  return one(inv, verdicts, 'sed edits text');
}

function awk(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-F', '-v', '-f', '--field-separator', '--assign', '--file']);
  const fromFile = has(parsed, '-f', '--file');
  const program = fromFile ? '' : (value(parsed.positionals[0]) ?? '');
  const files = parsed.positionals.slice(fromFile ? 0 : 1).filter((w) => !/^\w+=/.test(value(w) ?? ''));
  const verdicts = checkAll(files, 'read', inv, env);
  if (/\bsystem\s*\(|\|\s*getline/.test(program)) verdicts.push(...commandsInCode(program, inv, env));
  if (/\bsystem\s*\(|\|\s*getline|\bprint[f]?\b[^;]*[>|]|close\s*\(/.test(program) || parsed.positionals[0]?.dynamic) {
    verdicts.push(ask('unknown', 'the awk program runs commands or writes files'));
  }
  return one(inv, verdicts, 'awk reads text');
}

function rm(inv: Invocation, env: Env): Judged[] {
  return one(inv, checkAll(parseArgs(inv.args).positionals, 'delete', inv, env), 'removes files inside the worktree');
}

function kill(inv: Invocation): Judged[] {
  // The first option is the signal (-9, -KILL, -s KILL); what follows, negative numbers included, are targets.
  const rest = [...inv.args];
  const first = value(rest[0]);
  if (first === '-s' || first === '-n') rest.splice(0, 2);
  else if (first !== undefined && /^-(?:\d+|[A-Z]+|SIG\w+)$/.test(first)) rest.splice(0, 1);
  if (value(rest[0]) === '--') rest.splice(0, 1);
  const targets = rest.map((w) => value(w));
  const verdicts = targets.map((pid): PolicyVerdict => {
    if (pid === undefined) {
      if (inv.args.some((w) => /pgrep|pidof|pkill|lsof|fuser|ps\s/.test(w.raw))) {
        return deny('processes', 'kills processes found by name or port, which may not be the agent\'s own; stop your own jobs with kill %N or kill $!');
      }
      return inv.args.some((w) => w.raw === '$!') ? allow('stops its own background job')
        : ask('processes', 'kills a process chosen at run time; stop the processes you started by their job or $!');
    }
    if (/^%/.test(pid)) return allow('stops one of its own jobs');
    if (/^-?[01]$/.test(pid) || pid.startsWith('-')) return deny('processes', `kill ${pid} signals every process or a whole group`);
    return ask('processes', `kills process ${pid}, which may not be the agent's own`);
  });
  if (inv.args.some((w) => ['-l', '-L', '--list'].includes(value(w) ?? ''))) return one(inv, [], 'lists signals');
  return one(inv, verdicts, 'kill');
}

function dd(inv: Invocation, env: Env): Judged[] {
  const verdicts = inv.args.map((word) => {
    const [key, path] = (value(word) ?? '').split(/=(.*)/s);
    if (key === 'of') return checkPath(path, 'write', env.scope, { cwd: inv.cwd });
    if (key === 'if' && path.startsWith('/dev/') && !/^\/dev\/(?:zero|u?random|null)$/.test(path)) {
      return deny('devices', `reads the raw device ${path}`);
    }
    return key === 'if' ? checkPath(path, 'read', env.scope, { cwd: inv.cwd }) : allow('dd operand');
  });
  return one(inv, verdicts, 'dd inside the worktree');
}

function archive(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-f', '-C', '--file', '--directory', '-T', '-X', '-d']);
  const bad = parsed.options.find((o) => /^--(?:to-command|checkpoint-action|use-compress-program|rsh-command|info-script|new-volume-script)/.test(o.name) || o.name === '-I');
  const verdicts: PolicyVerdict[] = bad ? [ask('unknown', `${inv.name} ${bad.name} runs a program`)] : [];
  const extracting = inv.name === 'unzip' || has(parsed, '-x', '--extract', '--get') || /^[a-z]*x/.test(value(inv.args[0]) ?? '');
  const dirs = optionValues(parsed, '-C', '--directory', '-d');
  if (extracting) verdicts.push(...checkAll(dirs.length ? dirs : [], 'write', inv, env));
  const files = optionValues(parsed, '-f', '--file');
  verdicts.push(...checkAll(files, extracting ? 'read' : 'write', inv, env));
  const members = inv.name === 'tar' && !/^-/.test(value(inv.args[0]) ?? '-') ? parsed.positionals.slice(1) : parsed.positionals;
  verdicts.push(...checkAll(members, extracting ? 'read' : 'recursive', inv, env));
  return one(inv, verdicts, `${inv.name} inside the worktree`);
}

function judgeScript(inv: Invocation, env: Env): Judged[] {
  // A copied shell (`cp /bin/sh ./x && ./x -c …`) takes commands as arguments: those are judged too.
  const inner = inv.args.map((w) => value(w) ?? '').filter((text) => /\s/.test(text) && env.depth < 6)
    .flatMap((text) => env.judgeShell(text, inv.cwd, { ...env, depth: env.depth + 1 }).map((j) => j.verdict))
    .filter((verdict) => verdict.decision === 'deny');
  return one(inv, [...inner, ...checkPathLike(inv.args, inv, env)], 'runs a program from the worktree');
}

const TEXT_TOOLS: Record<string, Judge> = {
  cat: reader(), tac: reader(), nl: reader(['-b', '-s', '-w', '-v', '-i']), head: reader(['-n', '-c']),
  tail: reader(['-n', '-c', '-s', '--pid']), less: reader(), more: reader(), wc: reader(), rev: reader(),
  od: reader(['-A', '-t', '-N', '-j', '-w']), hexdump: reader(['-n', '-s', '-e']), xxd: reader(['-l', '-s', '-c', '-g']),
  strings: reader(['-n']), file: reader(['-m', '-f']), stat: reader(['-c', '--format', '--printf']),
  du: reader(['-d', '--max-depth', '-B']), df: reader(), ls: reader(['-I', '--ignore', '-w', '--hide'], { access: 'list' }),
  tree: reader(['-L', '-I', '-P', '--filelimit'], { writes: ['-o'], access: 'list' }), realpath: reader(), readlink: reader(),
  basename: harmless('prints a name'), dirname: harmless('prints a name'), cut: reader(['-d', '-f', '-c', '-b']),
  paste: reader(['-d']), column: reader(['-s', '-c', '-o']), fold: reader(['-w']), fmt: reader(['-w']), expand: reader(['-t']),
  unexpand: reader(['-t']), comm: reader(), join: reader(['-t', '-1', '-2', '-j', '-e']), diff: reader(['-U', '-C', '-L', '--label', '-x', '-X', '-I']),
  cmp: reader(['-n', '-i']), sdiff: reader([], { writes: ['-o'] }), colordiff: reader(['-U']), md5sum: reader(),
  sha1sum: reader(), sha256sum: reader(), sha512sum: reader(), b2sum: reader(), cksum: reader(), sum: reader(),
  sort: reader(['-k', '-t', '-S', '-T', '--key', '--field-separator'], { writes: ['-o', '--output'] }),
  uniq: reader(['-f', '-s', '-w']), tr: harmless('translates characters'), base64: reader(['-w']), base32: reader(['-w']),
  iconv: reader(['-f', '-t'], { writes: ['-o', '--output'] }), shuf: reader(['-n', '-i'], { writes: ['-o'] }),
  jq: reader(['--arg', '--argjson', '--slurpfile', '--rawfile', '--indent', '-L'], { skip: 1 }),
  yq: reader(['--arg'], { skip: 1 }), grep: searcher(['-e', '-f', '-m', '-A', '-B', '-C', '--include', '--exclude', '--exclude-dir', '--color', '--regexp', '--file', '--max-count'], false),
  egrep: searcher(['-e', '-f', '-m', '-A', '-B', '-C', '--include', '--exclude'], false), fgrep: searcher(['-e', '-f', '-m', '-A', '-B', '-C'], false),
  rg: searcher(['-e', '-f', '-g', '-t', '-T', '-m', '-A', '-B', '-C', '--glob', '--type', '--max-count', '-M', '-j', '--regexp', '--file'], true),
  ag: searcher(['-G', '-A', '-B', '-C', '--ignore', '-m'], true), ack: searcher(['--type', '-A', '-B', '-C'], true),
  find, fd: reader(['-e', '-t', '-E', '-d', '--type', '--extension', '--exclude', '--max-depth'], { skip: 1, access: 'list' }),
  sed, awk, gawk: awk, mawk: awk, nawk: awk, tee: writer('write', []), touch: writer('write', ['-d', '-t', '-r']),
  mkdir: writer('write', ['-m']), rmdir: writer('delete'), rm, unlink: writer('delete'), shred: writer('delete', ['-n', '-s']),
  truncate: writer('write', ['-s', '-r']), chmod: writer('write'), chown: writer('write'), chgrp: writer('write'),
  cp: copier, mv: copier, install: copier, ln: linker, dd, tar: archive, zip: archive, unzip: archive, gzip: writer('write'),
  gunzip: writer('write'), bzip2: writer('write'), xz: writer('write'), zstd: writer('write', ['-o']), patch: reader(['-p', '-i'], { writes: ['-o', '-d', '--directory'] }),
  split: writer('write', ['-l', '-b', '-n', '-a']), mktemp: reader(['-p', '--tmpdir', '--suffix'], { access: 'list' }), dos2unix: writer('write'),
  bat: reader(['-l', '-r', '--line-range', '--language']), batcat: reader(['-l', '-r']), eza: reader([], { access: 'list' }),
  exa: reader([], { access: 'list' }), zcat: reader(), bzcat: reader(), xzcat: reader(), zless: reader(),
  'ccp:worktree-program': judgeScript,
};

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL/i;

const NO_FILES = ['echo', 'printf', 'true', 'false', ':', 'test', '[', '[[', 'expr', 'seq', 'sleep', 'whoami', 'id', 'groups',
  'uname', 'uptime', 'nproc', 'free', 'pwd', 'cd', 'pushd', 'popd', 'dirs', 'type', 'which', 'whereis', 'hash', 'unset',
  'shopt', 'local', 'readonly', 'return', 'exit', 'shift', 'read', 'wait', 'jobs', 'getopts', 'let', 'ulimit', 'umask',
  'unalias', 'break', 'continue', 'clear', 'tput', 'yes', 'tty', 'locale', 'lsb_release', 'arch', 'ps', 'pgrep', 'lsof',
  'ss', 'netstat', 'cal', 'bc', 'dc', 'factor', 'numfmt', 'lscpu', 'lsblk', 'nvidia-smi', 'w', 'who', 'users', 'fg', 'bg',
  'disown', 'times', 'history', 'logname', 'getconf', 'sync', 'top', 'htop', 'vmstat', 'iostat', 'mpstat', 'printenv',
  'compgen', 'complete', 'enable', 'help', 'caller', 'declare', 'typeset', 'export', 'set', 'date', 'hostname', 'dmesg',
  'journalctl', 'man', 'info', 'apropos', 'cowsay', 'figlet', 'ldd', 'nm', 'objdump', 'readelf', 'size', 'tsort', 'envsubst'];

function noFiles(inv: Invocation, env: Env): Judged[] {
  const { name, args } = inv;
  const dump = args.length === 0 || args.every((w) => /^-[pxa]+$/.test(value(w) ?? ''));
  if (['printenv', 'export', 'set', 'declare', 'typeset'].includes(name) && dump && !(name === 'set' && args.length)) {
    return [judged(ask('secrets', `${name} prints the whole environment, which may hold tokens; print the one variable you need`), name, args)];
  }
  if (name === 'date' && args.some((w) => /^(?:-s|--set)/.test(value(w) ?? ''))) return [judged(deny('privilege', 'sets the system clock'), name, args)];
  if (name === 'hostname' && args.some((w) => !/^-/.test(value(w) ?? '-'))) return [judged(deny('privilege', 'renames the machine'), name, args)];
  if (name === 'printenv' && args.some((w) => SECRET_NAME.test(value(w) ?? ''))) {
    return [judged(deny('secrets', 'prints a secret from the environment; tokens stay out of the transcript'), name, args)];
  }
  if (name === 'history' && args.length) return [judged(ask('unknown', 'history with arguments changes or reads shell history'), name, args)];
  return one(inv, checkPathLike(name === 'echo' || name === 'printf' ? [] : args, inv, env), `${name} is harmless`);
}

const SYSTEM_REFUSALS: Array<[string[], Category, string]> = [
  [['mkfs', 'mke2fs', 'mkswap', 'swapon', 'swapoff', 'fdisk', 'sfdisk', 'cfdisk', 'gdisk', 'sgdisk', 'parted', 'wipefs', 'mount', 'umount',
    'losetup', 'cryptsetup', 'hdparm', 'blkdiscard', 'badblocks', 'e2fsck', 'fsck', 'tune2fs', 'resize2fs', 'debugfs', 'mdadm', 'lvm',
    'pvcreate', 'vgcreate', 'lvcreate', 'lvremove', 'dmsetup', 'partprobe', 'mkdosfs', 'zpool', 'zfs', 'btrfs', 'mknod'], 'devices',
  'works on disks, partitions or devices'],
  [['pkill', 'killall', 'killall5', 'skill', 'xkill', 'fuser'], 'processes', 'kills processes by name, which may not be the agent\'s own; stop your own jobs with kill %N or kill $!'],
  [['shutdown', 'reboot', 'halt', 'poweroff', 'init', 'telinit', 'systemctl', 'service', 'rc-service', 'chkconfig', 'update-rc.d',
    'crontab', 'at', 'atq', 'atrm', 'batch', 'anacron', 'systemd-run', 'launchctl', 'loginctl'], 'scheduling',
  'changes system services or schedules commands to run later'],
  [['docker', 'docker-compose', 'podman', 'podman-compose', 'kubectl', 'nerdctl', 'crictl', 'ctr', 'helm', 'minikube', 'kind', 'k3s',
    'k3d', 'buildah', 'skopeo', 'lxc', 'lxd', 'virsh', 'vagrant', 'qemu-system-x86_64', 'firecracker', 'runc', 'oc', 'eksctl'], 'containers',
  'runs containers or talks to a cluster, outside the agent\'s sandbox'],
  [['passwd', 'chpasswd', 'useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'groupmod', 'adduser', 'deluser', 'visudo',
    'vipw', 'chsh', 'chfn', 'modprobe', 'insmod', 'rmmod', 'sysctl', 'iptables', 'ip6tables', 'nft', 'ufw', 'firewall-cmd',
    'setenforce', 'chattr', 'apt', 'apt-get', 'dpkg', 'yum', 'dnf', 'apk', 'pacman', 'zypper', 'snap', 'brew', 'ifconfig', 'route'],
  'privilege', 'changes the system (users, kernel, network or system packages), which needs privileges the agent does not use'],
];

function refusals(): Record<string, Judge> {
  const out: Record<string, Judge> = {};
  for (const [names, category, reason] of SYSTEM_REFUSALS) {
    for (const name of names) out[name] = refuse(category, `${name} ${reason}`);
  }
  out.tmux = (inv) => [judged(/^(?:ls|list-\w+|display-message|show-\w+|has-session|-V)$/.test(value(inv.args[0]) ?? '')
    ? allow('tmux shows sessions') : deny('processes', "tmux commands reach other panes (ccp's agents); leave tmux alone"), inv.name, inv.args)];
  out.pueue = refuse('processes', "pueue is ccp's own task queue; leave it alone");
  out.pueued = out.pueue;
  out.temporal = refuse('processes', "temporal drives ccp's own workflows; leave it alone");
  out.ccp = refuse('agent-settings', 'ccp itself is run by a person, not by its agents');
  out.claude = refuse('agent-settings', 'starting another Claude Code session escapes this policy');
  out.gpg = (inv) => [judged(inv.args.some((w) => /export-secret|--export|-K|--list-secret/.test(value(w) ?? ''))
    ? deny('secrets', 'gpg exports private keys') : ask('secrets', 'gpg works with the keyring in ~/.gnupg'), inv.name, inv.args)];
  out.gpg2 = out.gpg;
  out.ip = (inv) => [judged(['addr', 'a', 'route', 'r', 'link', 'l', 'neigh', '-br', '-4', '-6', '-j'].includes(value(inv.args[0]) ?? '')
    && !inv.args.some((w) => ['add', 'del', 'delete', 'set', 'flush', 'change', 'replace'].includes(value(w) ?? ''))
    ? allow('shows network settings') : deny('privilege', 'ip changes network settings'), inv.name, inv.args)];
  return out;
}

const mkfsLike = /^(?:mkfs|fsck|mkswap|mke2fs)\./;

export const JUDGES: Record<string, Judge> = Object.assign(Object.create(null) as Record<string, Judge>,
  refusals(), TEXT_TOOLS, Object.fromEntries(NO_FILES.map((name) => [name, noFiles])), { kill }, GIT_JUDGES,
  NET_JUDGES, DEV_JUDGES, CODE_JUDGES,
  { chmod: writer('write'), alias: asking('unknown', 'aliases change what later commands mean') });

/** `mkfs.ext4` and friends by prefix. */
export function judgeByPrefix(name: string): Judge | undefined {
  return mkfsLike.test(name) ? refuse('devices', `${name} formats or checks a disk`) : interpreterByPrefix(name);
}
