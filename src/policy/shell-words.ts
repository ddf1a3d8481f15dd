// Static evaluation of one shell word from the tree-sitter-bash tree: quote removal, escapes, ANSI-C strings, known
// variables, tilde and brace expansion. What the shell would only know at run time (command output, unknown
// variables, `$IFS`) leaves the word dynamic, so callers can refuse to guess.
import type { Node } from 'web-tree-sitter';

export interface Word {
  /** The source text. */
  raw: string;
  /** What the word can expand to (brace expansion, loop variables); undefined when it is not known statically. */
  values?: string[];
  /** An unquoted `*`, `?` or `[` remains: the shell globs it. */
  glob: boolean;
  /** Holds `$(…)`, backticks or an unknown expansion: the value is only known at run time. */
  dynamic: boolean;
  /** An unquoted expansion: its value is split at whitespace by the shell. */
  split: boolean;
  /** Names `$IFS`, the classic way to hide spaces from filters. */
  ifs: boolean;
}

/** Variables known while walking: a value list, or null when set to something not known statically. */
export type Vars = Map<string, string[] | null>;

export interface WordScope {
  vars: Vars;
  home: string;
  cwd: string | null;
}

const MAX_VALUES = 32;
// Characters that stay special after quote removal; a quoted one is kept escaped until the end.
const SPECIAL = /[\\*?[\]{},~]/g;
const escape = (text: string): string => text.replace(SPECIAL, '\\$&');

interface Partial { texts: string[] | undefined; dynamic: boolean; split: boolean; ifs: boolean }

export function evaluateWord(node: Node, scope: WordScope): Word {
  const part = evaluate(node, scope, false);
  const base = { raw: node.text, dynamic: part.dynamic, split: part.split, ifs: part.ifs };
  if (!part.texts) return { ...base, glob: false };
  let glob = false;
  const values: string[] = [];
  for (const text of part.texts) {
    for (const expanded of expandBraces(text)) {
      if (/(?:^|[^\\])(?:\\\\)*[*?[]/.test(expanded)) glob = true;
      values.push(unescape(expandTilde(expanded, scope.home)));
    }
  }
  return values.length > MAX_VALUES ? { ...base, dynamic: true, glob } : { ...base, values, glob };
}

function evaluate(node: Node, scope: WordScope, quoted: boolean): Partial {
  switch (node.type) {
    case 'word':
    case 'number':
    case 'variable_name':
    case 'extglob_pattern':
    case 'regex':
      return literal(quoted ? escape(node.text) : node.text.replace(/\\\n/g, ''));
    case 'raw_string':
      return literal(escape(node.text.slice(1, -1)));
    case 'ansi_c_string':
      return literal(escape(decodeAnsiC(node.text.slice(2, -1))));
    case 'string':
    case 'translated_string':
      return evaluateString(node, scope);
    case 'string_content':
      return literal(escape(node.text.replace(/\\([$`"\\\n])/g, (_, ch: string) => (ch === '\n' ? '' : ch))));
    case 'concatenation':
      return concatenate(node.namedChildren.filter(isNode).map((child) => evaluate(child, scope, quoted)));
    case 'simple_expansion':
    case 'expansion':
      return expansion(node, scope, quoted);
    case 'brace_expression':
      return braceRange(node);
    default:
      // $(…), `…`, <(…), $((…)), arrays: only known when run.
      return { texts: undefined, dynamic: true, split: !quoted, ifs: false };
  }
}

const literal = (text: string): Partial => ({ texts: [text], dynamic: false, split: false, ifs: false });
const isNode = (node: Node | null): node is Node => node !== null;

function evaluateString(node: Node, scope: WordScope): Partial {
  // The gaps between named children are literal text (tree-sitter leaves some content unnamed).
  const start = node.startIndex;
  const inner = node.text;
  const open = node.type === 'translated_string' ? 2 : 1;
  const parts: Partial[] = [];
  let offset = open;
  for (const child of node.namedChildren.filter(isNode)) {
    const from = child.startIndex - start;
    if (from > offset) parts.push(literal(escape(inner.slice(offset, from))));
    parts.push(evaluate(child, scope, true));
    offset = child.endIndex - start;
  }
  if (inner.length - 1 > offset) parts.push(literal(escape(inner.slice(offset, inner.length - 1))));
  return concatenate(parts);
}

function concatenate(parts: Partial[]): Partial {
  let texts: string[] | undefined = [''];
  for (const part of parts) {
    if (!texts || !part.texts) {
      texts = undefined;
      continue;
    }
    const next: string[] = [];
    for (const a of texts) for (const b of part.texts) next.push(a + b);
    texts = next.length > MAX_VALUES ? undefined : next;
  }
  return { texts, dynamic: parts.some((p) => p.dynamic) || !texts, split: parts.some((p) => p.split),
    ifs: parts.some((p) => p.ifs) };
}

function expansion(node: Node, scope: WordScope, quoted: boolean): Partial {
  const names = node.namedChildren.filter(isNode);
  const name = names[0]?.type === 'variable_name' ? names[0].text : undefined;
  const ifs = node.text.includes('IFS');
  // `${x}` and `$x` only: defaults, substitutions and lengths are left to run time.
  const plain = name !== undefined && names.length === 1 && (node.text === `$${name}` || node.text === `\${${name}}`);
  const known = plain ? lookup(name, scope) : undefined;
  if (!known) return { texts: undefined, dynamic: true, split: !quoted, ifs };
  return { texts: known.map(escape), dynamic: false, split: !quoted, ifs };
}

function lookup(name: string, scope: WordScope): string[] | undefined {
  const value = scope.vars.get(name);
  if (value !== undefined) return value ?? undefined;
  if (name === 'HOME') return [scope.home];
  // Unset IFS splits at whitespace: `cat${IFS}file` is `cat file`.
  if (name === 'IFS') return [' '];
  if (name === 'PWD' && scope.cwd) return [scope.cwd];
  return undefined;
}

function braceRange(node: Node): Partial {
  const [from, to] = node.namedChildren.filter(isNode).map((child) => Number(child.text));
  if (!Number.isInteger(from) || !Number.isInteger(to) || Math.abs(to - from) >= MAX_VALUES) {
    return { texts: undefined, dynamic: true, split: false, ifs: false };
  }
  const step = from <= to ? 1 : -1;
  const texts: string[] = [];
  for (let n = from; n !== to + step; n += step) texts.push(String(n));
  return { texts, dynamic: false, split: false, ifs: false };
}

/** `a{b,c}d` → `abd`, `acd` over the escaped form (quoted braces are escaped and stay literal). */
export function expandBraces(text: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
    } else if (ch === '{') {
      if (depth++ === 0) open = i;
    } else if (ch === ',' && depth === 1) {
      commas.push(i);
    } else if (ch === '}' && depth > 0 && --depth === 0) {
      if (commas.length === 0) {
        // `{}` or `{x}` is literal; expand what follows.
        return expandBraces(text.slice(i + 1)).map((rest) => text.slice(0, i + 1) + rest);
      }
      const bounds = [open, ...commas, i];
      const prefix = text.slice(0, open);
      const out: string[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        for (const rest of expandBraces(text.slice(bounds[k] + 1, bounds[k + 1]) + text.slice(i + 1))) {
          out.push(prefix + rest);
          if (out.length > MAX_VALUES) return out;
        }
      }
      return out;
    }
  }
  return [text];
}

function expandTilde(text: string, home: string): string {
  if (text === '~' || text.startsWith('~/')) return escape(home) + text.slice(1);
  const user = /^~([a-z_][a-z0-9_-]*)(\/|$)/i.exec(text);
  if (user) return `${user[1] === 'root' ? '/root' : `/home/${user[1]}`}${text.slice(user[0].length - user[2].length)}`;
  return text;
}

const unescape = (text: string): string => text.replace(/\\([\s\S])/g, '$1').replace(/\\$/, '');

/** `$'…'` escapes: \n \t \xHH \uHHHH \UHHHHHHHH \NNN (octal) \cX and the plain ones. */
export function decodeAnsiC(body: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b',
    f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
  return body.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|[\s\S])/g,
    (whole, esc: string) => {
      if (esc in simple) return simple[esc];
      const code = /^[xuU]/.test(esc) ? parseInt(esc.slice(1), 16) : /^[0-7]/.test(esc) ? parseInt(esc, 8) : NaN;
      if (!Number.isNaN(code)) return code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (esc.startsWith('c')) return String.fromCharCode(esc.charCodeAt(1) & 0x1f);
      return whole;
    });
}

/** The single static value of a word, or undefined. */
export const wordValue = (word: Word): string | undefined =>
  word.values && word.values.length === 1 ? word.values[0] : undefined;
