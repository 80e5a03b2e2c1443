"""Speed of the methods fastinit runs through NumPy's own algorithms, against NumPy.

``fastinit.default_rng(0).poisson(...)`` is NumPy's ``poisson`` reading
fastinit's stream through ``fastinit.Philox4x32`` (buffered SIMD Philox
blocks); NumPy's own is ``numpy.random.default_rng(0)`` (PCG64).  The ratio
fastinit / NumPy is the cost of the bit generator plus the delegation; the
target is <= 1.3.  Pairs are timed alternately, best of 7 rounds, in one run,
in CPU time of the process (``time.process_time``): on a shared machine wall
time mostly measures the other jobs.  (A fast method's CPU time counts all
its threads.)

Run: ``python bench/numpy_methods.py`` (from the repository root);
``--size N`` changes the elements per call (default 10**6).
"""
import argparse
import time
import timeit

import numpy as np

import fastinit

#: (method, args before size) -- every method without a fast kernel, at a size
#: where the numbers, not the Python call, dominate.
CASES = [
    ("random", ()), ("standard_normal", ()), ("integers", (0, 1000)),
    ("standard_exponential", ()), ("exponential", (2.0,)), ("lognormal", (0.0, 1.0)),
    ("laplace", (0.0, 1.0)), ("logistic", (0.0, 1.0)), ("gumbel", (0.0, 1.0)),
    ("uniform", (0.0, 1.0)), ("normal", (0.0, 1.0)),
    ("poisson", (3.0,)), ("binomial", (10, 0.3)), ("gamma", (2.0, 1.0)), ("standard_gamma", (0.5,)),
    ("beta", (2.0, 3.0)), ("chisquare", (3.0,)), ("f", (3.0, 5.0)), ("geometric", (0.2,)),
    ("hypergeometric", (20, 30, 10)), ("logseries", (0.9,)), ("negative_binomial", (5, 0.5)),
    ("noncentral_chisquare", (3.0, 1.0)), ("noncentral_f", (3.0, 5.0, 1.0)),
    ("pareto", (3.0,)), ("power", (2.0,)), ("rayleigh", (1.0,)), ("standard_cauchy", ()),
    ("standard_t", (5.0,)), ("triangular", (0.0, 1.0, 2.0)), ("vonmises", (0.0, 1.0)),
    ("wald", (1.0, 1.0)), ("weibull", (1.5,)), ("zipf", (2.0,)),
]


def best_time(fn, rounds, number=1):
    timer = timeit.Timer(fn, timer=time.process_time)
    return min(timer.repeat(number=number, repeat=rounds)) / number


def main(size, rounds=7):
    ours, theirs = fastinit.default_rng(0), np.random.default_rng(0)
    extra = {
        "choice(10**6, size, replace=True)": lambda g: g.choice(10**6, size),
        "permutation(size)": lambda g: g.permutation(size),
        "shuffle(arange(size))": lambda g: g.shuffle(np.arange(size)),
        "bytes(8 * size)": lambda g: g.bytes(8 * size),
        "multinomial(20, [1/6]*6, size // 6)": lambda g: g.multinomial(20, [1 / 6] * 6, size // 6),
        "dirichlet([1, 2, 3], size // 3)": lambda g: g.dirichlet([1, 2, 3], size // 3),
    }
    calls = {f"{name}{args}": (lambda g, name=name, args=args: getattr(g, name)(*args, size))
             for name, args in CASES}
    calls.update(extra)
    print(f"{size} elements per call; best of {rounds}, CPU time; 'delegated': NumPy's "
          f"algorithm on fastinit's stream (fastinit._numpy_methods)")
    print(f"{'call':42s} {'path':9s} {'fastinit ms':>11s} {'NumPy ms':>9s} {'ratio':>6s}")
    for label, call in calls.items():
        name = label.split("(")[0]
        method = getattr(fastinit.Generator, name)
        path = "delegated" if method.__module__ == "fastinit._numpy_methods" else "fast"
        a, b = [], []
        for _ in range(rounds):
            a.append(best_time(lambda: call(ours), 1))
            b.append(best_time(lambda: call(theirs), 1))
        print(f"{label:42s} {path:9s} {min(a) * 1e3:11.2f} {min(b) * 1e3:9.2f} "
              f"{min(a) / min(b):6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10**6)
    main(parser.parse_args().size)
