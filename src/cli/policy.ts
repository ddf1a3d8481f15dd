// `ccp policy check`: JSON lines of tool requests on stdin → one verdict per line on stdout, judged exactly as the
// worker judges them (same policy file, real paths on this filesystem). Users test a policy before a night run.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Policy } from '../policy/engine.js';
import { physicalRealpath } from '../policy/realpath.js';
import { loadPolicyFile } from '../policy/policy-file.js';
import { PolicyError } from '../policy/policy-document.js';
import { loadShellParser } from '../policy/shell-parse.js';
import type { PolicyContext } from '../policy/types.js';

export interface CheckOptions {
  home?: string;
  policy?: string;
  branch?: string;
  worktrees?: string;
}

/** subissue-<n> worktrees are on subissue/<n>; otherwise the worktree's HEAD, read from its .git. */
export function deriveBranch(worktree: string): string | undefined {
  const named = /^subissue-(\d+)$/.exec(path.basename(worktree));
  if (named) return `subissue/${named[1]}`;
  try {
    let gitDir = path.join(worktree, '.git');
    const dotGit = readFileSync(gitDir, 'utf8');
    const pointer = /^gitdir:\s*(.+)$/m.exec(dotGit);
    if (pointer) gitDir = path.resolve(worktree, pointer[1].trim());
    return branchFromHead(readFileSync(path.join(gitDir, 'HEAD'), 'utf8'));
  } catch {
    try {
      return branchFromHead(readFileSync(path.join(worktree, '.git', 'HEAD'), 'utf8'));
    } catch {
      return undefined;
    }
  }
}

const branchFromHead = (head: string): string | undefined => /^ref:\s*refs\/heads\/(.+)$/m.exec(head)?.[1].trim();

function loadPolicy(options: CheckOptions, env: NodeJS.ProcessEnv, ccpHome: string): Policy {
  const file = options.policy ?? env.CCP_POLICY_FILE
    ?? (existsSync(path.join(ccpHome, 'policy.json')) ? path.join(ccpHome, 'policy.json') : undefined);
  return loadPolicyFile(file);
}

/** Reads requests from `input` until it ends; returns the exit code (0: every line was read). */
export async function runPolicyCheck(options: CheckOptions, input: NodeJS.ReadableStream, write: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const ccpHome = path.resolve(env.CCP_HOME ?? path.join(homedir(), '.ccp'));
  const policy = loadPolicy(options, env, ccpHome);
  await loadShellParser();
  const home = path.resolve(options.home ?? env.HOME ?? homedir());
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    if (line.trim() === '') continue;
    write(JSON.stringify(checkLine(line, n, policy, { home, ccpHome, options })));
  }
  return 0;
}

function checkLine(line: string, n: number, policy: Policy, where: { home: string; ccpHome: string; options: CheckOptions })
  : Record<string, unknown> {
  const bad = (why: string) => ({ decision: 'deny', reason: `input line ${n} is not ${why}`, error: true });
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return bad('valid JSON');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return bad('a JSON object');
  const { tool_name: tool, tool_input: toolInput, cwd } = event as Record<string, unknown>;
  if (typeof tool !== 'string' || tool === '') return bad('a request: "tool_name" must be a string');
  if (toolInput !== undefined && (typeof toolInput !== 'object' || toolInput === null || Array.isArray(toolInput))) {
    return bad('a request: "tool_input" must be an object');
  }
  if (typeof cwd !== 'string' || !path.isAbsolute(cwd)) return bad('a request: "cwd" must be an absolute path (the worktree)');
  const worktree = path.resolve(cwd);
  const worktreesRoot = path.join(where.ccpHome, 'worktrees');
  const worktreesDir = where.options.worktrees ? path.resolve(where.options.worktrees)
    : path.dirname(worktree) === worktreesRoot || worktree.startsWith(`${worktreesRoot}/`) ? path.dirname(worktree) : undefined;
  const branch = where.options.branch ?? deriveBranch(worktree);
  const context: PolicyContext = { worktree, home: where.home, stateDir: where.ccpHome, realpath: physicalRealpath,
    ...(branch ? { branch } : {}), ...(worktreesDir ? { worktreesDir } : {}) };
  const verdict = policy.evaluate({ tool, input: (toolInput ?? {}) as Record<string, unknown> }, context);
  return { decision: verdict.decision, reason: verdict.reason, ...(verdict.rule ? { rule: verdict.rule } : {}),
    ...(verdict.category ? { category: verdict.category } : {}) };
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('test the approval policy');
  policy
    .command('check')
    .description('judge tool requests read as JSON lines on stdin ({"tool_name", "tool_input", "cwd"}); one verdict per line')
    .option('--home <dir>', "the agent's HOME (default: yours)")
    .option('--policy <file>', 'policy file (default: CCP_POLICY_FILE, else $CCP_HOME/policy.json if present)')
    .option('--branch <branch>', "the session's branch (default: subissue/<n> for a subissue-<n> worktree, else its HEAD)")
    .option('--worktrees <dir>', "where all sessions' worktrees live (default: the parent of cwd under $CCP_HOME/worktrees)")
    // Usage errors exit 2, so a script can tell them from verdicts.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (options: CheckOptions) => {
      try {
        process.exitCode = await runPolicyCheck(options, process.stdin, (line) => process.stdout.write(`${line}\n`));
      } catch (err) {
        if (!(err instanceof PolicyError)) throw err;
        console.error(`ccp: ${err.message}`);
        process.exit(2);
      }
    });
}
