#!/usr/bin/env bash
# Runs the release portal for the browser tests, in demo mode against the emulator on :3100,
# and starts it again whenever it stops: a test restarts the portal by killing the pid in
# target/e2e-run/portal.pid and then finds its history (and the emulator's files) still there.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
run="$root/target/e2e-run"
mkdir -p "$run"
export LEPTOS_OUTPUT_NAME=secportal LEPTOS_SITE_ROOT="$root/target/site" LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_ENV=PROD
export SECPORTAL_DEMO_EMULATOR=http://127.0.0.1:3100
export SECPORTAL_DATA_DIR="${SECPORTAL_DATA_DIR:-$root/target/e2e-data}"
export SECPORTAL_PUBLIC_ORIGIN="${SECPORTAL_PUBLIC_ORIGIN:-http://127.0.0.1:8080}"
# Exports finish in 2 s on this emulator: a first look at 3 s, then every 3 s (still 5 calls a
# minute per user and API at most: the spacing stays 12 s).
export SECPORTAL_TRACKER_MIN_INTERVAL_MS=3000
# The scan flows follow three scans within a minute, read by their pages and the tracker; their
# specs raise the emulator's HSS limit to 60 a minute (an account with a raised quota), and the
# portal's own limit, which counts per user across all sessions and the tracker, matches it.
# Elsewhere the emulator keeps HSS's 5 a minute; the limit itself is proven by the server tests.
export SECPORTAL_HSS_CALLS_PER_MINUTE=60
# nginx in front adds the client's address; every browser test signs in from 127.0.0.1, many
# times a minute, so the sign-in limit (10 a minute per address and account) is raised here;
# the throttling itself is proven by the server tests.
export SECPORTAL_TRUSTED_PROXY_HOPS=1 SECPORTAL_SIGN_IN_PER_MINUTE=120
if [ ! -x "$root/target/release/secportal" ]; then
  echo "portal.sh: build the portal first (cargo leptos build --release)" >&2
  exit 1
fi
child=""
trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM INT
while true; do
  "$root/target/release/secportal" &
  child=$!
  echo "$child" > "$run/portal.pid"
  wait "$child"
  sleep 0.2
done
