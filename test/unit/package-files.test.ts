// `npm pack` ships what ccp runs from (the built code, the workflow bundle, the scripts its hooks and pueue tasks
// start, the tools installer) and none of the tests or benchmarks.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('npm pack holds the CLI, the library with its types, the workflow bundle and the scripts, no tests', async () => {
  const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root });
  const [{ files }] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  const paths = new Set(files.map((f) => f.path));
  for (const needed of ['bin/ccp.js', 'package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts',
    'dist/src/cli/index.js', 'dist/src/worker/main.js', 'dist/workflow-bundle.js', 'dist/src/agents/claude-code/hook.js',
    'dist/src/adapters/pueue-follow.js', 'dist/src/standin/github/github-api-subset.json', 'scripts/install-tools.sh']) {
    expect([needed, paths.has(needed)]).toEqual([needed, true]);
  }
  expect([...paths].filter((p) => /^(dist\/)?(test|bench)\//.test(p))).toEqual([]);
}, 60_000);
