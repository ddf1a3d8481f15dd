// One simple command judged: environment assignments, the command name (absolute paths, look-alikes, computed
// names), wrappers stripped (env, command, exec, nohup, timeout, nice, xargs, sudo …), then the command's own judge.
// An unknown command is asked about, never allowed.
import type { ShellCommand } from './shell-parse.js';
import type { Word } from './shell-words.js';
import { skeleton } from './secrets.js';
import { checkPath, resolvePath, within } from './scopes.js';
import { allow, ask, deny, type PolicyVerdict } from './types.js';
import { commandText, judged, literalWord, parseArgs, unknownWord, value, type Env, type Invocation, type Judged }
  from './command-args.js';
import { JUDGES, judgeByPrefix } from './command-table.js';

const SYSTEM_BIN = /^\/(?:usr\/(?:local\/)?)?s?bin\/[^/]+$/;
const PRIVILEGE = new Set(['sudo', 'doas', 'su', 'pkexec', 'run0', 'runuser', 'sg', 'newgrp', 'chroot', 'unshare',
  'nsenter', 'capsh', 'setpriv', 'setcap', 'calife', 'ksu']);

export function judgeCommand(cmd: ShellCommand, env: Env): Judged[] {
  const out: Judged[] = cmd.assignments.map(({ name, value: word }) => ({ verdict: judgeAssignment(name, word, env) }));
  if (cmd.words.length === 0) return out;
  return [...out, ...judgeWords(cmd.words, { cwd: cmd.cwd, stdin: cmd.stdin }, env)];
}

/** Judges argv (after the shell's own syntax): wrappers are peeled off one by one. */
export function judgeWords(words: readonly Word[], where: Pick<Invocation, 'cwd' | 'stdin'>, env: Env): Judged[] {
  const [first, ...args] = words;
  const named = commandName(first, where, env);
  if ('verdict' in named) return [{ verdict: named.verdict, request: { tool: 'Bash', input: { command: commandText(first.raw, args) } } }];
  const { name, pre } = named;
  const inv: Invocation = { name, args, cwd: where.cwd, stdin: where.stdin };
  const wrapped = unwrap(inv, env);
  if (wrapped) return [...pre, ...wrapped];
  const folded = skeleton(name);
  if (folded !== name) {
    const real = judgeWords([literalWord(folded), ...args], where, env);
    if (real.some((item) => item.verdict.decision !== 'allow')) {
      return real.map((item) => ({ ...item, verdict: { ...item.verdict,
        reason: `${item.verdict.reason} (the command name "${name}" uses look-alike characters)` } }));
    }
    return [judged(ask('unknown', `"${name}" uses look-alike characters; type the command in plain ASCII`), name, args)];
  }
  const judge = JUDGES[name] ?? judgeByPrefix(name);
  if (!judge) {
    return [...pre, judged(ask('unknown', `ccp does not know the command "${name}"; ask a person or use a known tool`),
      name, args)];
  }
  return [...pre, ...judge(inv, env)];
}

type Named = { verdict: PolicyVerdict } | { name: string; pre: Judged[] };

function commandName(word: Word, where: Pick<Invocation, 'cwd'>, env: Env): Named {
  const name = value(word);
  if (name === undefined) {
    if (word.ifs) return { verdict: ask('unknown', `the command name is built with $IFS (${word.raw})`) };
    if (/\$\(|`|<\(/.test(word.raw)) {
      return { verdict: deny('unknown', `the command name comes from running another command (${word.raw}), which ccp cannot check`) };
    }
    return { verdict: ask('unknown', `the command name ${word.raw} is only known at run time`) };
  }
  if (!name.includes('/')) return { name, pre: [] };
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (SYSTEM_BIN.test(name)) return { name: base, pre: [] };
  const verdict = checkPath(name, 'exec', env.scope, { cwd: where.cwd });
  if (verdict.decision !== 'allow') return { verdict };
  // Known names are judged as themselves (./node_modules/.bin/jest is jest); other programs only from the worktree.
  if (JUDGES[base] || PRIVILEGE.has(base) || WRAPPERS[base]) return { name: base, pre: [] };
  const absolute = resolvePath(name, where.cwd, env.scope);
  return absolute && within(absolute, env.scope.worktree) ? { name: 'ccp:worktree-program', pre: [] } : { name: base, pre: [] };
}

// Options that take a value, per wrapper; the wrapped command starts at the first positional.
const WRAPPERS: Record<string, { values: string[]; skip?: number }> = {
  command: { values: [] }, builtin: { values: [] }, exec: { values: ['-a'] }, nohup: { values: [] },
  nice: { values: ['-n', '--adjustment'] }, stdbuf: { values: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  timeout: { values: ['-s', '-k', '--signal', '--kill-after'], skip: 1 }, time: { values: ['-f', '--format', '-o'] },
  setsid: { values: [] }, chronic: { values: [] }, unbuffer: { values: [] }, ionice: { values: ['-c', '-n'] },
  caffeinate: { values: [] }, '-': { values: [] }, then: { values: [] }, doas: { values: ['-u', '-C'] },
  sudo: { values: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T', '--user', '--group', '--chdir'] },
  pkexec: { values: ['--user'] }, run0: { values: ['-u', '--user'] }, chroot: { values: ['--userspec'], skip: 1 },
  nsenter: { values: ['-t', '--target'] }, unshare: { values: [] }, runuser: { values: ['-u', '-g'] },
  busybox: { values: [] }, valgrind: { values: [] }, catchsegv: { values: [] },
};

function unwrap(inv: Invocation, env: Env): Judged[] | undefined {
  const { name, args } = inv;
  if (name === 'env') return unwrapEnv(inv, env);
  if (name === 'xargs') return unwrapXargs(inv, env);
  if (name === 'command' && args.some((word) => /^-[a-zA-Z]*[vV]/.test(value(word) ?? ''))) {
    return [judged(allow('looks a command up'), name, args)];
  }
  if ((name === 'su' || name === 'runuser') && args.some((word) => ['-c', '--command'].includes(value(word) ?? ''))) {
    return [judged(deny('privilege', `${name} runs commands as another user; work as yourself`), name, args)];
  }
  const spec = WRAPPERS[name];
  if (!spec) return PRIVILEGE.has(name) ? [privilege(inv)] : undefined;
  if (name === 'ionice' && args.some((word) => /^-p|--pid/.test(value(word) ?? ''))) {
    return [judged(ask('processes', 'changes the priority of another process'), name, args)];
  }
  const parsed = parseArgs(args, spec.values, true);
  const outFile = name === 'time' ? parsed.options.find((o) => o.name === '-o')?.value : undefined;
  const inner = parsed.positionals.slice(spec.skip ?? 0);
  const out: Judged[] = PRIVILEGE.has(name) ? [privilege(inv)] : [];
  if (outFile) out.push({ verdict: checkPath(value(outFile) ?? outFile.raw, 'write', env.scope, { cwd: inv.cwd }) });
  if (inner.length === 0) return out.length ? out : [judged(allow(`${name} with no command`), name, args)];
  return [...out, ...judgeWords(inner, inv, env)];
}

function privilege(inv: Invocation): Judged {
  return judged(deny('privilege', `${inv.name} runs commands with other privileges; work as your own user, without ${inv.name}`),
    inv.name, inv.args);
}

function unwrapEnv(inv: Invocation, env: Env): Judged[] {
  const out: Judged[] = [];
  let i = 0;
  let cwd = inv.cwd;
  for (; i < inv.args.length; i++) {
    const text = value(inv.args[i]);
    if (text === undefined) break;
    if (['-u', '--unset'].includes(text)) i++;
    else if (['-C', '--chdir'].includes(text)) {
      const dir = value(inv.args[++i]);
      cwd = dir === undefined ? null : dir.startsWith('/') || cwd === null ? dir : `${cwd}/${dir}`;
    } else if (['-S', '--split-string'].includes(text) || text.startsWith('--split-string=')) {
      const rest = inv.args.slice(i + 1).map((word) => value(word) ?? word.raw).join(' ');
      const script = text.startsWith('--split-string=') ? text.slice(15) : rest;
      return [...out, ...env.judgeShell(script, cwd, env)];
    } else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
      const eq = text.indexOf('=');
      out.push({ verdict: judgeAssignment(text.slice(0, eq), literalWord(text.slice(eq + 1)), env) });
    } else if (!text.startsWith('-') || text === '-') break;
  }
  const inner = inv.args.slice(i);
  if (inner.length === 0) {
    return [...out, judged(ask('secrets', 'env prints the whole environment, which may hold tokens; print the one variable you need (printenv NAME)'),
      inv.name, inv.args)];
  }
  return [...out, ...judgeWords(inner, { cwd, stdin: inv.stdin }, env)];
}

function unwrapXargs(inv: Invocation, env: Env): Judged[] {
  const parsed = parseArgs(inv.args, ['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter',
    '--max-args', '--max-procs', '--max-lines', '--replace', '--eof', '--max-chars'], true);
  const replace = parsed.options.find((o) => ['-I', '--replace', '-i'].includes(o.name));
  const marker = replace ? (value(replace.value) ?? '{}') : undefined;
  // With -I the input lands wherever the marker is: those words are only known at run time.
  const inner = (parsed.positionals.length ? parsed.positionals : [literalWord('echo')])
    .map((word) => (marker && (value(word) ?? '').includes(marker) ? unknownWord(word.raw) : word));
  // Arguments arrive at run time on stdin: judged as unknown words.
  return judgeWords([...inner, unknownWord('<xargs input>')], inv, env);
}

const SECRET_VAR = /(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/;

export function judgeAssignment(name: string, word: Word | undefined, env: Env): PolicyVerdict {
  const text = word ? (value(word) ?? word.raw) : '';
  if (/^GIT_(?:DIR|WORK_TREE|CONFIG\w*|SSH\w*|EXEC_PATH|ASKPASS|PROXY_COMMAND|EXTERNAL_DIFF|EDITOR|SEQUENCE_EDITOR|PAGER|TEMPLATE_DIR|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES)$/.test(name)) {
    return deny('git-config', `setting ${name} changes which repository or programs git uses`);
  }
  if (/^(?:LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|BASH_ENV|ENV|PROMPT_COMMAND|PS4|SHELLOPTS|BASHOPTS|PERL5OPT|RUBYOPT|PYTHONSTARTUP|PYTHONINSPECT|SSH_ASKPASS)$/.test(name)) {
    return deny('unknown', `setting ${name} injects code into the commands that follow`);
  }
  if (name === 'NODE_OPTIONS' && /(?:^|\s)(?:-r|--require|--import|--loader|--experimental-loader)\b/.test(text)) {
    return ask('unknown', 'NODE_OPTIONS that load modules run code in every node process');
  }
  if (name === 'IFS') return ask('unknown', 'changing IFS changes how the following words split');
  if (name === 'HOME' || /^(?:CCP_|CLAUDE_|ANTHROPIC_)/.test(name)) {
    return ask('agent-settings', `setting ${name} changes the agent's own configuration`);
  }
  if (name === 'PATH') return judgePath(word, env);
  if (SECRET_VAR.test(name) && word?.dynamic) return ask('secrets', `sets ${name} from a command's output`);
  return allow(`sets ${name}`);
}

/** PATH may grow by directories in the worktree or the system, around the existing $PATH. */
function judgePath(word: Word | undefined, env: Env): PolicyVerdict {
  const entries = (word?.raw ?? '').replace(/^["']|["']$/g, '').split(':');
  for (const entry of entries) {
    if (/^\$\{?PATH\}?$/.test(entry) || entry === '') continue;
    const plain = entry.replace(/^\$\{?HOME\}?/, '~').replace(/^\$\{?PWD\}?/, '.');
    if (/[$`]/.test(plain) || checkPath(plain, 'exec', env.scope).decision !== 'allow') {
      return ask('unknown', `PATH gains ${entry}, so later command names may not be what they say`);
    }
  }
  return allow('extends PATH');
}
