// `npm run bench`: the whole path on real parts, measured (parents.ts); `npm run bench -- --compare`: ccp side by side
// with pueue alone and the seed's bash loop (compare.ts). Either prints one JSON object as the only line on stdout.
// The measuring runs in a child whose stdout is our stderr: servers it starts (the Temporal dev server's banner)
// write to the stdout they inherit. The child hands its result over on fd 3.
import { spawn } from 'node:child_process';
import { CHILD_ENV, RESULT_FD } from './support/emit.js';

if (process.env[CHILD_ENV] === '1') {
  if (process.argv.includes('--compare')) await import('./compare.js');
  else await import('./parents.js');
} else {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['ignore', process.stderr, 'inherit', 'pipe'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  let result = '';
  child.stdio[RESULT_FD]?.on('data', (chunk: Buffer) => (result += chunk.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  if (result.trim()) process.stdout.write(`${result.trim().split('\n').pop()}\n`);
  process.exitCode = code;
}
