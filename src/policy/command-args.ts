// What the command judges share: one simple command ready to judge (wrappers stripped), option parsing, and path
// checks on shell words.
import type { Stdin } from './shell-parse.js';
import { wordValue, type Word } from './shell-words.js';
import { checkPath, type Access, type Scope } from './scopes.js';
import { allow, ask, deny, type PolicyVerdict, type ToolRequest } from './types.js';

/** A verdict with what the user's rules may match it against (a command line, or a path for Edit/Read rules). */
export interface Judged {
  verdict: PolicyVerdict;
  request?: ToolRequest;
}

export interface Invocation {
  name: string;
  args: Word[];
  cwd: string | null;
  stdin: Stdin;
}

export interface Env {
  scope: Scope;
  /** Nesting of `bash -c` and the like. */
  depth: number;
  /** The script names a secret somewhere, so a path ccp cannot see may be one. */
  secretMentioned: boolean;
  /** Judges a shell string run by a command (bash -c, eval, find -exec sh -c …). */
  judgeShell: (text: string, cwd: string | null, env: Env) => Judged[];
  /** Judges an argv a command runs (find -exec, watch …), wrappers and all. */
  judgeWords: (words: readonly Word[], where: Pick<Invocation, 'cwd' | 'stdin'>, env: Env) => Judged[];
}

export const value = (word: Word | undefined): string | undefined => (word ? wordValue(word) : undefined);
export const literalWord = (text: string): Word =>
  ({ raw: text, values: [text], glob: false, dynamic: false, split: false, ifs: false });
/** Arguments xargs or find append at run time. */
export const unknownWord = (raw: string): Word => ({ raw, glob: false, dynamic: true, split: false, ifs: false });

export const commandText = (name: string, args: readonly Word[]): string =>
  [name, ...args.map((word) => value(word) ?? word.raw)].join(' ');

export interface ParsedArgs {
  /** Options as written, `-abc` split into `-a -b -c`, `--x=y` into name and value. */
  options: Array<{ name: string; value?: Word }>;
  positionals: Word[];
}

/**
 * Splits arguments into options and positionals. `takesValue` lists the options that consume a value (`-o`,
 * `--output`); `stopAtFirst` ends option parsing at the first positional (commands that run another command).
 */
export function parseArgs(args: readonly Word[], takesValue: readonly string[] = [], stopAtFirst = false): ParsedArgs {
  const options: ParsedArgs['options'] = [];
  const positionals: Word[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    const text = value(word);
    if (text === undefined || text === '-' || !text.startsWith('-')) {
      positionals.push(word);
      if (stopAtFirst) return { options, positionals: [...positionals, ...args.slice(i + 1)] };
      continue;
    }
    if (text === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      if (eq > 0) options.push({ name: text.slice(0, eq), value: literalWord(text.slice(eq + 1)) });
      else if (takesValue.includes(text) && i + 1 < args.length) options.push({ name: text, value: args[++i] });
      else options.push({ name: text });
      continue;
    }
    // Short options: `-rf`, `-ofile`, `-o file`.
    for (let k = 1; k < text.length; k++) {
      const name = `-${text[k]}`;
      if (takesValue.includes(name)) {
        const rest = text.slice(k + 1);
        if (rest) options.push({ name, value: literalWord(rest) });
        else if (i + 1 < args.length) options.push({ name, value: args[++i] });
        else options.push({ name });
        break;
      }
      options.push({ name });
    }
  }
  return { options, positionals };
}

export const has = (parsed: ParsedArgs, ...names: string[]): boolean =>
  parsed.options.some((option) => names.includes(option.name));
export const optionValues = (parsed: ParsedArgs, ...names: string[]): Word[] =>
  parsed.options.filter((option) => names.includes(option.name) && option.value).map((option) => option.value as Word);

/** Checks a word as a path: every value it can take, or, when unknown, by what the rest of the script shows. */
export function checkWord(word: Word, access: Access, inv: Pick<Invocation, 'cwd'>, env: Env): PolicyVerdict {
  if (!word.values) {
    if (access === 'read' || access === 'list') {
      return env.secretMentioned
        ? deny('secrets', `reads a path computed at run time (${word.raw}) in a command that names secrets`)
        : allow(`reads ${word.raw}`);
    }
    if (access === 'exec') {
      return /\$\(|`|<\(/.test(word.raw) ? deny('unknown', `runs ${word.raw}, a program only known at run time`)
        : ask('unknown', `runs ${word.raw}, a program only known at run time`);
    }
    return ask('unknown', `${access === 'delete' ? 'removes' : 'writes'} ${word.raw}, a path only known at run time`);
  }
  let out: PolicyVerdict | undefined;
  for (const path of word.values) {
    const verdict = checkPath(path, access, env.scope, { cwd: inv.cwd, glob: word.glob });
    if (!out || rank(verdict) > rank(out)) out = verdict;
  }
  return out ?? allow(`no path in ${word.raw}`);
}

const rank = (verdict: PolicyVerdict): number => ({ allow: 0, ask: 1, deny: 2 })[verdict.decision];

/** Looks like a path worth checking: absolute, home, parent-relative, or with a directory part. */
export const pathLike = (text: string): boolean =>
  /^(?:\/|~|\.\.?(?:\/|$))/.test(text) || (text.includes('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text));

/** Checks every word as a path with the same access. */
export const checkAll = (words: readonly Word[], access: Access, inv: Invocation, env: Env): PolicyVerdict[] =>
  words.map((word) => checkWord(word, access, inv, env));

/** Read checks for the arguments that look like paths (tools whose arguments mix paths and other things). */
export const checkPathLike = (words: readonly Word[], inv: Invocation, env: Env): PolicyVerdict[] =>
  checkAll(words.filter((word) => !word.values || word.values.some(pathLike)), 'read', inv, env);

export const judged = (verdict: PolicyVerdict, name: string, args: readonly Word[]): Judged =>
  ({ verdict, request: { tool: 'Bash', input: { command: commandText(name, args) } } });
