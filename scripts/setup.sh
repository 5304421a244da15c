#!/usr/bin/env bash
# Installs what `make run` and `make test` need, skipping whatever is already there:
# the wasm32 target, cargo-leptos 0.3.10, the wasm-bindgen CLI matching Cargo.lock, npm packages
# (Playwright and binaryen's wasm-opt) and Debian's Chromium. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. Rust's wasm target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. cargo-leptos, the one version that builds on Rust 1.95.
if ! cargo leptos --version 2>/dev/null | grep -q '0\.3\.10'; then
  say "installing cargo-leptos 0.3.10 (about 15 minutes on 2 cores)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi

# 3. wasm-bindgen CLI: must be exactly the version in Cargo.lock.
wbg=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg\$"; then
  say "installing wasm-bindgen-cli $wbg (about 4 minutes)"
  # Its own lockfile names a release the registry lacks, so no --locked; the fallback resolver
  # picks dependencies that build on our Rust.
  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo install wasm-bindgen-cli --version "$wbg" --force
fi

# 4. Node.js for Playwright and wasm-opt.
if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi

# 5. npm packages: Playwright and binaryen (its wasm-opt; Debian's is too old and breaks hydration).
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] \
   || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages in end2end/"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

# 6. Debian's Chromium for the browser tests (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# 7. The official Huawei Cloud Python SDK, pinned, in a venv: the interoperability tests use it as
#    an independent client of the emulator.
venv=.tools/sdk-venv
if ! cmp -s interop/requirements.txt "$venv/requirements.txt" || [ ! -x "$venv/bin/python" ]; then
  say "creating $venv with the Huawei Cloud Python SDK"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r interop/requirements.txt
  cp interop/requirements.txt "$venv/requirements.txt"
fi

# 8. nginx, the reverse proxy the browser tests go through.
if [ ! -x /usr/sbin/nginx ]; then
  apt_install nginx-light
fi

say "tools ready: $(cargo leptos --version), wasm-bindgen $wbg, wasm-opt $(end2end/node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(/usr/bin/chromium --version 2>/dev/null | head -1)"
