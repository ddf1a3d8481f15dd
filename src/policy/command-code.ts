// Commands that run code given as text: shells (`bash -c`, `eval`, heredocs into a shell) are parsed and judged
// recursively; text only known at run time (`curl | sh`, base64 into a shell, `bash -c "$x"`) is refused. Other
// languages (`python -c`, `node -e`) cannot be parsed here: their code is scanned for system access instead.
import { allow, ask, deny, worst, type Category, type PolicyVerdict } from './types.js';
import { checkAll, checkPathLike, checkWord, judged, literalWord, parseArgs, pathLike, value, type Env, type Invocation,
  type Judged } from './command-args.js';
import type { ShellCommand } from './shell-parse.js';
import type { Word } from './shell-words.js';
import { listensEverywhere } from './command-net.js';

const MAX_DEPTH = 6;
const SHELLS = ['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'rbash', 'yash', 'tcsh', 'csh'];

function runText(text: string | undefined, raw: string, inv: Invocation, env: Env, what: string): Judged[] {
  if (text === undefined) {
    return [judged(deny('unknown', `${what} runs shell code built at run time (${raw.slice(0, 60)}), which ccp cannot check; write the commands out`),
      inv.name, inv.args)];
  }
  if (env.depth >= MAX_DEPTH) return [judged(ask('unknown', `${what} nests shells too deeply to check`), inv.name, inv.args)];
  return env.judgeShell(text, inv.cwd, { ...env, depth: env.depth + 1 });
}

/** Where piped text comes from: a download or a decoder makes the danger clear. */
function pipedFrom(inv: Invocation): { from: ShellCommand[] } | undefined {
  return inv.stdin.kind === 'pipe' ? { from: inv.stdin.from } : undefined;
}

/** What `cat <<EOF`, `echo …` or `printf …` print when it is fixed text: a shell fed by them runs that text. */
export function staticOutput(from: ShellCommand[]): string | undefined {
  if (from.length !== 1) return undefined;
  const [cmd] = from;
  const name = value(cmd.words[0]);
  const args = cmd.words.slice(1).map((word) => value(word));
  if (args.some((arg) => arg === undefined)) return undefined;
  if (name === 'cat' && args.length === 0 && cmd.stdin.kind === 'text') return cmd.stdin.text;
  if (name === 'echo' && !args.some((arg) => /^-[a-zA-Z]*e/.test(arg ?? ''))) return args.filter((a) => !/^-n$/.test(a ?? '')).join(' ');
  if (name === 'printf' && args.length === 1 && !/[%\\]/.test(args[0] ?? '')) return args[0];
  return undefined;
}

const DECODERS = /^(?:curl|wget|base64|base32|xxd|openssl|gzip|gunzip|zcat|bzcat|xzcat|rev|tr|nc|ncat|fetch|http|python3?|node|perl|printf|echo)$/;

function fromStdin(inv: Invocation, env: Env, what: string, code: boolean): Judged[] {
  const stdin = inv.stdin;
  if (stdin.kind === 'text') return code ? scanCode(stdin.text, inv, env) : runText(stdin.text, '<<heredoc', inv, env, what);
  if (stdin.kind === 'file') {
    return [judged(worst([checkWord(stdin.target, 'read', inv, env)], allow(`${what} runs a script from the worktree`)), inv.name, inv.args)];
  }
  const piped = pipedFrom(inv);
  const text = piped && staticOutput(piped.from);
  if (text !== undefined) return code ? scanCode(text, inv, env) : runText(text, '<piped text>', inv, env, what);
  if (piped) {
    const names = piped.from.map((cmd) => value(cmd.words[0])?.replace(/^.*\//, '') ?? '?');
    const clear = names.some((name) => DECODERS.test(name));
    const reason = `pipes ${names.join(', ')} output into ${what}, so ccp cannot see the code; save it to a file in the worktree and run that`;
    return [judged(clear ? deny('unknown', reason) : ask('unknown', reason), inv.name, inv.args)];
  }
  return [judged(ask('unknown', `${what} started interactively`), inv.name, inv.args)];
}

function shell(inv: Invocation, env: Env): Judged[] {
  const words = inv.args;
  const parsed = parseArgs(words, ['-o', '-O', '+O', '--rcfile', '--init-file']);
  const command = parsed.options.some((o) => o.name === '-c' || o.name === '--command');
  if (command) {
    const script = parsed.positionals[0];
    return runText(script && value(script), script?.raw ?? '', inv, env, `${inv.name} -c`);
  }
  const rc = parsed.options.find((o) => ['--rcfile', '--init-file'].includes(o.name));
  if (rc) return [judged(ask('unknown', `${inv.name} with its own rc file`), inv.name, inv.args)];
  const script = parsed.positionals[0];
  if (script && !script.values) {
    return [judged(deny('unknown', `${inv.name} runs ${script.raw}, a script only known at run time (a download?); save it in the worktree and read it first`),
      inv.name, inv.args)];
  }
  if (script && !parsed.options.some((o) => o.name === '-s')) {
    return [judged(worst([checkWord(script, 'exec', inv, env), ...checkPathLike(parsed.positionals.slice(1), inv, env)],
      allow(`runs the script ${script.raw}`)), inv.name, inv.args)];
  }
  return fromStdin(inv, env, inv.name, false);
}

function evalCommand(inv: Invocation, env: Env): Judged[] {
  const known = inv.args.every((word) => value(word) !== undefined);
  return runText(known ? inv.args.map((word) => value(word)).join(' ') : undefined, inv.args.map((w) => w.raw).join(' '), inv, env, 'eval');
}

function source(inv: Invocation, env: Env): Judged[] {
  const file = inv.args[0];
  if (!file) return [judged(ask('unknown', 'source without a file'), inv.name, inv.args)];
  if (!file.values) return [judged(deny('unknown', `sources ${file.raw}, code only known at run time`), inv.name, inv.args)];
  const verdict = checkWord(file, 'exec', inv, env);
  return [judged(verdict.decision === 'allow' ? allow(`sources ${file.raw} from the worktree`) : verdict, inv.name, inv.args)];
}

/** Strings run by other commands: `trap 'cmd' EXIT`, `watch 'cmd'`, `flock f -c cmd`, `script -c cmd`. */
function stringRunner(index: (args: Word[]) => number) {
  return (inv: Invocation, env: Env): Judged[] => {
    const at = index(inv.args);
    if (at < 0 || at >= inv.args.length) return [judged(allow(`${inv.name} lists or shows`), inv.name, inv.args)];
    const rest = inv.args.slice(at);
    const known = rest.every((word) => value(word) !== undefined);
    return runText(known ? rest.map((word) => value(word)).join(' ') : undefined, rest.map((w) => w.raw).join(' '), inv, env, inv.name);
  };
}

const afterOptions = (values: string[]) => (args: Word[]): number => {
  const parsed = parseArgs(args, values, true);
  return args.length - parsed.positionals.length;
};

// ---- other languages -----------------------------------------------------------------------------------------

const CODE_FLAGS: Record<string, string[]> = { python: ['-c'], node: ['-e', '--eval', '-p', '--print'], perl: ['-e', '-E'],
  ruby: ['-e'], php: ['-r'], deno: ['eval'], bun: ['-e', '--eval'], lua: ['-e'], Rscript: ['-e'], osascript: ['-e'] };

function interpreter(inv: Invocation, env: Env): Judged[] {
  const family = /^python/.test(inv.name) ? 'python' : inv.name === 'nodejs' ? 'node' : inv.name;
  const flags = CODE_FLAGS[family] ?? [];
  const args = inv.args;
  for (let i = 0; i < args.length; i++) {
    const text = value(args[i]) ?? '';
    if (flags.includes(text) || (family === 'perl' && /^-[a-zA-Z]*e$/.test(text))) {
      const code = args[i + 1];
      const files = args.slice(i + 2).filter((w) => !(value(w) ?? '').startsWith('-'));
      const inPlace = family === 'perl' && args.some((w) => /^-[a-zA-Z]*i/.test(value(w) ?? ''));
      return [...scanCode(code ? value(code) : undefined, inv, env), judged(worst(checkAll(files, inPlace ? 'write' : 'read', inv, env),
        allow('reads files')), inv.name, files)];
    }
    if (family === 'python' && text === '-m') return pythonModule(value(args[i + 1]), args.slice(i + 2), inv, env);
    if (/^(?:-r\S*|--require|--import|--loader|-M\S*)$/.test(text) && family !== 'php') {
      return [judged(ask('unknown', `${inv.name} ${text} loads a module before the code runs`), inv.name, inv.args)];
    }
    if (!text.startsWith('-') && text !== '') {
      if (family === 'deno' && ['test', 'task', 'fmt', 'lint', 'check', 'bench', 'doc', 'info', 'cache'].includes(text)) {
        return [judged(worst(checkPathLike(args.slice(i + 1), inv, env), allow(`deno ${text}`)), inv.name, inv.args)];
      }
      if (family === 'deno' && text === 'run') continue;
      return [judged(worst([checkWord(args[i], 'exec', inv, env), ...checkPathLike(args.slice(i + 1), inv, env),
        ...(listensEverywhere(args.map((w) => value(w) ?? '')) ? [deny('listening', 'listens on all interfaces; bind to 127.0.0.1')] : [])],
      allow(`runs ${text} from the worktree`)), inv.name, inv.args)];
    }
    if (text === '-' || text === '') break;
  }
  if (args.some((w) => /^(?:--version|-v|-V|--help|-h|-VV)$/.test(value(w) ?? ''))) {
    return [judged(allow(`${inv.name} prints its version or help`), inv.name, inv.args)];
  }
  return fromStdin(inv, env, inv.name, true);
}

const PY_MODULES = /^(?:pytest|pip|venv|virtualenv|unittest|doctest|mypy|black|isort|flake8|pylint|ruff|coverage|build|json\.tool|pydoc|compileall|py_compile|timeit|cProfile|pstats|trace|tokenize|ast|dis|tabnanny|pyflakes|pycodestyle|ensurepip|site|sysconfig|platform|zipfile|tarfile|gzip|calendar|uvicorn|flask|django|poetry|pdm|hatch|setuptools|wheel|twine|nox|tox|ipykernel|jupyter|notebook|sphinx|mkdocs|pre_commit|grpc_tools\.protoc|spacy|nltk|pyright|bandit|safety|pip_audit|uv)$/;

function pythonModule(module: string | undefined, rest: Word[], inv: Invocation, env: Env): Judged[] {
  const args = rest.map((w) => value(w) ?? w.raw);
  if (module === 'http.server' || module === 'SimpleHTTPServer' || module === 'smtpd' || module === 'pyftpdlib') {
    const bound = args.findIndex((a) => a === '-b' || a === '--bind');
    const host = bound >= 0 ? args[bound + 1] : undefined;
    return [judged(host && /^(?:127\.|localhost$|::1$)/.test(host) ? allow('serves on loopback only')
      : deny('listening', `python -m ${module} listens on all interfaces by default; add --bind 127.0.0.1`), inv.name, inv.args)];
  }
  if (module === 'twine' && args[0] === 'upload') return [judged(deny('exfiltration', 'twine upload publishes packages'), inv.name, inv.args)];
  if (module && PY_MODULES.test(module)) {
    const extra = listensEverywhere(args) ? [deny('listening', 'listens on all interfaces; bind to 127.0.0.1')] : [];
    return [judged(worst([...extra, ...checkPathLike(rest, inv, env)], allow(`python -m ${module}`)), inv.name, inv.args)];
  }
  return [judged(ask('unknown', `python -m ${module ?? '?'} runs a module ccp does not know`), inv.name, inv.args)];
}

// What inline code in another language may do, by the names it uses. Paths in string literals are checked too.
const CODE_RISKS: Array<[RegExp, Category, string, 'deny' | 'ask']> = [
  [/b64decode|base64\.|atob\(|Buffer\.from\([^)]*base64|decode\(['"]base64|unpack\(['"]m/i, 'unknown', 'decodes hidden code or data', 'ask'],
  [/\b(?:os\.system|subprocess|os\.popen|os\.exec\w*|os\.spawn\w*|pty\.spawn|child_process|execSync|spawnSync|execFile|shell_exec|passthru|proc_open|popen|Kernel\.exec|IO\.popen|Runtime\.getRuntime|system\s*\(|exec\s*\(|`[^`]*`|qx[{(/])/, 'unknown', 'runs other programs', 'ask'],
  [/\b(?:socket|urllib|requests\.|http\.client|httpx|aiohttp|fetch\s*\(|XMLHttpRequest|net\.connect|https?\.(?:request|get)|axios|ftplib|smtplib|paramiko|IO::Socket|LWP|Net::HTTP|TCPSocket|WebSocket|dgram)/, 'exfiltration', 'opens network connections', 'ask'],
  [/\b(?:http\.server|socketserver|HTTPServer|createServer|\.listen\s*\(|serve_forever|app\.run\s*\()/, 'listening', 'starts a server', 'ask'],
  [/\b(?:os\.environ(?!\s*(?:\.get\s*\(|\[))|process\.env(?![.[])|ENV\.to_h|getenv\s*\(\s*\))/, 'secrets', 'reads the whole environment', 'ask'],
  [/\b(?:ctypes|cffi|ptrace|\/dev\/tcp|__import__|importlib|getattr\s*\(|eval\s*\(|compile\s*\(|new\s+Function|vm\.run)/, 'unknown', 'uses dynamic code or native calls', 'ask'],
  [/\b(?:shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|rmSync|rmdirSync|unlinkSync|fs\.rm\b|FileUtils\.rm|File\.delete|unlink\s*\()/, 'destruction', 'deletes files', 'ask'],
  [/\b(?:kill\s*\(|killpg|process\.kill|signal\.SIGKILL)/, 'processes', 'signals processes', 'ask'],
];
const SECRET_ENV = /(?:environ|env|getenv)\W{1,3}['"]?\w*(?:TOKEN|SECRET|PASSWORD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i;
const WRITES = /open\s*\([^)]*['"][wax+]|writeFile|appendFile|createWriteStream|write_text|write_bytes|File\.write|fopen\s*\([^)]*['"][wa]|copyfile|shutil\.(?:copy|move)|rename/;

export function scanCode(code: string | undefined, inv: Invocation, env: Env): Judged[] {
  if (code === undefined) return [judged(deny('unknown', `${inv.name} runs code only known at run time`), inv.name, inv.args)];
  const verdicts: PolicyVerdict[] = [];
  if (SECRET_ENV.test(code)) verdicts.push(deny('secrets', `the ${inv.name} code reads a secret from the environment`));
  const literals = [...code.matchAll(/(['"])((?:\\.|(?!\1)[^\\\n])*)\1/g)].map((m) => m[2]).filter((s) => pathLike(s));
  const access = WRITES.test(code) ? 'write' : 'read';
  const paths = checkAll(literals.map(literalWord), access, inv, env);
  // A write to an ordinary place outside is still refused; reads outside are judged as reads.
  verdicts.push(...paths.filter((v) => v.decision === 'deny' || access === 'write'));
  const runsPrograms = CODE_RISKS[1][0].test(code);
  if (runsPrograms) verdicts.push(...commandsInCode(code, inv, env));
  if (CODE_RISKS[2][0].test(code) && (/\bopen\s*\(|readFile|read\(\)|File\.read|\.env\b/.test(code) || literals.length > 0)) {
    verdicts.push(deny('exfiltration', `the inline ${inv.name} code reads files and opens network connections`));
  }
  for (const [pattern, category, what, decision] of CODE_RISKS) {
    if (!pattern.test(code)) continue;
    const verdict = (decision === 'deny' ? deny : ask)(category, `the inline ${inv.name} code ${what}; put it in a script file in the worktree`);
    if (category === 'listening' && !/127\.0\.0\.1|localhost|::1/.test(code)) verdicts.push(deny('listening', `the inline ${inv.name} code starts a server on all interfaces`));
    else verdicts.push(verdict);
  }
  if (/\b(?:exec|eval)\s*\(\s*(?:base64|b64decode|atob|Buffer|decode|zlib|bytes\.fromhex|codecs)/.test(code)) {
    verdicts.push(deny('unknown', `the inline ${inv.name} code runs decoded data as code`));
  }
  return [judged(worst(verdicts, allow(`inline ${inv.name} code without system access`)), inv.name, inv.args)];
}

/** String literals in code that runs programs, judged as the shell commands they likely are. */
export function commandsInCode(code: string, inv: Invocation, env: Env): PolicyVerdict[] {
  if (env.depth >= MAX_DEPTH) return [];
  const verdicts: PolicyVerdict[] = [];
  for (const [, , text] of code.matchAll(/(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
    if (!/\s|^[\w./-]+$/.test(text) || text.length > 2000) continue;
    const judgedText = env.judgeShell(text, inv.cwd, { ...env, depth: env.depth + 1 }).map((j) => j.verdict);
    const refused = judgedText.find((v) => v.decision === 'deny');
    if (refused) verdicts.push({ ...refused, reason: `${refused.reason} (run from inline ${inv.name} code)` });
  }
  return verdicts;
}

export const CODE_JUDGES: Record<string, (inv: Invocation, env: Env) => Judged[]> = {
  ...Object.fromEntries(SHELLS.map((name) => [name, shell])),
  eval: evalCommand, source, '.': source,
  trap: stringRunner((args) => (args.length >= 2 && !/^-/.test(value(args[0]) ?? '-') ? 0 : -1)),
  watch: stringRunner(afterOptions(['-n', '--interval', '-d', '-g'])),
  script: stringRunner((args) => args.findIndex((w) => ['-c', '--command'].includes(value(w) ?? '')) + 1 || -1),
  flock: stringRunner((args) => {
    const c = args.findIndex((w) => ['-c', '--command'].includes(value(w) ?? ''));
    return c >= 0 ? c + 1 : afterOptions(['-w', '-E', '--timeout'])(args) + 1;
  }),
  ...Object.fromEntries(['python', 'python2', 'python3', 'node', 'nodejs', 'perl', 'ruby', 'php', 'deno', 'lua', 'Rscript', 'osascript']
    .map((name) => [name, interpreter])),
};

/** `python3.12` and the like. */
export const interpreterByPrefix = (name: string) => (/^python\d(?:\.\d+)?$/.test(name) ? interpreter : undefined);
