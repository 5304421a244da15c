#!/usr/bin/env bash
# Makes sure a PostgreSQL and a Redis are reachable for the cluster-mode tests and prints their
# URLs as shell assignments (`eval "$(scripts/services.sh)"`):
#   SECPORTAL_TEST_PG=postgres://…   a server where tests may create and drop databases of their own
#   SECPORTAL_TEST_REDIS=redis://…   a Redis where tests use key prefixes of their own
# It uses the ones already running on 127.0.0.1 when `pg_isready` and `redis-cli ping` answer;
# otherwise it installs Debian's `postgresql` and `redis-server` (when missing) and starts private
# instances on free ports under target/services, which later calls reuse. It never touches other
# data: tests make their own database and prefix and remove them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[services]\033[0m %s\n' "$*" >&2; }
dir="$PWD/target/services"
mkdir -p "$dir"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

need_packages() {
  local missing=()
  command -v pg_ctlcluster >/dev/null || [ -x /usr/lib/postgresql/*/bin/postgres ] 2>/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# PostgreSQL: the local one if it answers, else a private cluster.
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select 1' >/dev/null 2>&1; then
  pg="postgres://postgres@127.0.0.1:5432"
elif [ -f "$dir/pg.port" ] && pg_isready -q -h 127.0.0.1 -p "$(cat "$dir/pg.port")"; then
  pg="postgres://postgres@127.0.0.1:$(cat "$dir/pg.port")"
else
  need_packages
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  port=$(free_port)
  say "starting a private PostgreSQL on 127.0.0.1:$port"
  rm -rf "$dir/pg"
  # initdb refuses to run as root; the data directory belongs to the postgres user.
  install -d -o postgres "$dir/pg"
  runuser -u postgres -- "$bin/initdb" -D "$dir/pg" -U postgres --auth=trust >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/pg" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" -l "$dir/pg/log" -w start >/dev/null
  echo "$port" > "$dir/pg.port"
  pg="postgres://postgres@127.0.0.1:$port"
fi

# Redis: the local one if it answers, else a private one (nothing kept on disk).
if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  redis="redis://127.0.0.1:6379"
elif [ -f "$dir/redis.port" ] && redis-cli -p "$(cat "$dir/redis.port")" ping 2>/dev/null | grep -q PONG; then
  redis="redis://127.0.0.1:$(cat "$dir/redis.port")"
else
  need_packages
  port=$(free_port)
  say "starting a private Redis on 127.0.0.1:$port"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --logfile "$dir/redis.log" --pidfile "$dir/redis.pid" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  echo "$port" > "$dir/redis.port"
  redis="redis://127.0.0.1:$port"
fi

echo "export SECPORTAL_TEST_PG=$pg"
echo "export SECPORTAL_TEST_REDIS=$redis"
