#!/usr/bin/env bash
# Cross-process benchmark suite of issue 5: litecomm against Agrona, Chronicle Queue and Map, Unix
# domain and TCP sockets, FileLock, Python multiprocessing.Pipe and Redis, measured in one run.
#
#   scripts/bench.sh            full run (under 20 minutes), writes docs/BENCHMARKS.md
#   scripts/bench.sh --quick    every figure with shorter windows (under 3 minutes)
#   scripts/bench.sh --only 'agrona|lc-bytes'   a subset (regular expression over scenario names)
#   scripts/bench.sh --redis    only the Redis group of issue 13 (about 7 minutes; with --quick about 2):
#                               litecomm on a redis:// domain against the raw Jedis floor on the same
#                               server, medians over interleaved rounds; rewrites only the "Redis
#                               transport" section of the report
#
# Builds with Maven (every build compiles bench/ into target/bench-classes; the peers are test scope,
# kept off the tests' class path), installs redis-server from Debian's packages if it is missing,
# starts a private one on 127.0.0.1 on a free port with no persistence, runs
# io.litecomm.bench.xproc.BenchMain, stops Redis, and writes the report.
# Environment: BENCH_BUILD_DIR (Maven build directory, default target), PYTHON (default python3),
# BENCH_REPORT (default docs/BENCHMARKS.md), BENCH_NO_REDIS=1 (leave Redis out).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD_DIR=${BENCH_BUILD_DIR:-$ROOT/target}
PYTHON=${PYTHON:-python3}
REPORT=${BENCH_REPORT:-docs/BENCHMARKS.md}
OUT=$BUILD_DIR/xbench
QUICK=0
REDIS_ONLY=0
ARGS=()
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1; ARGS+=(--quick) ;;
    --redis) REDIS_ONLY=1; ARGS+=(--redis) ;;
    *) ARGS+=("$a") ;;
  esac
done

REDIS_PID=""
REDIS_PORT=""
cleanup() {
  if [ -n "$REDIS_PID" ] && kill -0 "$REDIS_PID" 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$REDIS_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build (mvn test-compile, build directory $BUILD_DIR)"
MVN=(mvn -B -q "-Dlitecomm.buildDir=$BUILD_DIR")
"${MVN[@]}" -DskipTests test-compile
mkdir -p "$OUT"
"${MVN[@]}" dependency:build-classpath -DincludeScope=test "-Dmdep.outputFile=$OUT/test.classpath" >/dev/null
# litecomm's own runtime dependencies: what a user of the library gets
"${MVN[@]}" dependency:build-classpath -DincludeScope=runtime "-Dmdep.outputFile=$OUT/runtime.classpath" >/dev/null

REDIS_ARGS=()
if [ "$REDIS_ONLY" = 1 ] && [ "${BENCH_NO_REDIS:-0}" = 1 ]; then
  echo "--redis needs redis-server: unset BENCH_NO_REDIS" >&2
  exit 2
fi
if [ "${BENCH_NO_REDIS:-0}" != 1 ]; then
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "== installing redis-server (apt-get)"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null; then
      # the package may have started its system service: stop it, only our private server runs
      if [ -f /run/redis/redis-server.pid ]; then
        $SUDO service redis-server stop >/dev/null 2>&1 || $SUDO kill "$(cat /run/redis/redis-server.pid)" 2>/dev/null || true
      fi
    else
      echo "redis-server could not be installed: Redis rows will read 'not measured'" >&2
    fi
  fi
  if command -v redis-server >/dev/null 2>&1; then
    REDIS_PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes --save '' --appendonly no \
      --daemonize no --client-output-buffer-limit "pubsub 0 0 0" --dir "$OUT" --logfile "$OUT/redis.log" &
    REDIS_PID=$!
    for _ in $(seq 100); do
      if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then break; fi
      sleep 0.1
    done
    if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
      echo "== redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/') on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"
      REDIS_ARGS=(--redis-port "$REDIS_PORT")
    else
      echo "redis-server did not answer: Redis rows will read 'not measured'" >&2
    fi
  fi
fi

REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
SRC_REV="$(git log -1 --format=%h -- src/main 2>/dev/null || true)"
if [ -n "$SRC_REV" ] && [ "$SRC_REV" != "$REVISION" ]; then REVISION="$REVISION (src/main last changed in $SRC_REV)"; fi
CHANGED=$(git status --porcelain -- src/main 2>/dev/null | wc -l || true)
if [ "$CHANGED" -gt 0 ]; then REVISION="$REVISION + $CHANGED uncommitted change(s) in src/main"; fi

LIMIT=1250
[ "$QUICK" = 1 ] && LIMIT=200
NAME=""
if [ "$REDIS_ONLY" = 1 ]; then
  if [ ${#REDIS_ARGS[@]} -eq 0 ]; then
    echo "--redis: no redis-server to measure against" >&2
    exit 2
  fi
  LIMIT=620
  [ "$QUICK" = 1 ] && LIMIT=240
  NAME="redis-"
fi
echo "== running the suite ($([ "$QUICK" = 1 ] && echo quick || echo full)$([ "$REDIS_ONLY" = 1 ] && echo ', Redis group only'))"
CP="$BUILD_DIR/bench-classes:$BUILD_DIR/test-classes:$BUILD_DIR/classes:$(cat "$OUT/test.classpath")"
timeout -k 10 "$LIMIT" java -cp "$CP" io.litecomm.bench.xproc.BenchMain "${ARGS[@]}" "${REDIS_ARGS[@]}" \
  --python "$PYTHON" --python-script bench/python/mp_pipe_bench.py \
  --results "$OUT/${NAME}results.tsv" --log "$OUT/${NAME}bench.log" --runtime-classpath "$OUT/runtime.classpath" \
  --report "$REPORT" --command "scripts/bench.sh" --revision "$REVISION"
echo "== wrote $REPORT"
