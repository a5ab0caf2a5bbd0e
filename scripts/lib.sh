# Shared by scripts/*: where things live. Sourced, not run.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The cache lives outside the clone so fresh clones (CI) reuse builds and downloads.
export VIVA_CACHE_DIR="${VIVA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/viva}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$VIVA_CACHE_DIR/target}"
# Use the machine's Go as installed; never download another toolchain.
export GOTOOLCHAIN=local
export PATH="$VIVA_CACHE_DIR/bin:$HOME/.cargo/bin:/usr/local/go/bin:$PATH"

# Pinned components. Change a pin here and nowhere else.
LIVEKIT_SERVER_VERSION="v1.13.5"
LIVEKIT_WHEEL_VERSION="1.2.0"
LIVEKIT_FFI_DIR="$VIVA_CACHE_DIR/livekit-ffi-$LIVEKIT_WHEEL_VERSION"
TAURI_DRIVER_VERSION="2.1.0"

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
