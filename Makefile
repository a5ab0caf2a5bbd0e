# The two commands. Both set everything up first (scripts/bootstrap) and are idempotent.
.PHONY: run test bootstrap bundle fmt lint bindings bench bench-app

run:
	@scripts/run

test:
	@scripts/test

bootstrap:
	@scripts/bootstrap

# Installers for this platform (.deb and .rpm on Linux) with the pinned Tauri CLI.
bundle: bootstrap
	@scripts/bundle

fmt:
	@cargo fmt --all

lint:
	@scripts/test --lint-only

# Regenerates ui/src/lib/bindings.ts from the Rust commands (a test fails on drift).
bindings:
	@scripts/bindings

# Benchmarks (numbers and method in BENCHMARKS.md).
bench: bootstrap
	@scripts/bench

bench-app: bootstrap
	@scripts/bench-app
