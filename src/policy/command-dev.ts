// Development tools: builds, test runners, linters and installs of dependencies are ordinary work; publishing,
// registry logins, global installs and packages from unusual sources are not.
import { allow, ask, deny, worst, type PolicyVerdict } from './types.js';
import { checkPathLike, checkWord, has, judged, optionValues, parseArgs, value, type Env, type Invocation, type Judged }
  from './command-args.js';
import { listensEverywhere } from './command-net.js';
import { scanCode } from './command-code.js';

const texts = (inv: Invocation): string[] => inv.args.map((w) => value(w) ?? w.raw);

/** Common to every dev tool: paths it is given, output options, servers on all interfaces. */
function common(inv: Invocation, env: Env): PolicyVerdict[] {
  const parsed = parseArgs(inv.args, ['-o', '--output', '--outDir', '--out-dir', '--outfile', '--target-dir', '--prefix', '-C', '--cwd', '--dir']);
  const verdicts = checkPathLike(parsed.positionals, inv, env);
  for (const out of optionValues(parsed, '-o', '--output', '--outDir', '--out-dir', '--outfile', '--target-dir')) {
    verdicts.push(checkWord(out, 'write', inv, env));
  }
  for (const dir of optionValues(parsed, '--prefix', '-C', '--cwd', '--dir')) verdicts.push(checkWord(dir, 'write', inv, env));
  if (listensEverywhere(texts(inv))) {
    verdicts.push(deny('listening', `${inv.name} would listen on all network interfaces; bind to 127.0.0.1 (e.g. --host 127.0.0.1)`));
  }
  return verdicts;
}

const tool = (inv: Invocation, env: Env, extra: PolicyVerdict[] = []): Judged[] =>
  [judged(worst([...extra, ...common(inv, env)], allow(`${inv.name} is a development tool`)), inv.name, inv.args)];

const plain = (inv: Invocation, env: Env): Judged[] => tool(inv, env);

const PUBLISH = /^(?:publish|unpublish|deprecate|dist-tag|owner|access|team|org|token|login|logout|adduser|add-user|whoami|profile|hook|star|unstar|yank|upload|release|push|deploy)$/;

/** A package spec that does not come from the registry by name: URLs, git, tarballs, paths outside. */
function unusualSource(spec: string): boolean {
  return /^(?:https?:|git(?:\+\w+)?:|github:|gitlab:|bitbucket:|file:|ssh:|[\w.-]+@[\w.-]+:)|\.(?:tgz|tar\.gz|whl|zip)$/.test(spec)
    || /^[\w-]+\/[\w.-]+(?:#.*)?$/.test(spec) && !spec.startsWith('@');
}

function packageManager(inv: Invocation, env: Env): Judged[] {
  const words = texts(inv);
  const action = words.find((w) => !w.startsWith('-'));
  const extra: PolicyVerdict[] = [];
  const publish = words.filter((w) => !w.startsWith('-')).slice(0, 3).find((w) => PUBLISH.test(w));
  if (publish && !(inv.name === 'npm' && publish === 'whoami') && !['run', 'run-script', 'test', 'exec'].includes(action ?? '')) {
    extra.push(deny('exfiltration', `${inv.name} ${publish} publishes or changes registry credentials; ccp only builds and tests`));
  }
  if (words.some((w) => /^(?:-g|--global|--location=global)$/.test(w)) || (inv.name === 'yarn' && action === 'global')) {
    extra.push(ask('outside-worktree', `${inv.name} global installs write outside the worktree; install into the project`));
  }
  if (words.some((w) => /^--(?:registry|userconfig|globalconfig)/.test(w))) extra.push(ask('web', `${inv.name} with another registry or config`));
  if (action === 'config' || action === 'set') {
    const sub = words[words.indexOf(action) + 1];
    if (!['get', 'list', 'ls'].includes(sub ?? 'list')) extra.push(ask('unknown', `${inv.name} config changes the tool's settings`));
  }
  if (action === 'link') extra.push(ask('outside-worktree', `${inv.name} link writes to the global prefix`));
  if (action === 'version') extra.push(ask('unknown', `${inv.name} version commits and tags`));
  if (['install', 'i', 'add', 'ci', 'update', 'upgrade'].includes(action ?? '')) {
    const specs = words.slice(words.indexOf(action ?? '') + 1).filter((w) => !w.startsWith('-'));
    const odd = specs.find(unusualSource);
    if (odd) extra.push(ask('unknown', `installs ${odd} from outside the registry`));
  }
  if (inv.name === 'bun' && words.some((w) => w === '-e' || w === '--eval')) return scanCode(value(inv.args[words.findIndex((w) => w === '-e' || w === '--eval') + 1]), inv, env);
  if (['exec', 'dlx', 'x'].includes(action ?? '') || inv.name === 'npx' || inv.name === 'bunx') return runner(inv, env, extra);
  if (action === 'create' || action === 'init') extra.push(allow('scaffolds a project'));
  return tool(inv, env, extra);
}

// Binaries that npx/pnpm dlx commonly run from the project's own dependencies.
const KNOWN_BINARIES = new Set(['jest', 'vitest', 'mocha', 'tsc', 'ts-node', 'tsx', 'eslint', 'prettier', 'biome',
  'webpack', 'vite', 'rollup', 'esbuild', 'turbo', 'nx', 'lerna', 'playwright', 'cypress', 'next', 'nuxt', 'astro',
  'svelte-kit', 'ng', 'vue-tsc', 'tailwindcss', 'postcss', 'babel', 'nodemon', 'concurrently', 'rimraf', 'prisma',
  'drizzle-kit', 'typeorm', 'knex', 'sequelize', 'stylelint', 'markdownlint', 'tsup', 'unbuild', 'changeset', 'c8',
  'nyc', 'ava', 'tap', 'jasmine', 'karma', 'storybook', 'depcheck', 'madge', 'knip', 'typedoc', 'jsdoc', 'commitlint',
  'create-react-app', 'create-vite', 'degit', 'semver', 'cross-env', 'dotenv', 'wrangler', 'serve', 'http-server']);

function runner(inv: Invocation, env: Env, extra: PolicyVerdict[]): Judged[] {
  const words = texts(inv);
  const skip = inv.name === 'npx' || inv.name === 'bunx' ? 0 : 1;
  const rest = words.filter((w) => !w.startsWith('-')).slice(skip);
  const binary = rest[0]?.replace(/@[^/]*$/, '').replace(/^@[^/]+\//, '');
  if (!binary) return tool(inv, env, extra);
  if (['husky', 'lefthook', 'simple-git-hooks'].includes(binary) || /husky install|lefthook install/.test(words.join(' '))) {
    extra.push(deny('git-config', `${binary} installs git hooks`));
  } else if (!KNOWN_BINARIES.has(binary)) {
    extra.push(ask('unknown', `${inv.name} ${binary} downloads and runs a package ccp does not know`));
  }
  if (['serve', 'http-server'].includes(binary) && !words.some((w) => /^(?:127\.0\.0\.1|localhost)/.test(w) || /^(?:-a|--host|-l)=?(?:127|localhost)/.test(w))) {
    extra.push(deny('listening', `${binary} listens on all interfaces by default; bind to 127.0.0.1`));
  }
  return tool(inv, env, extra);
}

function pip(inv: Invocation, env: Env): Judged[] {
  const words = texts(inv);
  const action = words.find((w) => !w.startsWith('-'));
  const extra: PolicyVerdict[] = [];
  if (['upload', 'publish'].includes(action ?? '')) extra.push(deny('exfiltration', `${inv.name} ${action} publishes packages`));
  if (words.some((w) => /^(?:-i|--index-url|--extra-index-url|--trusted-host|-f|--find-links)(?:=|$)/.test(w))) {
    extra.push(ask('web', 'installs from another package index'));
  }
  if (action === 'config') extra.push(ask('unknown', 'pip config changes settings'));
  if (action === 'install') {
    const odd = words.filter((w) => !w.startsWith('-')).slice(1).find((w) => /^(?:git\+|https?:|file:|svn\+|hg\+)/.test(w));
    if (odd) extra.push(ask('unknown', `installs ${odd} from outside the index`));
  }
  return tool(inv, env, extra);
}

function cargoLike(inv: Invocation, env: Env): Judged[] {
  const action = texts(inv).find((w) => !w.startsWith('-') && !w.startsWith('+'));
  const extra: PolicyVerdict[] = [];
  if (action && /^(?:publish|login|logout|owner|yank|upload|release|deploy|push)$/.test(action)) {
    extra.push(deny('exfiltration', `${inv.name} ${action} publishes or changes registry credentials`));
  }
  if (action === 'install' && inv.name !== 'bundle' && inv.name !== 'composer' && inv.name !== 'poetry' && inv.name !== 'uv') {
    extra.push(ask('outside-worktree', `${inv.name} install puts binaries outside the worktree`));
  }
  if (inv.name === 'go' && action === 'env' && has(parseArgs(inv.args), '-w', '-u')) extra.push(ask('unknown', 'go env -w changes settings'));
  if (inv.name === 'gem' && action === 'install') extra.push(ask('outside-worktree', 'gem install writes outside the worktree'));
  if (inv.name === 'rustup' && action && !['show', 'which', 'doc', 'run'].includes(action)) {
    extra.push(ask('outside-worktree', 'rustup changes installed toolchains'));
  }
  if ((inv.name === 'terraform' || inv.name === 'pulumi') && /^(?:apply|destroy|import|up|state|taint|refresh)$/.test(action ?? '')) {
    extra.push(deny('destruction', `${inv.name} ${action} changes real infrastructure`));
  }
  if (['mvn', 'gradle', 'gradlew', 'sbt'].includes(inv.name) && texts(inv).some((w) => /^(?:deploy|publish\w*|release:\w+|upload\w*)$/.test(w))) {
    extra.push(deny('exfiltration', `${inv.name} deploy/publish uploads artifacts`));
  }
  if (inv.name === 'dotnet' && texts(inv).includes('push')) extra.push(deny('exfiltration', 'dotnet nuget push publishes packages'));
  if (['make', 'gmake', 'ninja', 'meson', 'cmake'].includes(inv.name) && texts(inv).some((w) => /^(?:install|uninstall|--install)$/.test(w))) {
    extra.push(ask('outside-worktree', `${inv.name} install writes into system directories`));
  }
  if (inv.name === 'pre-commit' && ['install', 'install-hooks', 'uninstall'].includes(action ?? '')) {
    extra.push(deny('git-config', 'pre-commit install writes git hooks'));
  }
  return tool(inv, env, extra);
}

const PLAIN_TOOLS = ['tsc', 'tsx', 'ts-node', 'jest', 'vitest', 'mocha', 'eslint', 'prettier', 'biome', 'webpack', 'vite',
  'rollup', 'esbuild', 'turbo', 'nx', 'lerna', 'pytest', 'py.test', 'tox', 'nox', 'mypy', 'pyright', 'ruff', 'black',
  'isort', 'flake8', 'pylint', 'coverage', 'rustc', 'rustfmt', 'gofmt', 'goimports', 'golangci-lint', 'staticcheck',
  'make', 'gmake', 'cmake', 'ctest', 'ninja', 'meson', 'gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'clang-format',
  'clang-tidy', 'ld', 'ar', 'javac', 'java', 'kotlinc', 'ant', 'swift', 'swiftc', 'rake', 'rspec', 'rubocop', 'mix',
  'elixir', 'ghc', 'cabal', 'stack', 'zig', 'shellcheck', 'shfmt', 'hadolint', 'yamllint', 'markdownlint', 'actionlint',
  'protoc', 'buf', 'sqlite3', 'autoreconf', 'autoconf', 'automake', 'configure', 'libtool', 'pkg-config', 'bazel', 'bazelisk',
  'playwright', 'cypress', 'nodemon', 'tsup', 'node-gyp', 'wasm-pack', 'maturin', 'doxygen', 'sphinx-build', 'mkdocs',
  'hugo', 'jekyll', 'gradlew', 'mvnw', 'uvicorn', 'gunicorn', 'flask', 'django-admin', 'rails', 'hypercorn', 'jupyter',
  'streamlit', 'phpunit', 'dart', 'flutter', 'hyperfine', 'pipenv',
  'virtualenv', 'conda', 'mamba', 'pdm', 'hatch', 'twine', 'nvm', 'volta', 'asdf', 'direnv', 'just', 'task', 'earthly'];

export const DEV_JUDGES: Record<string, (inv: Invocation, env: Env) => Judged[]> = {
  ...Object.fromEntries(PLAIN_TOOLS.map((name) => [name, plain])),
  npm: packageManager, pnpm: packageManager, yarn: packageManager, bun: packageManager, npx: packageManager,
  bunx: packageManager, pip: pip, pip3: pip, uv: cargoLike, poetry: cargoLike, cargo: cargoLike, go: cargoLike,
  gem: cargoLike, bundle: cargoLike, composer: cargoLike, rustup: cargoLike, terraform: cargoLike, pulumi: cargoLike,
  mvn: cargoLike, gradle: cargoLike, sbt: cargoLike, dotnet: cargoLike, 'pre-commit': cargoLike, twine: (inv) =>
    [judged(deny('exfiltration', 'twine uploads packages'), inv.name, inv.args)],
  gradlew: cargoLike, mvnw: cargoLike, make: cargoLike, gmake: cargoLike, ninja: cargoLike, meson: cargoLike, cmake: cargoLike,
  uvx: (inv, env) => tool(inv, env, PY_TOOLS.has(texts(inv).find((w) => !w.startsWith('-')) ?? '') ? []
    : [ask('unknown', 'uvx downloads and runs a tool ccp does not know')]),
};

const PY_TOOLS = new Set(['ruff', 'black', 'mypy', 'pytest', 'isort', 'flake8', 'pylint', 'pyright', 'tox', 'nox', 'coverage', 'pre-commit']);
