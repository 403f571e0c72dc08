#!/usr/bin/env python
"""Backward time against graph size: deep chains and wide fan-ins must scale linearly
(fan-in both as a tree of binary adds and as one node with n inputs).

    python bench/scaling.py            # sizes 12,500 .. 100,000
    python bench/scaling.py --quick    # smaller sizes, for CI

For each shape of graph it prints the median backward time per node at each size;
linear scaling shows as a flat column (the last column is the ratio of the largest
size's per-node time to the smallest's; near 1 is linear, 2 would be quadratic at 8x).
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ndgrad import autograd, nd  # noqa: E402


def chain(n):
    """y = y + 1, n times: a graph n nodes deep."""
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = x
        for _ in range(n):
            y = y + 1
    return y


def fan_in(n):
    """The sum of n separate variables, added up one by one: n inputs, 2n nodes."""
    xs = _inputs(n)
    with autograd.record():
        total = xs[0]
        for x in xs[1:]:
            total = total + x
    return total


def _inputs(n):
    xs = [nd.array([float(i)]) for i in range(n)]
    for x in xs:
        x.attach_grad()
    return xs


def add_n(n):
    """One node with n inputs: nd.add_n of n variables."""
    xs = _inputs(n)
    with autograd.record():
        return nd.add_n(*xs)


def concat(n):
    """One node with n inputs: nd.concat of n variables, summed."""
    xs = _inputs(n)
    with autograd.record():
        return nd.concat(*xs, dim=0).sum()


def time_backward(build, n, repeat):
    times = []
    for _ in range(repeat):
        head = build(n)
        start = time.perf_counter()
        head.backward()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    opts = parser.parse_args()
    sizes = [2_500, 5_000, 10_000] if opts.quick else [12_500, 25_000, 50_000, 100_000]
    repeat = 3 if opts.quick else 5
    print("graph   | " + " | ".join(f"{n:>9,}" for n in sizes) + " | largest/smallest")
    for name, build in (("chain", chain), ("fan-in", fan_in), ("add_n", add_n),
                        ("concat", concat)):
        per_node = [time_backward(build, n, repeat) / n for n in sizes]
        cells = " | ".join(f"{t * 1e6:7.2f}us" for t in per_node)
        print(f"{name:<7} | {cells} | {per_node[-1] / per_node[0]:.2f}x")
    print("\nMedian backward time per node (of the number of recorded ops); flat = linear.")


if __name__ == "__main__":
    main()
