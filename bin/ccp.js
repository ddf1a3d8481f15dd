#!/usr/bin/env node
// ccp client entry: runs the compiled CLI (npm run build produces dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/src/cli/index.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('ccp is not built yet: run `npm run setup` (or `npm run build`) in the ccp checkout first.');
  process.exit(1);
}
await import(cli);
