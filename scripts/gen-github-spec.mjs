#!/usr/bin/env node
// Regenerates src/standin/github/github-api-subset.json from the installed @octokit/openapi.
// Needs a build first (it uses the compiled buildSpecSubset): npx tsc -p tsconfig.json && npm run gen:github-spec
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
// The package index would load every variant; the plain (non-deref) file is the one with $refs.
const fullSpec = require('@octokit/openapi/generated/api.github.com.json');
const { buildSpecSubset } = await import(`${root}dist/src/standin/github/spec-subset.js`);
const { GITHUB_OPERATION_IDS } = await import(`${root}dist/src/standin/github/operations.js`);

const subset = buildSpecSubset(fullSpec, GITHUB_OPERATION_IDS);
const target = `${root}src/standin/github/github-api-subset.json`;
writeFileSync(target, `${JSON.stringify(subset, null, 2)}\n`);
console.log(`wrote ${target} (${GITHUB_OPERATION_IDS.length} operations)`);
