"""Per-call time of small draws, fastinit vs NumPy, measured interleaved in one run.

Run: ``python bench/small_calls.py`` (from the repository root).  Each pair is
timed alternately, 7 rounds, best of each, in CPU time of the process
(``time.process_time``), so load on a shared machine hits both sides alike;
the ratio (fastinit / NumPy) is what to read.
"""
import time
import timeit

import numpy as np

import fastinit

CASES = [
    ("random()", lambda g: g.random()),
    ("random(10)", lambda g: g.random(10)),
    ("random(1000)", lambda g: g.random(1000)),
    ("random((10, 10))", lambda g: g.random((10, 10))),
    ("random(1000, float32)", lambda g: g.random(1000, dtype=np.float32)),
    ("standard_normal()", lambda g: g.standard_normal()),
    ("standard_normal(1000)", lambda g: g.standard_normal(1000)),
    ("normal(0.0, 2.0)", lambda g: g.normal(0.0, 2.0)),
    ("normal(0.0, 2.0, 1000)", lambda g: g.normal(0.0, 2.0, 1000)),
    ("uniform(1.0, 2.0)", lambda g: g.uniform(1.0, 2.0)),
    ("uniform(1.0, 2.0, 1000)", lambda g: g.uniform(1.0, 2.0, 1000)),
    ("integers(0, 10)", lambda g: g.integers(0, 10)),
    ("integers(0, 10, 1000)", lambda g: g.integers(0, 10, 1000)),
    ("integers(0, 10, 100, int32)", lambda g: g.integers(0, 10, 100, dtype=np.int32)),
    ("standard_exponential()", lambda g: g.standard_exponential()),
    ("exponential(2.0, 1000)", lambda g: g.exponential(2.0, 1000)),
    ("laplace(0.0, 1.0)", lambda g: g.laplace(0.0, 1.0)),
    ("lognormal(0.0, 1.0, 1000)", lambda g: g.lognormal(0.0, 1.0, 1000)),
    ("poisson(3.0)", lambda g: g.poisson(3.0)),
    ("choice(100)", lambda g: g.choice(100)),
]


def per_call_ns(fn, number):
    return timeit.Timer(fn, timer=time.process_time).timeit(number=number) / number * 1e9


def main(rounds=7, number=20000):
    ours, theirs = fastinit.default_rng(0), np.random.default_rng(0)
    print(f"{'call':26s} {'fastinit ns':>12s} {'NumPy ns':>10s} {'ratio':>6s}")
    for label, call in CASES:
        a, b = [], []
        for _ in range(rounds):
            a.append(per_call_ns(lambda: call(ours), number))
            b.append(per_call_ns(lambda: call(theirs), number))
        print(f"{label:26s} {min(a):12.0f} {min(b):10.0f} {min(a) / min(b):6.2f}")


if __name__ == "__main__":
    main()
