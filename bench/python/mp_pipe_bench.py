#!/usr/bin/env python3
"""Python multiprocessing.Pipe peer of the litecomm cross-process suite (LiteyukiBot's transport).

Two processes (this one and a multiprocessing child) exchange 64-byte messages over one
multiprocessing.Pipe():

  --test latency     ping-pong; one-way latency = round trip / 2, p50/p99 after warm-up
  --test throughput  the child sends for the measured time, this process counts

--mode spin polls conn.poll() in a loop before each recv_bytes(); --mode block calls recv_bytes().
--gap-ns waits that long between pings. Prints one line, as the Java children do:
  RESULT p50=<ns> p99=<ns> ...   or   RESULT rate=<msg/s> ...
"""

import argparse
import multiprocessing
import os
import signal
import sys
import time

SIZE = 64
DATA = b"D" + b"x" * (SIZE - 1)
END = b"E" + b"x" * (SIZE - 1)


def wait(conn, spin):
    if spin:
        while not conn.poll():
            pass
    return conn.recv_bytes()


def ponger(conn, spin):
    while True:
        msg = wait(conn, spin)
        if msg[0] == END[0]:
            return
        conn.send_bytes(msg)


def producer(conn, seconds):
    end = time.perf_counter() + seconds
    while True:
        for _ in range(256):
            conn.send_bytes(DATA)
        if time.perf_counter() >= end:
            break
    conn.send_bytes(END)


def percentile(sorted_values, pct):
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, int(round(pct / 100.0 * len(sorted_values) + 0.5)) - 1)
    return sorted_values[max(0, index)]


def latency(conn, args):
    spin = args.mode == "spin"
    clock = time.perf_counter_ns
    gap = args.gap_ns / 1e9
    start = clock()
    warm_end = start + args.warm_ms * 1_000_000
    end = warm_end + args.measure_ms * 1_000_000
    samples = []
    seq = 0
    while True:
        seq += 1
        msg = b"D%016x" % seq + DATA[17:]
        t0 = clock()
        conn.send_bytes(msg)
        reply = wait(conn, spin)
        t1 = clock()
        if reply != msg:
            raise RuntimeError("echo mismatch at %d" % seq)
        if t1 >= warm_end:
            samples.append(t1 - t0)
            if t1 >= end:
                break
        if gap:
            time.sleep(gap)
    conn.send_bytes(END)
    samples.sort()
    print("RESULT p50=%.1f p99=%.1f p999=%.1f max=%.1f n=%d" % (
        percentile(samples, 50) / 2, percentile(samples, 99) / 2, percentile(samples, 99.9) / 2,
        samples[-1] / 2, len(samples)), flush=True)


def throughput(conn, args):
    clock = time.perf_counter_ns
    warm = args.warm_ms * 1_000_000
    count = 0
    first = t0 = c0 = 0
    while True:
        msg = conn.recv_bytes()
        if msg[0] == END[0]:
            break
        count += 1
        if count & 1023 == 1:
            t = clock()
            if first == 0:
                first = t
            elif t0 == 0 and t - first >= warm:
                t0, c0 = t, count
    t1 = clock()
    if t0 == 0:
        raise RuntimeError("stream ended before the warm-up did: %d messages" % count)
    print("RESULT rate=%d count=%d seconds=%.3f" % ((count - c0) / ((t1 - t0) / 1e9), count, (t1 - t0) / 1e9),
          flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", choices=["latency", "throughput"], required=True)
    parser.add_argument("--mode", choices=["spin", "block"], default="block")
    parser.add_argument("--warm-ms", type=int, default=1000)
    parser.add_argument("--measure-ms", type=int, default=3000)
    parser.add_argument("--gap-ns", type=int, default=0)
    parser.add_argument("--deadline-s", type=int, default=0, help="abort after this long (default: warm + measure + 30 s)")
    args = parser.parse_args()
    signal.alarm(args.deadline_s or (args.warm_ms + args.measure_ms) // 1000 + 30)

    here, there = multiprocessing.Pipe()
    if args.test == "latency":
        child = multiprocessing.Process(target=ponger, args=(there, args.mode == "spin"), daemon=True)
    else:
        seconds = (args.warm_ms + args.measure_ms) / 1000.0
        child = multiprocessing.Process(target=producer, args=(there, seconds), daemon=True)
    child.start()
    there.close()
    try:
        if args.test == "latency":
            latency(here, args)
        else:
            throughput(here, args)
        child.join(10)
    finally:
        if child.is_alive():
            child.kill()
            child.join(5)
    t = os.times()
    print("CPU ms=%d" % ((t.user + t.system + t.children_user + t.children_system) * 1000), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
