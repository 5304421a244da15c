#!/usr/bin/env bash
# Runs nginx in the foreground for the browser tests (Playwright starts and stops it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix="$here/../target/nginx"
mkdir -p "$prefix/tmp" "$prefix/logs"
exec /usr/sbin/nginx -p "$prefix" -c "$here/nginx.conf" -g 'daemon off;'
