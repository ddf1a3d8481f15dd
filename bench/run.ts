// `npm run bench`: the whole path on real parts, measured (parents.ts); `npm run bench -- --compare`: ccp side by side
// with pueue alone and the seed's bash loop (compare.ts). Either prints one JSON object as the only line on stdout:
// the measuring runs in a child whose stdout is our stderr (support/emit.ts).
import { fileURLToPath } from 'node:url';
import { CHILD_ENV, runChild } from './support/emit.js';

if (process.env[CHILD_ENV] === '1') {
  if (process.argv.includes('--compare')) await import('./compare.js');
  else await import('./parents.js');
} else {
  const { code, result } = await runChild(fileURLToPath(import.meta.url), process.argv.slice(2));
  if (result) process.stdout.write(`${result}\n`);
  process.exitCode = code;
}
