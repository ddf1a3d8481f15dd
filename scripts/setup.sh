#!/usr/bin/env bash
# Everything `npm run demo` and `npm test` need on a fresh clone: external tools (cached outside the clone),
# npm dependencies, and the build (TypeScript + the prebuilt workflow bundle). Fast when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-tools.sh >/dev/null

# Install only when package.json or the lockfile changed since the last install. `npm install --no-save` rather
# than `npm ci`: with lockfiles written without registry URLs (omit-lockfile-registry-resolved, as here), npm 11
# leaves other platforms' optional packages out of the lock and `npm ci` then refuses it as out of sync.
stamp=node_modules/.ccp-install-stamp
wanted=$(cat package.json package-lock.json | cksum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "setup: installing npm dependencies" >&2
  npm install --no-save --no-audit --no-fund --loglevel=error >&2
  echo "$wanted" > "$stamp"
fi

# The bench (npm run bench, or --if-stale): no build when nothing that goes into dist changed since the last one
# setup made. Others always build.
build_stamp=dist/.ccp-build-stamp
if { [ "${1:-}" = --if-stale ] || [ "${npm_lifecycle_event:-}" = bench ]; } && [ -f "$build_stamp" ] \
  && [ -z "$(find src test bench tsconfig.json package.json package-lock.json -newer "$build_stamp" -print -quit)" ]; then
  echo "setup: build is fresh" >&2
  exit 0
fi
echo "setup: building" >&2
npm run --silent build >/dev/null
touch "$build_stamp"
