#!/usr/bin/env bash
# A redis-server for the Redis tests: 127.0.0.1, a free non-default port, no persistence, its own
# temporary directory. Used by .ci/run, and by a developer:
#
#   eval "$(scripts/redis-test-server.sh start)"   # prints: export LITECOMM_TEST_REDIS=127.0.0.1:PORT
#   mvn -B verify                                   # the Redis tests run against it
#   scripts/redis-test-server.sh stop
#
# start   starts the server (or finds the one this checkout started) and prints the export line on
#         stdout; everything else goes to stderr. REDIS_TEST_PORT=N asks for a port (default: a free
#         one between 20000 and 40000, never 6379).
# stop    SHUTDOWN NOSAVE, then SIGTERM, then SIGKILL, each with a deadline; removes the directory.
#         Safe to call when nothing runs (it is the EXIT trap of .ci/run).
# status  prints the export line and exits 0 while the server answers PING, else exits 1.
#
# The state (pid, port, directory) lives in REDIS_TEST_STATE (default: a file under ${TMPDIR:-/tmp}
# named for this checkout, so that two checkouts never share a server). The server's process title
# ends with "litecomm-test-server", so that a leftover one is easy to find (pgrep -f litecomm-test-server).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd -P)
key=$(printf '%s' "$repo" | cksum | cut -d' ' -f1)
state=${REDIS_TEST_STATE:-${TMPDIR:-/tmp}/litecomm-redis-test-$(id -u)-$key.state}
host=127.0.0.1
marker=litecomm-test-server

say() {
    echo "redis-test-server: $*" >&2
}

# PING over the port; true when the answer is PONG. redis-cli when present, else bash's /dev/tcp.
pong() {
    local port=$1 answer=""
    if command -v redis-cli >/dev/null 2>&1; then
        answer=$(timeout 2 redis-cli -h "$host" -p "$port" ping 2>/dev/null || true)
    else
        answer=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && head -c 7 <&3' \
            "$host" "$port" 2>/dev/null | tr -d '\r+' || true)
    fi
    [ "$answer" = "PONG" ]
}

# True when something accepts connections on the port.
listening() {
    timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$1" 2>/dev/null
}

# True when pid is alive and is a redis-server (a recycled pid is never signalled).
ours() {
    local pid=$1
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q redis-server
}

read_state() {
    pid="" port="" dir=""
    if [ -f "$state" ]; then
        # shellcheck disable=SC1090
        . "$state"
    fi
}

print_env() {
    echo "export LITECOMM_TEST_REDIS=$host:$1"
}

start() {
    read_state
    if ours "$pid" && pong "$port"; then
        say "already running: pid=$pid port=$port"
        print_env "$port"
        return 0
    fi
    local binary
    binary=$(command -v redis-server || true)
    if [ -z "$binary" ]; then
        say "ERROR: no redis-server on PATH (Debian: apt-get install redis-server)"
        return 1
    fi
    local attempt
    for attempt in 1 2 3 4 5; do
        if [ -n "${REDIS_TEST_PORT:-}" ]; then
            port=$REDIS_TEST_PORT
        else
            port=$((20000 + RANDOM % 20000))
        fi
        if listening "$port"; then
            [ -n "${REDIS_TEST_PORT:-}" ] && { say "ERROR: port $port is in use"; return 1; }
            continue
        fi
        dir=$(mktemp -d "${TMPDIR:-/tmp}/litecomm-redis-test.XXXXXX")
        # no persistence, no daemon: the server runs in the background of this script's caller and
        # holds none of its file descriptors (so that $(...) returns at once)
        "$binary" --bind "$host" --port "$port" --save '' --appendonly no --dir "$dir" --daemonize no \
            --logfile "$dir/redis.log" --proc-title-template "{title} {listen-addr} {server-mode} $marker" \
            </dev/null >/dev/null 2>&1 &
        pid=$!
        printf 'pid=%s\nport=%s\ndir=%s\n' "$pid" "$port" "$dir" >"$state"
        local deadline=$((SECONDS + 10))
        while [ "$SECONDS" -lt "$deadline" ]; do
            if pong "$port"; then
                say "started: pid=$pid port=$port dir=$dir ($("$binary" --version | cut -d' ' -f3))"
                print_env "$port"
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        say "no PONG on port $port (attempt $attempt): $(tail -n 3 "$dir/redis.log" 2>/dev/null | tr '\n' ' ')"
        stop >/dev/null 2>&1 || true
        [ -n "${REDIS_TEST_PORT:-}" ] && break
    done
    say "ERROR: could not start redis-server"
    return 1
}

stop() {
    read_state
    if [ -z "$pid" ]; then
        say "not running (no $state)"
        return 0
    fi
    if ours "$pid"; then
        if command -v redis-cli >/dev/null 2>&1; then
            timeout 5 redis-cli -h "$host" -p "$port" shutdown nosave >/dev/null 2>&1 || true
        fi
        # then SIGTERM, then SIGKILL, 5 s apart
        local deadline=$((SECONDS + 5)) signals=(TERM KILL) next=0
        while ours "$pid"; do
            if [ "$SECONDS" -ge "$deadline" ]; then
                if [ "$next" -ge "${#signals[@]}" ]; then
                    say "ERROR: pid=$pid survived SIGKILL"
                    return 1
                fi
                say "pid=$pid still running: SIG${signals[$next]}"
                kill -"${signals[$next]}" "$pid" 2>/dev/null || true
                next=$((next + 1))
                deadline=$((SECONDS + 5))
            fi
            sleep 0.05
        done
        wait "$pid" 2>/dev/null || true
        say "stopped: pid=$pid port=$port"
    else
        say "pid=$pid is gone already"
    fi
    case "$dir" in
        "${TMPDIR:-/tmp}"/litecomm-redis-test.*) rm -rf "$dir" ;;
    esac
    rm -f "$state"
}

status() {
    read_state
    if ours "$pid" && pong "$port"; then
        say "running: pid=$pid port=$port"
        print_env "$port"
        return 0
    fi
    say "not running"
    return 1
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac
