// The user's policy file: `{"allow": [...], "deny": [...], "ask": [...]}` in Claude Code's rule syntax, with
// `${worktree}` and `${home}` expanded per session. Applied to each judged piece of a request in the order
// user deny > built-in deny > user ask > user allow > built-in verdict; a built-in deny is lifted only by an allow
// rule that names what it allows (not `Bash`, `Bash(*)` or `Edit(//**)`).
import { bashSpecifierMatches, matchingRule, parseRule, RuleSyntaxError, type PermissionRule } from './rules.js';
import type { PolicyVerdict, ToolRequest } from './types.js';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

export interface PolicyDocument {
  allow: string[];
  deny: string[];
  ask: string[];
  /** What to do with what the built-in policy asks about: ask (default) or deny (nobody is there to answer). */
  unmatched: 'ask' | 'deny';
}

const KEYS = ['allow', 'deny', 'ask', 'unmatched'] as const;
const PLACEHOLDER = /\$\{([a-z_]+)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['worktree', 'home']);

/** Checks a policy document; a PolicyError names the bad key or rule. */
export function parseDocument(document: unknown): PolicyDocument {
  if (document === undefined || document === null) return { allow: [], deny: [], ask: [], unmatched: 'ask' };
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new PolicyError('expected a JSON object like {"allow": [...], "deny": [...], "ask": [...]}');
  }
  const doc = document as Record<string, unknown>;
  const unknown = Object.keys(doc).find((key) => !(KEYS as readonly string[]).includes(key));
  if (unknown) throw new PolicyError(`unknown key "${unknown}" (known: ${KEYS.join(', ')})`);
  const list = (key: 'allow' | 'deny' | 'ask'): string[] => {
    const rules = doc[key] ?? [];
    if (!Array.isArray(rules)) throw new PolicyError(`"${key}" must be an array of rule strings`);
    return rules.map((rule: unknown) => {
      if (typeof rule !== 'string') throw new PolicyError(`${key} rule ${JSON.stringify(rule)} is not a string`);
      for (const [, name] of rule.matchAll(PLACEHOLDER)) {
        if (!KNOWN_PLACEHOLDERS.has(name)) {
          throw new PolicyError(`${key} rule "${rule.trim()}" uses \${${name}}; the placeholders are \${worktree} and \${home}`);
        }
      }
      try {
        parseRule(expand(rule, { worktree: '/worktree', home: '/home' }));
      } catch (err) {
        if (err instanceof RuleSyntaxError) throw new PolicyError(`${key} ${err.message}`);
        throw err;
      }
      return rule.trim();
    });
  };
  const unmatched = doc.unmatched ?? 'ask';
  if (unmatched !== 'ask' && unmatched !== 'deny') throw new PolicyError('"unmatched" must be "ask" or "deny"');
  return { allow: list('allow'), deny: list('deny'), ask: list('ask'), unmatched };
}

const PATH_RULE = /^(?:Read|Edit|Write|MultiEdit|NotebookEdit|NotebookRead|Glob|Grep|LS)\(/;

/** `${worktree}` and `${home}`; at the start of a path rule they become `//abs` (Claude Code's absolute form). */
export function expand(rule: string, places: { worktree: string; home: string }): string {
  const text = rule.trim();
  const open = text.indexOf('(');
  if (PATH_RULE.test(text)) {
    const spec = text.slice(open + 1).replace(/^\$\{(worktree|home)\}/, (_, name: 'worktree' | 'home') => `/${places[name]}`);
    return `${text.slice(0, open + 1)}${spec.replace(PLACEHOLDER, (_, name: 'worktree' | 'home') => places[name])}`;
  }
  return text.replace(PLACEHOLDER, (_, name: 'worktree' | 'home') => places[name]);
}

export interface SessionRules {
  allow: PermissionRule[];
  deny: PermissionRule[];
  ask: PermissionRule[];
  unmatched: 'ask' | 'deny';
  paths: { cwd: string; home: string };
}

export function sessionRules(doc: PolicyDocument, worktree: string, home: string): SessionRules {
  const parse = (rules: string[]) => rules.map((rule) => ({ ...parseRule(expand(rule, { worktree, home })), text: rule }));
  return { allow: parse(doc.allow), deny: parse(doc.deny), ask: parse(doc.ask), unmatched: doc.unmatched,
    paths: { cwd: worktree, home } };
}

/** Names what it allows: a specifier with more than wildcards, or an MCP server or tool by name. */
export function isSpecific(rule: PermissionRule): boolean {
  if (rule.tool.startsWith('mcp__')) return !rule.tool.endsWith('*');
  if (rule.specifier === undefined) return false;
  return rule.specifier.replace(/^domain:/, '').replace(/[*?:/.~\s]/g, '') !== '';
}

function matches(rules: PermissionRule[], request: ToolRequest, session: SessionRules): PermissionRule | undefined {
  if (request.tool === 'Bash') {
    const command = String(request.input.command ?? '');
    return rules.find((rule) => rule.tool === 'Bash' && bashSpecifierMatches(rule.specifier, command));
  }
  return matchingRule(rules, request, session.paths, 'any');
}

/** The user's rules applied to one built-in verdict about `request`. */
export function applyRules(builtin: PolicyVerdict, request: ToolRequest | undefined, session: SessionRules): PolicyVerdict {
  const category = builtin.category;
  if (request) {
    const denied = matches(session.deny, request, session);
    if (denied) return { decision: 'deny', reason: `ccp policy: denied by rule ${denied.text}`, rule: denied.text, category };
  }
  if (builtin.decision === 'deny') {
    // Lifted, the built-in verdict steps aside and the user's ask and allow rules decide.
    const lifted = request && matches(session.allow.filter(isSpecific), request, session);
    if (!lifted) return builtin;
  }
  if (request) {
    const asked = matches(session.ask, request, session);
    if (asked) return { decision: 'ask', reason: `ccp policy: rule ${asked.text} asks a person`, rule: asked.text, category };
    const allowed = matches(session.allow, request, session);
    if (allowed) return { decision: 'allow', reason: `allowed by rule ${allowed.text}`, rule: allowed.text, category };
  }
  if (builtin.decision === 'ask' && session.unmatched === 'deny') {
    return { ...builtin, decision: 'deny', reason: `${builtin.reason} (the policy denies what it would ask about)` };
  }
  return builtin;
}

/** Deny rules against a whole command line too, for rules about pipelines (`Bash(curl * | sh)`). */
export function deniedWhole(request: ToolRequest, session: SessionRules): PermissionRule | undefined {
  return request.tool === 'Bash' ? matchingRule(session.deny, request, session.paths, 'any') : undefined;
}
