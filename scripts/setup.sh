#!/usr/bin/env bash
# Everything `npm run demo` and `npm test` need on a fresh clone: external tools (cached outside the clone),
# npm dependencies, and the build (TypeScript + the prebuilt workflow bundle). Fast when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh >/dev/null

# npm ci only when the lockfile changed since the last install (it wipes node_modules: slow on every run).
stamp=node_modules/.ccp-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json "$stamp"
fi

echo "setup: building" >&2
npm run --silent build >/dev/null
