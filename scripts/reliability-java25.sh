#!/usr/bin/env bash
# Reliability test #23 (shared RELIABILITY.md): 10,000 virtual threads in Channel.receive(Duration) on
# Java 25 all complete, and JFR records no jdk.VirtualThreadPinned event with an io.litecomm frame.
#
# The build targets Java 17, so this test runs in a step of its own with a Java 25 JDK:
# scripts/java25/VirtualThreadReceive.java, launched as a single source file, against the classes and
# runtime dependencies that `mvn package` leaves in the build directory. It never skips: without a
# Java 25 JDK, or without a build, it fails and says why.
#
# Usage: scripts/reliability-java25.sh [--long] [extra VirtualThreadReceive options...]
#   short form: 10,000 virtual threads, one round per wait strategy (BACKOFF, BLOCKING)
#   --long:     10 rounds of 10,000 then one round of 100,000, per strategy
# Environment:
#   JAVA25_HOME         a Java 25 JDK (default: /usr/lib/jvm/temurin-25-jdk-amd64, else /usr/lib/jvm/*25*)
#   LITECOMM_BUILD_DIR  the Maven build directory, as -Dlitecomm.buildDir (default: target)
set -euo pipefail
cd "$(dirname "$0")/.."

long=false
extra=()
for arg in "$@"; do
    case "$arg" in
        --long) long=true ;;
        *) extra+=("$arg") ;;
    esac
done

fail() {
    echo "reliability-java25: FAIL: $*" >&2
    exit 1
}

is_java25() {
    [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | head -n 1 | grep -Eq 'version "25([.+"-]|$)'
}

java_home=""
if [ -n "${JAVA25_HOME:-}" ]; then
    is_java25 "$JAVA25_HOME" || fail "JAVA25_HOME=$JAVA25_HOME is not a Java 25 JDK"
    java_home="$JAVA25_HOME"
else
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
        if is_java25 "$candidate"; then
            java_home="$candidate"
            break
        fi
    done
fi
[ -n "$java_home" ] || fail "no Java 25 JDK found (set JAVA25_HOME, or install one under /usr/lib/jvm);" \
    "this test needs Java 25 and is never skipped"

build_dir="${LITECOMM_BUILD_DIR:-target}"
case "$build_dir" in
    /*) ;;
    *) build_dir="$PWD/$build_dir" ;;
esac
[ -d "$build_dir/classes/io/litecomm" ] || fail "no compiled classes in $build_dir/classes: run mvn package first"
[ -d "$build_dir/lib" ] || fail "no runtime dependencies in $build_dir/lib: run mvn package (not just compile) first"
classpath="$build_dir/classes"
for jar in "$build_dir"/lib/*.jar; do
    classpath="$classpath:$jar"
done

source_file="$PWD/scripts/java25/VirtualThreadReceive.java"
# target/lib has no SLF4J provider: -Dslf4j.internal.verbosity=ERROR keeps SLF4J's notice out of the output
java=("$java_home/bin/java" -Xmx2g -Dslf4j.internal.verbosity=ERROR -cp "$classpath" "-Dlitecomm.vt.source=$source_file" \
    "$source_file")

echo "reliability-java25: $("$java_home/bin/java" -version 2>&1 | head -n 1) from $java_home; build $build_dir"
start=$(date +%s)
if $long; then
    # each run has its own watchdog (--deadline-s); together they stay under about 5 minutes here
    "${java[@]}" --threads 10000 --rounds 10 --deadline-s 240 "${extra[@]}"
    "${java[@]}" --threads 100000 --rounds 1 --idle-bound-s 120 --deadline-s 240 "${extra[@]}"
else
    "${java[@]}" --threads 10000 --rounds 1 --deadline-s 300 "${extra[@]}"
fi
echo "reliability-java25: PASS in $(( $(date +%s) - start )) s"
