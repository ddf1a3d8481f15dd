// The red-team corpus of tool requests (test/fixtures/policy/*.jsonl) and a throwaway machine to judge it on: a home
// with secrets, ccp's state dir, the session's worktree (a real git repo on subissue/12 with symlinks that escape it)
// and another session's worktree. `ccp policy check` judges every request in one process.
import { execa } from 'execa';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync }
  from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CCP_BIN } from '../../src/stack/stack.js';

export type Decision = 'allow' | 'deny' | 'ask';
export type Kind = 'dangerous' | 'benign';

export interface PolicyRequest {
  tool_name: string;
  tool_input: Record<string, unknown>;
  cwd: string;
}

export interface CorpusEntry {
  id: string;
  kind: Kind;
  category: string;
  request: PolicyRequest;
  expect: Decision;
  note: string;
  /** 1-based line in the corpus file. */
  line: number;
}

export interface PolicyAnswer {
  decision: Decision;
  reason: string;
  rule?: string;
}

/** The corpus in the repository; CCP_POLICY_CORPUS points the test at another file of the same format. */
export const DEFAULT_CORPUS = new URL('../../../test/fixtures/policy/redteam.jsonl', import.meta.url);

/** Every line parsed; a line that is not JSON throws with its number. Fields are checked by `entryProblems`. */
export function loadCorpus(file: string | URL): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    try {
      entries.push({ ...(JSON.parse(text) as Omit<CorpusEntry, 'line'>), line: index + 1 });
    } catch (error) {
      throw new Error(`${String(file)}:${index + 1} is not JSON: ${(error as Error).message}`);
    }
  });
  return entries;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with one entry's fields ([] when nothing). */
export function entryProblems(entry: CorpusEntry): string[] {
  const problems: string[] = [];
  const e = entry as unknown as Record<string, unknown>;
  if (typeof e.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/i.test(e.id)) problems.push('id must be a kebab-case string');
  if (e.kind !== 'dangerous' && e.kind !== 'benign') problems.push('kind must be "dangerous" or "benign"');
  if (typeof e.category !== 'string' || e.category === '') problems.push('category must be a non-empty string');
  if (typeof e.note !== 'string' || e.note === '') problems.push('note must say why');
  if (e.kind === 'benign' && e.expect !== 'allow') problems.push('a benign entry expects "allow"');
  if (e.kind === 'dangerous' && e.expect !== 'deny' && e.expect !== 'ask') problems.push('a dangerous entry expects "deny" or "ask"');
  const request = e.request;
  if (!isObject(request)) {
    problems.push('request must be an object');
  } else {
    if (typeof request.tool_name !== 'string' || request.tool_name === '') problems.push('request.tool_name must be a non-empty string');
    if (!isObject(request.tool_input)) problems.push('request.tool_input must be an object');
    if (typeof request.cwd !== 'string' || request.cwd === '') problems.push('request.cwd must be a non-empty string');
    if (request.tool_name === 'Bash' && isObject(request.tool_input) && typeof request.tool_input.command !== 'string') {
      problems.push('a Bash request needs tool_input.command');
    }
  }
  return problems;
}

/** The corpus's placeholders. Case matters: ${HOME} and ${IFS} in a command are the shell's and stay as written. */
export const PLACEHOLDER = /\$\{(worktree|other|home|state)\}/g;
export type Places = Record<'worktree' | 'other' | 'home' | 'state', string>;

/** Substitutes the placeholders in every string of a parsed value (so JSON quoting is never involved). */
export function substitute<T>(value: T, places: Places): T {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (_, name: keyof Places) => places[name]) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => substitute(item, places)) as T;
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, places)])) as T;
  }
  return value;
}

export interface PolicyBed {
  root: string;
  places: Places;
  /** Env for `ccp policy check`: CCP_HOME is the state dir, no policy file from the caller's environment. */
  env: Record<string, string>;
  close(): void;
}

function write(file: string, content: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, { mode });
}

/** Symlinks the bed creates inside the worktree; removed before the tree is deleted, never followed. */
const LINKS = (places: Places): Array<[string, string]> => [
  [path.join(places.worktree, 'link-ssh'), path.join(places.home, '.ssh')],
  [path.join(places.worktree, 'escape'), '/'],
  // ".ѕsh" with a Cyrillic dze: the name is not ".ssh", the target is.
  [path.join(places.worktree, '.\u0455sh'), path.join(places.home, '.ssh')],
];

/**
 * root/home            the agent's home, with fake secrets
 * root/ccp-home        ccp's state dir (CCP_HOME), with an audit log and a run dir; no policy.json (default policy)
 *   worktrees/subissue-12   the session's worktree: git repo on subissue/12, origin = root/origin.git
 *   worktrees/subissue-13   another session's worktree, with a .env
 */
export async function makePolicyBed(): Promise<PolicyBed> {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'ccp-policy-corpus-')));
  const home = path.join(root, 'home');
  const state = path.join(root, 'ccp-home');
  const places: Places = {
    home,
    state,
    worktree: path.join(state, 'worktrees', 'subissue-12'),
    other: path.join(state, 'worktrees', 'subissue-13'),
  };
  const fake = 'FAKE-TEST-SECRET-not-a-real-credential';
  write(path.join(home, '.ssh', 'id_rsa'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${fake}\n-----END OPENSSH PRIVATE KEY-----\n`, 0o600);
  write(path.join(home, '.ssh', 'id_ed25519'), `-----BEGIN OPENSSH PRIVATE KEY-----\n${fake}\n-----END OPENSSH PRIVATE KEY-----\n`, 0o600);
  write(path.join(home, '.ssh', 'authorized_keys'), '', 0o600);
  write(path.join(home, '.aws', 'credentials'), `[default]\naws_access_key_id = AKIAFAKE\naws_secret_access_key = ${fake}\n`, 0o600);
  write(path.join(home, '.config', 'gh', 'hosts.yml'), `github.com:\n    oauth_token: gho_${fake}\n    user: ada\n`, 0o600);
  write(path.join(home, '.netrc'), `machine github.com login ada password ${fake}\n`, 0o600);
  write(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: fake } } }), 0o600);
  write(path.join(home, '.gnupg', 'private-keys-v1.d', 'ABCDEF.key'), fake, 0o600);
  write(path.join(home, '.kube', 'config'), `users: [{name: ada, user: {token: ${fake}}}]\n`, 0o600);
  write(path.join(home, '.git-credentials'), `https://ada:${fake}@github.com\n`, 0o600);
  write(path.join(home, '.npmrc'), `//registry.npmjs.org/:_authToken=${fake}\n`, 0o600);
  write(path.join(home, '.bashrc'), '# end\n');
  write(path.join(home, '.profile'), '');
  write(path.join(home, '.gitconfig'), '[user]\n\tname = ada\n');
  write(path.join(state, 'approvals.jsonl'), '');
  mkdirSync(path.join(state, 'logs'), { recursive: true });
  write(path.join(state, 'run', 'subissue-12', 'hook-secret'), fake, 0o600);
  write(path.join(places.other, '.env'), `DATABASE_URL=postgres://ada:${fake}@db/prod\n`);
  write(path.join(places.other, 'src', 'index.ts'), 'export const other = 13;\n');

  const worktree = places.worktree;
  write(path.join(worktree, 'README.md'), '# widgets\n');
  write(path.join(worktree, 'package.json'), JSON.stringify({ name: 'widgets', version: '1.0.0', scripts: { test: 'node -e 0' } }, null, 2));
  write(path.join(worktree, 'src', 'index.ts'), 'const a = 1;\nexport default a;\n');
  write(path.join(worktree, '.env.example'), 'DATABASE_URL=\n');
  const origin = path.join(root, 'origin.git');
  const git = (cwd: string, ...args: string[]) =>
    execa('git', ['-c', 'user.email=ccp@example.com', '-c', 'user.name=ccp test', '-c', 'commit.gpgsign=false', ...args],
      { cwd, env: { GIT_CONFIG_NOSYSTEM: '1', HOME: home } });
  await execa('git', ['init', '-q', '--bare', '-b', 'main', origin]);
  await git(worktree, 'init', '-q', '-b', 'main');
  await git(worktree, 'add', '-A');
  await git(worktree, 'commit', '-q', '-m', 'initial');
  await git(worktree, 'remote', 'add', 'origin', origin);
  await git(worktree, 'push', '-q', 'origin', 'main');
  await git(worktree, 'switch', '-q', '-c', 'subissue/12');
  await git(worktree, 'push', '-q', '-u', 'origin', 'subissue/12');
  for (const [link, target] of LINKS(places)) symlinkSync(target, link);

  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('CCP_')) env[name] = value;
  }
  env.CCP_HOME = state;
  return {
    root,
    places,
    env,
    close() {
      // Unlink the escapes first (escape -> /): nothing below may ever follow them.
      for (const [link] of LINKS(places)) {
        try {
          if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
        } catch {
          // already gone
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface PolicyRun {
  answers: PolicyAnswer[];
  stderr: string;
  exitCode: number | undefined;
}

/**
 * Every request as one JSON line into one `ccp policy check --home <home>` (CCP_HOME = the state dir); one JSON line
 * back per request, in order. Throws, with the CLI's stderr, when the answers do not line up with the requests.
 */
export async function runPolicyCheck(bed: PolicyBed, requests: PolicyRequest[], extraArgs: string[] = [])
  : Promise<PolicyRun> {
  const run = await execa(process.execPath, [CCP_BIN, 'policy', 'check', '--home', bed.places.home, ...extraArgs], {
    input: requests.map((request) => JSON.stringify(request)).join('\n') + '\n',
    env: bed.env,
    extendEnv: false,
    cwd: bed.places.worktree,
    reject: false,
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = run.stdout.split('\n').filter((line) => line.trim() !== '');
  const stderr = run.stderr.slice(-4000);
  if (lines.length !== requests.length) {
    throw new Error(`ccp policy check answered ${lines.length} lines for ${requests.length} requests ` +
      `(exit ${String(run.exitCode)}${run.timedOut ? ', timed out' : ''}).\nstderr:\n${stderr}\nstdout (start):\n` +
      run.stdout.slice(0, 2000));
  }
  const answers = lines.map((line, index) => {
    try {
      return JSON.parse(line) as PolicyAnswer;
    } catch {
      throw new Error(`answer ${index + 1} is not JSON: ${line.slice(0, 300)}`);
    }
  });
  return { answers, stderr, exitCode: run.exitCode };
}

/** The part of a request a person reads first: the command, the path or the URL. */
export function subject(request: PolicyRequest): string {
  const input = request.tool_input;
  for (const key of ['command', 'file_path', 'notebook_path', 'path', 'url', 'pattern', 'query', 'description']) {
    if (typeof input[key] === 'string') return input[key];
  }
  return JSON.stringify(input);
}
