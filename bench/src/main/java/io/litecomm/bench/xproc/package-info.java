/**
 * Cross-process benchmark suite: litecomm against Agrona, Chronicle Queue and Map, sockets,
 * {@code FileLock}, Python {@code multiprocessing.Pipe} and Redis, each measured between separate
 * JVM processes in one run. {@link io.litecomm.bench.xproc.BenchMain} orchestrates, child JVMs run
 * {@link io.litecomm.bench.xproc.BenchChild}; {@code scripts/bench.sh} builds, runs and writes
 * {@code docs/BENCHMARKS.md}. Compiled by every build (execution {@code bench-compile} of the
 * compiler, into {@code target/bench-classes}) so that it cannot rot; never run by the build.
 */
package io.litecomm.bench.xproc;
