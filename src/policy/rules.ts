// Claude Code's permission rule syntax, parsed and matched the way Claude Code documents it, so one policy reads the
// same to ccp and to anyone who knows Claude Code's settings: `Tool` or `Tool(specifier)`.
// - Bash: exact command; `*` matches any characters; a trailing ` *` (or the legacy `:*`) also matches the bare
//   command, so `Bash(git push:*)` matches `git push` and `git push origin main` but not `git pushy`. Compound
//   commands are split at `&&`, `||`, `;`, `|`, `&` and newlines, and each part is matched on its own.
// - Read/Edit (and Write, MultiEdit, NotebookEdit, Glob, Grep, LS): gitignore-style paths: `//abs/path`, `~/in/home`,
//   `/from/project/root` (the worktree), `./from/cwd`; `*` within a path segment, `**` across segments; a bare name
//   without a slash matches at any depth; a pattern also covers everything below a matching directory. An `Edit`
//   rule covers every tool that edits files, a `Read` rule every tool that reads them.
// - WebFetch(domain:example.com), `*.example.com` for subdomains; MCP tools `mcp__server` / `mcp__server__tool`.
// Pure: no Node built-ins (workflow-reachable).

export interface PermissionRule {
  /** The rule as written, trimmed: "Bash(git push:*)". */
  text: string;
  tool: string;
  /** Undefined: every use of the tool. */
  specifier?: string;
}

/** One tool use: the tool's name and its input, as the PermissionRequest hook reports them. */
export interface ToolRequest {
  tool: string;
  input: Record<string, unknown>;
}

/** Where relative and `~` paths in rules and tool inputs point. */
export interface PathContext {
  /** The agent's working directory; also the project root for `/path` rules. */
  cwd: string;
  home: string;
}

export class RuleSyntaxError extends Error {
  constructor(rule: string, problem: string) {
    super(`rule "${rule}" is malformed: ${problem}`);
    this.name = 'RuleSyntaxError';
  }
}

const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);
const READ_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS', 'NotebookRead']);
const PATH_TOOLS = new Set([...EDIT_TOOLS, ...READ_TOOLS]);
/** Tools with a specifier ccp can interpret, besides Bash, the path tools and WebFetch: the input field it means. */
const SPECIFIER_FIELDS: Record<string, string> = { Task: 'subagent_type', Agent: 'subagent_type', Skill: 'skill',
  WebSearch: 'query' };
const KNOWN_TOOLS = ['Bash', 'WebFetch', ...PATH_TOOLS, ...Object.keys(SPECIFIER_FIELDS), 'TodoWrite', 'BashOutput',
  'KillShell', 'ExitPlanMode', 'SlashCommand'];
const RULE_SHAPE = /^([A-Za-z][A-Za-z0-9_-]*(?:\*)?)(?:\((.*)\))?$/s;

export function parseRule(raw: string): PermissionRule {
  const text = raw.trim();
  if (text === '') throw new RuleSyntaxError(raw, 'it is empty');
  const match = RULE_SHAPE.exec(text);
  if (!match) {
    if (/^[A-Za-z][\w-]*\(/.test(text)) {
      throw new RuleSyntaxError(text, text.includes(')') ? 'text after the closing ")"' : 'missing ")" at the end');
    }
    throw new RuleSyntaxError(text, 'expected Tool or Tool(specifier), e.g. Bash(git push:*)');
  }
  const [, tool, specifier] = match;
  if (tool.includes('*') && !tool.startsWith('mcp__')) throw new RuleSyntaxError(text, '"*" in a tool name is for mcp__ tools only');
  const known = KNOWN_TOOLS.find((name) => name.toLowerCase() === tool.toLowerCase());
  if (known && known !== tool) throw new RuleSyntaxError(text, `tool names are case-sensitive: "${known}"`);
  if (specifier === undefined || specifier.trim() === '*') return { text, tool };
  if (specifier.trim() === '') throw new RuleSyntaxError(text, `empty specifier: write "${tool}" alone for every use`);
  if (tool === 'WebFetch' && !/^domain:\S+$/.test(specifier)) {
    throw new RuleSyntaxError(text, 'WebFetch takes "domain:<host>", e.g. WebFetch(domain:example.com)');
  }
  return { text, tool, specifier };
}

export type MatchMode = 'any' | 'all';

/**
 * The first rule that matches the tool use, or undefined. For compound Bash commands, `any` (deny rules) matches when
 * the whole command or any one part matches; `all` (allow rules) needs every part matched, each by some rule.
 */
export function matchingRule(rules: readonly PermissionRule[], request: ToolRequest, context: PathContext,
  mode: MatchMode): PermissionRule | undefined {
  const applicable = rules.filter((rule) => toolMatches(rule.tool, request.tool));
  const command = request.input.command;
  if (request.tool !== 'Bash' || typeof command !== 'string') {
    return applicable.find((rule) => specifierMatches(rule, request, context));
  }
  const parts = splitCommand(command);
  const matches = (rule: PermissionRule, text: string): boolean =>
    rule.specifier === undefined || commandPattern(rule.specifier).test(text);
  if (mode === 'any') {
    // The whole line too, for rules about pipelines (`curl * | sh`).
    const whole = normalizeCommand(command);
    return applicable.find((rule) => matches(rule, whole) || parts.some((part) => matches(rule, part)));
  }
  // Never the whole line: `Bash(git status:*)` must not allow `git status && rm -rf x`.
  const perPart = parts.map((part) => applicable.find((rule) => matches(rule, part)));
  return perPart.length > 0 && perPart.every(Boolean) ? perPart[0] : undefined;
}

function toolMatches(ruleTool: string, tool: string): boolean {
  if (ruleTool === tool) return true;
  if (ruleTool === 'Edit') return EDIT_TOOLS.has(tool);
  if (ruleTool === 'Read') return READ_TOOLS.has(tool);
  if (ruleTool.startsWith('mcp__')) {
    if (ruleTool.endsWith('*')) return tool.startsWith(ruleTool.slice(0, -1));
    // `mcp__server` covers every tool of that server.
    return ruleTool.split('__').length === 2 && tool.startsWith(`${ruleTool}__`);
  }
  return false;
}

function specifierMatches(rule: PermissionRule, request: ToolRequest, context: PathContext): boolean {
  if (rule.specifier === undefined) return true;
  const { input } = request;
  if (PATH_TOOLS.has(request.tool)) {
    const target = input.file_path ?? input.notebook_path ?? input.path;
    return typeof target === 'string' && pathPattern(rule.specifier, context).test(resolvePath(target, context));
  }
  if (request.tool === 'WebFetch') {
    const host = typeof input.url === 'string' ? hostOf(input.url) : undefined;
    const domain = rule.specifier.slice('domain:'.length).toLowerCase();
    if (!host) return false;
    return domain.startsWith('*.') ? host.endsWith(domain.slice(1)) : host === domain;
  }
  const field = SPECIFIER_FIELDS[request.tool];
  const value = field ? input[field] : undefined;
  return typeof value === 'string' && wildcardPattern(rule.specifier).test(value);
}

// ---- Bash ------------------------------------------------------------------------------------------------------

/** Anchored pattern for a Bash specifier: `*` is any text; a trailing ` *` or `:*` may also be absent. */
function commandPattern(specifier: string): RegExp {
  let body = normalizeCommand(specifier);
  if (body.endsWith(':*')) body = `${body.slice(0, -2)} *`;
  const optionalArgs = body.endsWith(' *') && body.length > 2;
  if (optionalArgs) body = body.slice(0, -2);
  return new RegExp(`^${body.split('*').map(escapeRegExp).join('[\\s\\S]*')}${optionalArgs ? '(?: [\\s\\S]*)?' : ''}$`);
}

/** One simple command (already split by a real parser, wrappers stripped) against a Bash rule's specifier. */
export const bashSpecifierMatches = (specifier: string | undefined, command: string): boolean =>
  specifier === undefined || commandPattern(specifier).test(normalizeCommand(command));

const wildcardPattern = (specifier: string): RegExp =>
  new RegExp(`^${specifier.split('*').map(escapeRegExp).join('[\\s\\S]*')}$`);

const normalizeCommand = (command: string): string => command.trim().replace(/\s+/g, ' ');

const OPERATORS = ['&&', '||', '|&', ';;', ';', '|', '&', '\n'];
// Wrappers Claude Code strips before matching, and leading variable assignments (`FOO=1 git push`).
const WRAPPER = /^(?:(?:timeout(?:\s+-\S+)*\s+\S+|time|nice(?:\s+-n\s*-?\d+|\s+-\d+)?|nohup|stdbuf(?:\s+-\S+)*)\s+|[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"]*"|\S*)\s+)/;
const TRAILING_REDIRECT = /\s+(?:\d*>>?|&>>?|\d*<)\s*(?:&\d+|[^\s'"&|;<>]+)$/;

/**
 * The simple commands of a shell command line: split at control operators outside quotes, plus the contents of
 * `$(…)` and backticks; subshell parentheses, wrappers, assignments and trailing redirections removed.
 */
export function splitCommand(command: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (quote) {
      if (ch === '\\' && quote === '"' && i + 1 < command.length) {
        current += ch + command[++i];
        continue;
      }
      if (ch === quote) quote = undefined;
      current += ch;
      continue;
    }
    if (ch === '\\' && i + 1 < command.length) {
      current += ch + command[++i];
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
      continue;
    }
    const operator = OPERATORS.find((op) => command.startsWith(op, i));
    // `>&` and `&>` are redirections, not the background operator.
    if (operator && !(operator === '&' && (command[i - 1] === '>' || command[i + 1] === '>'))) {
      parts.push(current);
      current = '';
      i += operator.length - 1;
      continue;
    }
    current += ch;
  }
  parts.push(current);
  const nested = [...command.matchAll(/\$\(([^()]*)\)|`([^`]*)`/g)].flatMap((m) => splitCommand(m[1] ?? m[2]));
  return [...parts.map(simpleCommand), ...nested].filter((part) => part !== '');
}

function simpleCommand(part: string): string {
  let text = normalizeCommand(part).replace(/^[({]\s*/, '').replace(/\s*[)}]$/, '');
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(WRAPPER, '').replace(TRAILING_REDIRECT, '');
  }
  return text;
}

// ---- paths -----------------------------------------------------------------------------------------------------

/** A gitignore-style rule path as an anchored pattern over absolute, normalized paths. */
function pathPattern(specifier: string, context: PathContext): RegExp {
  let spec = specifier.trim();
  let base: string;
  if (spec.startsWith('//')) {
    base = '/';
    spec = spec.slice(2);
  } else if (spec === '~' || spec.startsWith('~/')) {
    base = context.home;
    spec = spec.slice(2);
  } else if (spec.startsWith('/')) {
    base = context.cwd;
    spec = spec.slice(1);
  } else if (spec.startsWith('./')) {
    base = context.cwd;
    spec = spec.slice(2);
  } else {
    base = context.cwd;
    // gitignore: a name without a slash (other than a trailing one) matches at any depth.
    if (!spec.replace(/\/$/, '').includes('/')) spec = `**/${spec}`;
  }
  spec = spec.replace(/\/+$/, '');
  const anchored = normalizePath(`${base}/${spec}`);
  return new RegExp(`^${globToRegExp(anchored)}(?:/.*)?$`);
}

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      out += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (ch === '*') {
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else {
      out += escapeRegExp(ch);
    }
  }
  return out;
}

function resolvePath(target: string, context: PathContext): string {
  if (target === '~' || target.startsWith('~/')) return normalizePath(`${context.home}/${target.slice(1)}`);
  return normalizePath(target.startsWith('/') ? target : `${context.cwd}/${target}`);
}

/** `/a/./b/../c//` → `/a/c`: absolute, without `.`, `..` or empty segments (no `**` collapsing). */
export function normalizePath(absolute: string): string {
  const out: string[] = [];
  for (const segment of absolute.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

function hostOf(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url.trim());
  return match ? match[1].toLowerCase() : undefined;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
