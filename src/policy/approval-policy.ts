// ccp's answer to an agent's dialog. Tool prompts are judged by Claude Code permission rules (permission-rules.ts),
// deny rules first: a small default deny set (destructive or privileged commands, and pushing/opening PRs, which ccp
// does itself) plus the user's policy file; a tool use no rule matches is allowed unless the policy says otherwise.
// The trust dialog is for ccp's own worktree; the API key is the one ccp put in the agent's environment. Pure.
import type { Dialog } from '../agents/claude-code/dialogs.js';
import { matchingRule, parseRule, RuleSyntaxError, type PathContext, type PermissionRule, type ToolRequest }
  from './rules.js';

export interface ApprovalPolicy {
  /** Claude Code permission rules ("Bash(git push:*)", "Edit(//etc/**)"): a tool use matching one is denied. */
  deny: string[];
  /** Rules checked after the deny rules; a match is recorded as the reason to allow. */
  allow: string[];
  /** A tool use no rule matches: allowed by default. */
  unmatched?: 'allow' | 'deny';
  /** Trust the folder (ccp's worktree) when asked; default true. */
  trustWorkspace?: boolean;
  /** Use the API key found in the environment when asked; default true. */
  useApiKey?: boolean;
}

export interface ApprovalDecision {
  decision: 'allow' | 'deny';
  reason: string;
  /** The rule that decided, when one did. */
  rule?: string;
  /** The tool the dialog asked for ("Bash", "Write", …), when known. */
  tool?: string;
}

/** Why each default rule denies: the agent reads this as the refusal's reason. */
export const DEFAULT_DENY_RULES: ReadonlyArray<{ rule: string; reason: string }> = [
  ...['/', '~', '~/', '$HOME', '"$HOME"'].map((target) =>
    ({ rule: `Bash(rm * ${target} *)`, reason: 'removes the root or home directory' })),
  { rule: 'Bash(git push:*)', reason: 'ccp pushes the branch itself' },
  { rule: 'Bash(gh pr create:*)', reason: 'ccp opens and merges pull requests itself' },
  { rule: 'Bash(gh pr merge:*)', reason: 'ccp opens and merges pull requests itself' },
  { rule: 'Bash(sudo:*)', reason: 'no privileged commands' },
  ...['curl', 'wget'].flatMap((tool) => ['sh', 'bash', 'zsh', 'dash'].map((shell) =>
    ({ rule: `Bash(${tool} * | ${shell} *)`, reason: 'no piping downloads into a shell' }))),
];

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  deny: DEFAULT_DENY_RULES.map(({ rule }) => rule),
  allow: [],
};

export interface DecideContext {
  /** The exact tool use from the PermissionRequest hook; else it is read from the dialog on screen. */
  request?: ToolRequest;
  /** For path rules; default "/" for both. */
  paths?: PathContext;
}

export function decide(dialog: Dialog, policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY, context: DecideContext = {})
  : ApprovalDecision {
  switch (dialog.kind) {
    case 'tool':
      return decideTool(dialog, policy, context);
    case 'trust':
      return policy.trustWorkspace ?? true
        ? { decision: 'allow', reason: 'the folder is a ccp worktree' }
        : { decision: 'deny', reason: 'ccp policy: workspace trust is disabled' };
    case 'api-key':
      return policy.useApiKey ?? true
        ? { decision: 'allow', reason: 'the key is the one ccp configured for the agent' }
        : { decision: 'deny', reason: 'ccp policy: the environment API key is not to be used' };
    default:
      return { decision: 'deny', reason: `ccp does not know this dialog (${dialog.title || 'untitled'})` };
  }
}

function decideTool(dialog: Dialog, policy: ApprovalPolicy, context: DecideContext): ApprovalDecision {
  const request = toolRequest(dialog, context.request);
  const paths = context.paths ?? { cwd: '/', home: '/' };
  const tool = request.tool || undefined;
  const denied = matchingRule(policy.deny.map(parseRule), request, paths, 'any');
  if (denied) {
    const known = DEFAULT_DENY_RULES.find(({ rule }) => rule === denied.text);
    return { decision: 'deny', reason: `ccp policy: ${known?.reason ?? `denied by rule ${denied.text}`}`,
      rule: denied.text, tool };
  }
  const allowed = matchingRule(policy.allow.map(parseRule), request, paths, 'all');
  if (allowed) return { decision: 'allow', reason: `allowed by rule ${allowed.text}`, rule: allowed.text, tool };
  if (policy.unmatched === 'deny') {
    return { decision: 'deny', reason: `ccp policy: no allow rule covers this ${dialog.title || 'tool use'}`, tool };
  }
  return { decision: 'allow', reason: `${dialog.title || 'tool use'} is allowed by ccp policy`, tool };
}

// Dialog titles Claude Code draws for each tool, for when the hook's exact input is missing.
const TITLE_TOOLS: Array<[RegExp, string, string]> = [
  [/^Bash command/i, 'Bash', 'command'],
  [/^(?:Create|Write|Overwrite) file/i, 'Write', 'file_path'],
  [/^Edit (?:file|notebook)/i, 'Edit', 'file_path'],
  [/^Read file/i, 'Read', 'file_path'],
  [/^Fetch/i, 'WebFetch', 'url'],
];
const FAMILIES = [['Bash'], ['Write', 'Edit', 'MultiEdit', 'NotebookEdit'], ['Read', 'Glob', 'Grep', 'LS'], ['WebFetch']];

/**
 * The tool use behind a dialog: the hook's exact one when it fits the dialog on screen (same kind of tool), else
 * what the screen shows (commands and paths there may be wrapped or shortened).
 */
export function toolRequest(dialog: Dialog, exact?: ToolRequest): ToolRequest {
  const byTitle = TITLE_TOOLS.find(([title]) => title.test(dialog.title));
  if (exact && (!byTitle || sameFamily(byTitle[1], exact.tool))) return exact;
  if (!byTitle) return { tool: '', input: {} };
  return { tool: byTitle[1], input: { [byTitle[2]]: dialog.subject } };
}

const sameFamily = (a: string, b: string): boolean =>
  a === b || FAMILIES.some((family) => family.includes(a) && family.includes(b));

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

const POLICY_KEYS = ['allow', 'deny', 'unmatched'];

/**
 * A policy document (`{ "allow": [...], "deny": [...], "unmatched": "allow" | "deny" }`) merged on top of `base`:
 * its deny rules join the base's, its allow rules follow the base's. Every rule is checked; a bad one is named.
 */
export function policyFromDocument(document: unknown, base: ApprovalPolicy = DEFAULT_APPROVAL_POLICY): ApprovalPolicy {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new PolicyError('expected a JSON object like {"allow": [...], "deny": [...]}');
  }
  const doc = document as Record<string, unknown>;
  const unknown = Object.keys(doc).filter((key) => !POLICY_KEYS.includes(key));
  if (unknown.length > 0) throw new PolicyError(`unknown key "${unknown[0]}" (known: ${POLICY_KEYS.join(', ')})`);
  const rules = (key: 'allow' | 'deny'): string[] => {
    const list = doc[key] ?? [];
    if (!Array.isArray(list)) throw new PolicyError(`"${key}" must be an array of rule strings`);
    return list.map((rule: unknown) => {
      if (typeof rule !== 'string') throw new PolicyError(`${key} rule ${JSON.stringify(rule)} is not a string`);
      try {
        parseRule(rule);
      } catch (err) {
        if (err instanceof RuleSyntaxError) throw new PolicyError(`${key} ${err.message}`);
        throw err;
      }
      return rule.trim();
    });
  };
  const { unmatched } = doc;
  if (unmatched !== undefined && unmatched !== 'allow' && unmatched !== 'deny') {
    throw new PolicyError('"unmatched" must be "allow" or "deny"');
  }
  return { ...base, deny: [...base.deny, ...rules('deny')], allow: [...base.allow, ...rules('allow')],
    ...(unmatched ? { unmatched } : {}) };
}

export type { PermissionRule, ToolRequest, PathContext };
