# The two commands: `make run` serves the portal on the embedded demo, `make test` runs every test.
# Both install what is missing first (scripts/setup.sh) and skip what is there.

SHELL := /bin/bash
# Binaryen's wasm-opt from npm must come before any other on PATH (see leptos-toolchain notes).
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never
# One-off builds (CI, a fresh clone) gain nothing from incremental caches, which take many GB.
export CARGO_INCREMENTAL ?= 0
E2E_DATA := $(CURDIR)/target/e2e-data

.PHONY: run test setup unit e2e cluster bench fmt-check build-release

run: setup
	cargo leptos serve --release

test: setup fmt-check unit e2e cluster

setup:
	@scripts/setup.sh

fmt-check:
	cargo fmt --all -- --check

# The wasm entry (frontend) is left out: building it beside the server would unify Leptos's
# `hydrate` and `ssr` features into one build, which breaks the server's executor.
# Bounded, so a hung test fails the run instead of eating CI's whole time limit.
# The stores' tests run on SQLite and on PostgreSQL and Redis (scripts/services.sh finds the
# local ones or starts private ones, and says where).
unit:
	eval "$$(scripts/services.sh)" && timeout 1800 cargo test --workspace --exclude frontend --locked

# The browser tests run against a release build (what users get): Playwright starts the
# emulator on 127.0.0.1:3100, the portal on 127.0.0.1:3000 in demo mode against it with a fresh
# data directory (end2end/portal.sh, which restarts it when a test stops it), and nginx on
# 127.0.0.1:8080 (end2end/nginx.conf) whose origin is the public one.
e2e:
	rm -rf $(E2E_DATA) target/e2e-run
	cargo leptos build --release
	cargo build --release --locked -p emulator
	cd end2end && SECPORTAL_DATA_DIR=$(E2E_DATA) SECPORTAL_PUBLIC_ORIGIN=http://127.0.0.1:8080 npx playwright test

# Cluster mode: two release instances behind nginx, the standalone emulator, PostgreSQL and
# Redis (a database and key prefix of the test's own, removed afterwards). Needs the release
# build the browser tests made.
cluster:
	eval "$$(scripts/services.sh)" && timeout 900 python3 cluster/test_cluster.py

# A benchmark, not a test: numbers side by side in one run, no pass/fail (bench/hop.py).
bench: setup
	cargo leptos build --release
	cargo build --release --locked -p emulator
	command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk
	eval "$$(scripts/services.sh)" && python3 bench/hop.py

build-release: setup
	cargo leptos build --release
