# The two commands. Both set everything up first (scripts/bootstrap) and are idempotent.
.PHONY: run test bootstrap fmt lint bindings bundle bench bench-app bench-capture bench-browser bench-load

run:
	@scripts/run

test:
	@scripts/test

bootstrap:
	@scripts/bootstrap

fmt:
	@cargo fmt --all

lint:
	@scripts/test --lint-only

# Regenerates ui/src/lib/ipc/bindings.ts from the Rust commands (a test fails on drift).
bindings:
	@scripts/bindings

# Installers for this platform (.deb and .rpm; release build) under $CARGO_TARGET_DIR/release/bundle.
bundle:
	@scripts/bundle

# Benchmarks (numbers and method in BENCHMARKS.md).
bench: bootstrap
	@scripts/bench

bench-app: bootstrap
	@scripts/bench-app

bench-capture: bootstrap
	@scripts/bench-capture

# The browser reference for bench-app (Chromium on livekit-client, same publishers and cases).
bench-browser: bootstrap
	@scripts/bench-browser

# The backend under load: release viva-server on SQLite and PostgreSQL, driven by oha.
bench-load: bootstrap
	@scripts/bench-load
