// The agent-neutral policy engine: one tool request from one session → allow, deny or ask, with a reason the model
// and a person can read. Safe with nothing configured: what it cannot classify is asked about, never allowed.
// `await loadShellParser()` once before evaluating Bash requests; evaluate is then synchronous (well under 10 ms).
import { judgeCommand, judgeWords } from './commands.js';
import { checkWord, literalWord, pathLike, type Env, type Judged } from './command-args.js';
import { judgeFileTool, FILE_TOOLS } from './file-tools.js';
import { applyRules, deniedWhole, parseDocument, PolicyError, sessionRules, type PolicyDocument, type SessionRules }
  from './policy-document.js';
import { makeScope, type Scope } from './scopes.js';
import { parseShell, type Redirect } from './shell-parse.js';
import { allow, ask, deny, worst, type PolicyContext, type PolicyVerdict, type ToolRequest } from './types.js';
import { DOC_HOSTS, judgeUrl } from './web.js';
import { writtenThenRun } from './write-then-run.js';

export interface Policy {
  evaluate(request: ToolRequest, context: PolicyContext): PolicyVerdict;
  /** The web allowlist: documentation hosts plus the policy's WebFetch(domain:…) allow rules (for the sandbox). */
  web: { allowedDomains: string[] };
}

// Claude Code's own tools that only plan, track or delegate (a subagent's tool uses are judged one by one).
const HARMLESS = new Set(['TodoWrite', 'TodoRead', 'Task', 'Agent', 'ExitPlanMode', 'EnterPlanMode', 'BashOutput',
  'KillShell', 'KillBash', 'TaskOutput', 'AskUserQuestion', 'Skill', 'SlashCommand', 'WebSearch', 'ListMcpResources']);

/** A policy from the policy file's JSON (undefined: the built-in policy alone); throws PolicyError naming a bad rule. */
export function createPolicy(document?: unknown): Policy {
  const doc = parseDocument(document);
  const domains = doc.allow.map((rule) => /^WebFetch\(domain:([^)]+)\)$/.exec(rule.trim())?.[1]).filter((d): d is string => !!d);
  const cache = new Map<string, SessionRules>();
  const rulesFor = (scope: Scope): SessionRules => {
    const key = `${scope.worktree}\0${scope.home}`;
    let rules = cache.get(key);
    if (!rules) {
      rules = sessionRules(doc, scope.worktree, scope.home);
      if (cache.size > 64) cache.clear();
      cache.set(key, rules);
    }
    return rules;
  };
  return {
    evaluate: (request, context) => evaluate(request, context, doc, rulesFor, domains),
    web: { allowedDomains: [...DOC_HOSTS, ...domains] },
  };
}

function evaluate(request: ToolRequest, context: PolicyContext, doc: PolicyDocument,
  rulesFor: (scope: Scope) => SessionRules, domains: string[]): PolicyVerdict {
  const scope = makeScope(context);
  const session = rulesFor(scope);
  const pieces = judgeRequest(request, scope, domains);
  const whole = deniedWhole(request, session);
  if (whole) {
    return { decision: 'deny', reason: `ccp policy: denied by rule ${whole.text}`, rule: whole.text,
      category: worst(pieces.map((p) => p.verdict), allow('')).category ?? 'unknown' };
  }
  const verdicts = pieces.map((piece) => applyRules(piece.verdict, piece.request, session));
  const out = worst(verdicts, ask('unknown', `nothing in ${request.tool} could be judged`));
  if (out.decision !== 'allow' || verdicts.length <= 1) return out;
  // Several allowed pieces: one reason, the rule if one decided.
  const ruled = verdicts.find((v) => v.rule);
  return ruled ?? { ...out, reason: `${out.reason}${verdicts.length > 1 ? ` (and ${verdicts.length - 1} more, all allowed)` : ''}` };
}

function judgeRequest(request: ToolRequest, scope: Scope, domains: string[]): Judged[] {
  const { tool, input } = request;
  if (tool === 'Bash') {
    const command = input.command;
    if (typeof command !== 'string') return [{ verdict: ask('unknown', 'Bash request without a command') }];
    const env: Env = { scope, depth: 0, secretMentioned: false, judgeShell, judgeWords };
    return judgeShell(command, scope.worktree, env);
  }
  if (FILE_TOOLS.has(tool)) return judgeFileTool(request, scope);
  if (tool === 'WebFetch') {
    const url = input.url;
    return [{ verdict: typeof url === 'string' ? judgeUrl(url, domains) : deny('web', 'WebFetch without a URL'), request }];
  }
  if (tool.startsWith('mcp__') || tool === 'ListMcpResourcesTool' || tool === 'ReadMcpResourceTool') {
    return [{ verdict: deny('mcp', `MCP tool ${tool} is off unless the policy file allows it by name (e.g. "allow": ["${tool}"])`), request }];
  }
  if (HARMLESS.has(tool)) return [{ verdict: allow(`${tool} is one of the agent's own harmless tools`), request }];
  return [{ verdict: ask('unknown', `ccp does not know the tool ${tool || '(unnamed)'}`), request }];
}

const SECRET_VAR = /\$\{?[A-Za-z_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)[A-Za-z0-9_]*\}?/;

/** A shell string: every simple command, redirection and unparseable part, judged on its own. */
function judgeShell(text: string, cwd: string | null, outer: Env): Judged[] {
  const script = parseShell(text, cwd, outer.scope.home);
  const env: Env = { ...outer, secretMentioned: outer.secretMentioned || mentionsSecret(script.commands, outer) };
  const out: Judged[] = script.problems.map((problem) => ({ verdict: ask('unknown', problem) }));
  if (script.problems.length > 0) out.push(...namedInUnparsed(text, env));
  const secretVar = SECRET_VAR.exec(text);
  if (secretVar) out.push({ verdict: deny('secrets', `uses ${secretVar[0]}, a secret from the environment; tokens stay out of commands`) });
  for (const redirect of script.redirects) out.push(judgeRedirect(redirect, env));
  for (const cmd of script.commands) out.push(...judgeCommand(cmd, env));
  if (env.depth < 6) out.push(...writtenThenRun(script, env));
  if (script.commands.some((cmd) => cmd.words.some((w) => w.ifs))) {
    out.push({ verdict: ask('unknown', 'the command uses $IFS to hide word boundaries') });
  }
  return out;
}

/** Text the parser could not follow (`{sudo,id}`): a dangerous command named anywhere in it is refused outright. */
function namedInUnparsed(text: string, env: Env): Judged[] {
  const tokens = new Set(text.split(/[^A-Za-z0-9_.\/-]+/).map((t) => t.replace(/^.*\//, '')).filter(Boolean));
  const out: Judged[] = [];
  for (const token of [...tokens].slice(0, 64)) {
    const refused = judgeWords([literalWord(token)], { cwd: env.scope.worktree, stdin: { kind: 'none' } }, env)
      .find((j) => j.verdict.decision === 'deny' && j.verdict.category !== 'unknown');
    if (refused) out.push({ verdict: { ...refused.verdict, reason: `${refused.verdict.reason} (in text ccp cannot parse)` } });
  }
  return out;
}

function mentionsSecret(commands: ReturnType<typeof parseShell>['commands'], env: Env): boolean {
  return commands.some((cmd) => cmd.words.some((word) => word.values?.some((path) => pathLike(path)
    && checkWord({ ...word, values: [path] }, 'read', { cwd: cmd.cwd }, env).category === 'secrets')));
}

function judgeRedirect(redirect: Redirect, env: Env): Judged {
  const { op, target } = redirect;
  const text = target.values?.[0];
  if (/^[<>]&$/.test(op) && (text === undefined ? false : /^(?:\d+|-)$/.test(text))) {
    return { verdict: allow('duplicates a file descriptor') };
  }
  const reading = op === '<' || op === '<&';
  const verdict = checkWord(target, reading ? 'read' : 'write', { cwd: redirect.cwd }, env);
  return { verdict, request: { tool: reading ? 'Read' : 'Write', input: { file_path: text ?? target.raw } } };
}

export { PolicyError };
export type { PolicyVerdict };
