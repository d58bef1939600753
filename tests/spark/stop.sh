#!/usr/bin/env bash
# Stops the Spark Connect server tests/spark/start.sh started, by its PID
# (and its process group, the JVM), then removes the PID file.
set -euo pipefail
WORK="${1:-/var/tmp/seg-spark}"
[ -f "$WORK/server.pid" ] || exit 0
PID="$(cat "$WORK/server.pid")"
if kill -0 "$PID" 2> /dev/null; then
  kill -TERM -- "-$PID" 2> /dev/null || kill -TERM "$PID"
  for _ in $(seq 1 30); do
    kill -0 "$PID" 2> /dev/null || break
    sleep 1
  done
  kill -0 "$PID" 2> /dev/null && kill -KILL -- "-$PID" 2> /dev/null || true
fi
rm -f "$WORK/server.pid"
