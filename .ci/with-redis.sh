#!/usr/bin/env bash
# Runs a command with REDIS_URL set: the caller's, or a private redis-server on a free port
# (stopped afterwards), so `make test` never needs a Redis already running.
set -uo pipefail

if [ -n "${REDIS_URL:-}" ]; then
  exec "$@"
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export REDIS_URL="redis://127.0.0.1:$port/0"
"$@"
rc=$?
kill "$(cat "$dir/redis.pid")" 2>/dev/null
rm -rf "$dir"
exit $rc
