# The two commands. Both set everything up first (scripts/bootstrap) and are idempotent.
.PHONY: run test bootstrap fmt lint bindings bench bench-app

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

# Regenerates ui/src/lib/bindings.ts from the Rust commands (a test fails on drift).
bindings:
	@scripts/bindings

# Benchmarks (numbers and method in BENCHMARKS.md).
bench: bootstrap
	@scripts/bench

bench-app: bootstrap
	@scripts/bench-app
