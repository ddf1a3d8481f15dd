// The shell parser: tree-sitter-bash on web-tree-sitter (WASM, no native build), loaded once; after that parsing is
// synchronous and takes well under a millisecond. The walk turns the tree into what the policy judges: every simple
// command (with its words evaluated, the directory it runs in and where its stdin comes from), every redirection,
// and what could not be understood.
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { evaluateWord, wordValue, type Vars, type Word } from './shell-words.js';

export interface Redirect {
  /** `>`, `>>`, `<`, `&>`, `>&`, `<>` … */
  op: string;
  fd?: string;
  target: Word;
  cwd: string | null;
  /** The command whose output it takes, when it is one simple command. */
  source?: ShellCommand;
}

export type Stdin =
  | { kind: 'none' }
  | { kind: 'pipe'; from: ShellCommand[] }
  /** A heredoc or here-string; text undefined when it expands at run time. */
  | { kind: 'text'; text?: string }
  | { kind: 'file'; target: Word };

export interface ShellCommand {
  words: Word[];
  assignments: Array<{ name: string; value?: Word }>;
  /** The directory it runs in; null after a `cd` ccp cannot follow. */
  cwd: string | null;
  stdin: Stdin;
  text: string;
}

export interface ShellScript {
  commands: ShellCommand[];
  redirects: Redirect[];
  /** Why parts of the text could not be analysed; non-empty means "not allowed". */
  problems: string[];
}

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads the WASM parser once; call (and await) before evaluating Bash requests. */
export function loadShellParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
    const instance = new Parser();
    instance.setLanguage(await Language.load(wasm));
    parser = instance;
  })();
  return loading;
}

export const shellParserLoaded = (): boolean => parser !== undefined;

interface State {
  vars: Vars;
  home: string;
  cwd: string | null;
  out: ShellScript;
}

/** Parses and walks `text` as bash, run in `cwd` with HOME `home`. */
export function parseShell(text: string, cwd: string | null, home: string): ShellScript {
  if (!parser) throw new Error('the shell parser is not loaded: await loadShellParser() first');
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const out: ShellScript = { commands: [], redirects: [], problems: [] };
  try {
    if (tree.rootNode.hasError) out.problems.push('the command does not parse as shell syntax');
    walk(tree.rootNode, { vars: new Map(), home, cwd, out }, { kind: 'none' });
  } finally {
    tree.delete();
  }
  return out;
}

const named = (node: Node): Node[] => node.namedChildren.filter((child): child is Node => child !== null);
const scope = (state: State) => ({ vars: state.vars, home: state.home, cwd: state.cwd });

function walk(node: Node, state: State, stdin: Stdin): void {
  switch (node.type) {
    case 'command':
      return command(node, state, stdin);
    case 'declaration_command':
      return declaration(node, state);
    case 'variable_assignment':
      return assignOnly([node], node.text, state);
    case 'variable_assignments':
      return assignOnly(named(node), node.text, state);
    case 'pipeline':
      return pipeline(node, state, stdin);
    case 'redirected_statement':
      return redirected(node, state, stdin);
    case 'file_redirect':
    case 'heredoc_redirect':
    case 'herestring_redirect':
      redirection(node, state, []);
      return;
    case 'for_statement':
      return forLoop(node, state);
    case 'subshell':
    case 'command_substitution':
    case 'process_substitution':
      return isolated(node, state);
    case 'function_definition':
      return functionDefinition(node, state);
    case 'comment':
      return;
    case 'ERROR':
      state.out.problems.push(`ccp cannot parse "${node.text.slice(0, 40)}"`);
      break;
  }
  let first = true;
  for (const child of named(node)) {
    walk(child, state, first ? stdin : { kind: 'none' });
    first = false;
  }
}

/** The substitutions inside a node that is not itself a statement (assignments, declarations). */
function walkInside(node: Node, state: State): void {
  for (const child of named(node)) {
    if (child.type === 'variable_assignment') walkInside(child, state);
    else walk(child, state, { kind: 'none' });
  }
}

/** A subshell or substitution: `cd` inside it does not move the outer shell. */
function isolated(node: Node, state: State): void {
  const cwd = state.cwd;
  for (const child of named(node)) walk(child, state, { kind: 'none' });
  state.cwd = cwd;
}

function pipeline(node: Node, state: State, stdin: Stdin): void {
  let previous: ShellCommand[] = [];
  let input = stdin;
  for (const child of named(node)) {
    const before = state.out.commands.length;
    walk(child, state, input);
    previous = state.out.commands.slice(before);
    input = { kind: 'pipe', from: previous };
  }
}

function redirected(node: Node, state: State, stdin: Stdin): void {
  const body = node.childForFieldName('body');
  const redirects = named(node).filter((child) => child !== body && child.type.endsWith('redirect'));
  let input = stdin;
  for (const redirect of redirects) input = stdinOf(redirect, state) ?? input;
  const before = state.out.commands.length;
  if (body) walk(body, state, input);
  const bodyCommands = state.out.commands.slice(before);
  const first = state.out.redirects.length;
  for (const redirect of redirects) redirection(redirect, state, bodyCommands);
  if (bodyCommands.length === 1) state.out.redirects.slice(first).forEach((r) => { r.source ??= bodyCommands[0]; });
}

/** What a redirection feeds to the command's stdin, if it does. */
function stdinOf(redirect: Node, state: State): Stdin | undefined {
  if (redirect.type === 'herestring_redirect') {
    const word = named(redirect)[0];
    return { kind: 'text', text: word ? wordValue(evaluateWord(word, scope(state))) : undefined };
  }
  if (redirect.type === 'heredoc_redirect') {
    const body = named(redirect).find((child) => child.type === 'heredoc_body');
    const dynamic = body ? named(body).some((child) => child.type !== 'heredoc_content') : false;
    return { kind: 'text', text: dynamic ? undefined : (body?.text ?? '') };
  }
  const op = operator(redirect);
  const target = redirect.childForFieldName('destination');
  if (op === '<' && target) return { kind: 'file', target: evaluateWord(target, scope(state)) };
  return undefined;
}

/** Records a redirection; a heredoc's trailing `| cmd` and `&& cmd` hang inside it in tree-sitter-bash's tree. */
function redirection(node: Node, state: State, bodyCommands: ShellCommand[]): Word[] {
  if (node.type === 'herestring_redirect') {
    named(node).forEach((child) => walk(child, state, { kind: 'none' }));
    return [];
  }
  if (node.type === 'heredoc_redirect') {
    for (const child of named(node)) {
      if (child.type === 'heredoc_start' || child.type === 'heredoc_end') continue;
      if (child.type === 'heredoc_body' || child.type.endsWith('redirect')) redirection(child, state, []);
      else walk(child, state, { kind: 'pipe', from: bodyCommands });
    }
    return [];
  }
  if (node.type === 'heredoc_body') {
    named(node).forEach((child) => walk(child, state, { kind: 'none' }));
    return [];
  }
  const [target, ...extra] = node.childrenForFieldName('destination').filter((c): c is Node => c !== null);
  named(node).forEach((child) => walk(child, state, { kind: 'none' }));
  if (!target) return [];
  const fd = node.childForFieldName('descriptor')?.text;
  state.out.redirects.push({ op: operator(node), ...(fd ? { fd } : {}), target: evaluateWord(target, scope(state)),
    cwd: state.cwd });
  // `echo > f hi`: words after the target are the command's arguments.
  return extra.map((word) => evaluateWord(word, scope(state)));
}

const operator = (node: Node): string =>
  node.children.filter((child): child is Node => child !== null && !child.isNamed).map((child) => child.text).join('');

function command(node: Node, state: State, stdin: Stdin): void {
  const firstRedirect = state.out.redirects.length;
  // Substitutions in words run before the command: walk them first.
  for (const child of named(node)) {
    if (child.type === 'variable_assignment') walkInside(child, state);
    else if (!child.type.endsWith('redirect')) walk(child, state, { kind: 'none' });
  }
  const assignments = named(node).filter((child) => child.type === 'variable_assignment').map((child) => {
    const value = child.childForFieldName('value');
    return { name: child.childForFieldName('name')?.text ?? '', ...(value ? { value: evaluateWord(value, scope(state)) } : {}) };
  });
  const words: Word[] = [];
  let input = stdin;
  for (const child of named(node)) {
    if (child.type === 'command_name') words.push(...split(evaluateWord(named(child)[0] ?? child, scope(state)), state));
    else if (node.childrenForFieldName('argument').some((arg) => arg?.id === child.id)) {
      words.push(...split(evaluateWord(child, scope(state)), state));
    } else if (child.type.endsWith('redirect')) {
      input = stdinOf(child, state) ?? input;
      words.push(...redirection(child, state, []));
    }
  }
  const cmd: ShellCommand = { words, assignments, cwd: state.cwd, stdin: input, text: node.text };
  state.out.commands.push(cmd);
  state.out.redirects.slice(firstRedirect).forEach((r) => { r.source ??= cmd; });
  if (words.length === 0) persistAssignments(assignments, state);
  else followCd(cmd, state);
}

/** Word splitting of an unquoted expansion whose value is known (`C="rm -rf"; $C ~`), at $IFS when it is known. */
function split(word: Word, state: State): Word[] {
  const value = wordValue(word);
  const ifs = state.vars.get('IFS')?.[0] ?? ' \t\n';
  const separators = new RegExp(`[${[...ifs].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('') || '\\s'}]+`);
  if (!word.split || value === undefined || !separators.test(value)) return [word];
  return value.split(separators).filter(Boolean).map((part) => ({ ...word, values: [part], split: false }));
}

function declaration(node: Node, state: State): void {
  walkInside(node, state);
  const keyword = node.children[0]?.text ?? 'declare';
  const words: Word[] = [{ raw: keyword, values: [keyword], glob: false, dynamic: false, split: false, ifs: false }];
  const assignments: ShellCommand['assignments'] = [];
  for (const child of named(node)) {
    if (child.type === 'variable_assignment') {
      const value = child.childForFieldName('value');
      assignments.push({ name: child.childForFieldName('name')?.text ?? '',
        ...(value ? { value: evaluateWord(value, scope(state)) } : {}) });
      words.push({ raw: child.text, values: [child.text], glob: false, dynamic: false, split: false, ifs: false });
    } else {
      words.push(evaluateWord(child, scope(state)));
    }
  }
  state.out.commands.push({ words, assignments, cwd: state.cwd, stdin: { kind: 'none' }, text: node.text });
  persistAssignments(assignments, state);
}

function assignOnly(nodes: Node[], text: string, state: State): void {
  nodes.forEach((child) => walkInside(child, state));
  const assignments = nodes.filter((child) => child.type === 'variable_assignment').map((child) => {
    const value = child.childForFieldName('value');
    return { name: child.childForFieldName('name')?.text ?? '', ...(value ? { value: evaluateWord(value, scope(state)) } : {}) };
  });
  state.out.commands.push({ words: [], assignments, cwd: state.cwd, stdin: { kind: 'none' }, text });
  persistAssignments(assignments, state);
}

/** A variable set twice (branches, loops) is treated as unknown rather than guessed. */
function persistAssignments(assignments: ShellCommand['assignments'], state: State): void {
  for (const { name, value } of assignments) {
    const known = value ? value.values : [''];
    state.vars.set(name, state.vars.has(name) || !known ? null : known);
  }
}

function forLoop(node: Node, state: State): void {
  const variable = node.childForFieldName('variable')?.text;
  const values = node.childrenForFieldName('value').filter((c): c is Node => c !== null);
  values.forEach((value) => walk(value, state, { kind: 'none' }));
  const words = values.map((value) => evaluateWord(value, scope(state)));
  const known = words.every((word) => word.values) ? words.flatMap((word) => word.values ?? []) : undefined;
  if (variable) state.vars.set(variable, known && known.length > 0 ? known : null);
  const body = node.childForFieldName('body');
  if (body) walk(body, state, { kind: 'none' });
}

/** The body is judged like any code; a function that calls itself is the shape of a fork bomb. */
function functionDefinition(node: Node, state: State): void {
  const name = node.childForFieldName('name')?.text;
  const before = state.out.commands.length;
  for (const child of named(node)) walk(child, state, { kind: 'none' });
  if (name && state.out.commands.slice(before).some((cmd) => wordValue(cmd.words[0]) === name)) {
    state.out.problems.push(`the function ${name} calls itself (a fork bomb?)`);
  }
}

function followCd(cmd: ShellCommand, state: State): void {
  const name = wordValue(cmd.words[0]);
  if (name === 'popd') state.cwd = null;
  if (name !== 'cd' && name !== 'pushd') return;
  const args = cmd.words.slice(1).filter((word) => !/^-[LPe@]+$/.test(word.raw));
  if (args.length === 0) {
    state.cwd = state.home;
    return;
  }
  const target = wordValue(args[0]);
  if (target === undefined || target === '-' || state.cwd === null) {
    state.cwd = null;
    return;
  }
  state.cwd = target.startsWith('/') ? target : `${state.cwd}/${target}`;
}
