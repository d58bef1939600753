#!/usr/bin/env bash
# Starts a local Spark Connect server for seg's Spark tests, bound to
# 127.0.0.1 only, and waits until it accepts connections.
#
#   tests/spark/start.sh [WORK_DIR]
#
# Needs Java 17 and pyspark 4.1.1 in a venv ($SEG_SPARK_VENV, by default
# /var/tmp/seg-spark-venv; created here when missing — about a minute and
# 455 MB the first time). Spark's warehouse, logs and PID file go under
# WORK_DIR (default /var/tmp/seg-spark). Prints the PID; stop the server
# with tests/spark/stop.sh WORK_DIR.
set -euo pipefail
VENV="${SEG_SPARK_VENV:-/var/tmp/seg-spark-venv}"
WORK="${1:-/var/tmp/seg-spark}"
PORT="${SEG_SPARK_PORT:-15002}"
mkdir -p "$WORK"
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import pyspark' 2> /dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'pyspark[connect]==4.1.1'
fi
SPARK_HOME="$("$VENV/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1
if [ -f "$WORK/server.pid" ] && kill -0 "$(cat "$WORK/server.pid")" 2> /dev/null; then
  echo "already running: $(cat "$WORK/server.pid")"
  exit 0
fi
# The server's catalog lives in its memory: a table an earlier server wrote
# is gone from it, but its files would stay in the warehouse, and Spark
# refuses to create a table over them (LOCATION_ALREADY_EXISTS). Each
# server starts with an empty warehouse.
rm -rf "$WORK/warehouse"
# setsid: the server and the JVM it starts get their own process group, so
# stop.sh ends exactly them.
setsid "$SPARK_HOME/bin/spark-submit" \
  --class org.apache.spark.sql.connect.service.SparkConnectServer \
  --master 'local[2]' --driver-memory "${SEG_SPARK_MEMORY:-1g}" \
  --conf spark.connect.grpc.binding.address=127.0.0.1 \
  --conf spark.connect.grpc.binding.port="$PORT" \
  --conf spark.driver.bindAddress=127.0.0.1 --conf spark.driver.host=127.0.0.1 \
  --conf spark.ui.enabled=false \
  --conf spark.sql.shuffle.partitions=4 \
  --conf spark.sql.warehouse.dir="$WORK/warehouse" \
  --conf spark.driver.extraJavaOptions="-Dderby.system.home=$WORK" \
  > "$WORK/server.log" 2>&1 < /dev/null &
echo $! > "$WORK/server.pid"
for _ in $(seq 1 120); do
  if (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; then
    cat "$WORK/server.pid"
    exit 0
  fi
  if ! kill -0 "$(cat "$WORK/server.pid")" 2> /dev/null; then
    echo "the Spark Connect server stopped; its log:" >&2
    tail -n 40 "$WORK/server.log" >&2
    exit 1
  fi
  sleep 1
done
echo "the Spark Connect server did not listen on 127.0.0.1:$PORT within 120 s" >&2
exit 1
