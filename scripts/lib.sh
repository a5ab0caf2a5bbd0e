# Shared by scripts/*: where things live. Sourced, not run.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The cache lives outside the clone so fresh clones (CI) reuse builds and downloads.
export VIVA_CACHE_DIR="${VIVA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/viva}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$VIVA_CACHE_DIR/target}"
# Use the machine's Go as installed; never download another toolchain.
export GOTOOLCHAIN=local
export PATH="$VIVA_CACHE_DIR/bin:$HOME/.cargo/bin:/usr/local/go/bin:$PATH"

# The one feature set every workspace build uses (clippy, the binaries, the tests, the dev
# bundle, the benches): a different set resolves shared dependencies to other features and
# compiles much of the graph again.
WORKSPACE_FEATURES=(--features viva/custom-protocol)

# Pinned components. Change a pin here and nowhere else.
LIVEKIT_SERVER_VERSION="v1.13.5"
LIVEKIT_WHEEL_VERSION="1.2.0"
LIVEKIT_FFI_DIR="$VIVA_CACHE_DIR/livekit-ffi-$LIVEKIT_WHEEL_VERSION"
TAURI_DRIVER_VERSION="2.1.0"
# The HTTP load generator of `make bench-load` (crates.io; built without TLS).
OHA_VERSION="1.16.0"
# The Tauri CLI (bundler) from npm: the JS entry and the Linux x86_64 native addon, pinned by
# sha256 of the registry tarballs (kept out of ui/package.json: npm's lockfile would have to
# list every platform's optional addon).
TAURI_CLI_VERSION="2.12.5"
TAURI_CLI_SHA256="5631ba6f7e653c35f3e10c982c64ca4b29aebb9a13ff1009c0190068d1db7288"
TAURI_CLI_LINUX_X64_SHA256="5b229c40e8480477c1f623dab4a2be29a13d85656796a95b5679f3c4ffb11cc1"
TAURI_CLI_DIR="$VIVA_CACHE_DIR/tools/tauri-cli-$TAURI_CLI_VERSION"

log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
