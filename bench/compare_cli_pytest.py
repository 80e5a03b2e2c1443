"""Put ``fastinit bench --json`` and pytest-benchmark ``--benchmark-json`` figures side by side.

Both build their timed callables with ``fastinit._bench.make_fill``; this
matches the records on (operation, dtype, elements, implementation, threads,
fresh) and prints each side's best time, their ratio, and each side's speed
relative to NumPy PCG64, which is what should agree within noise::

    fastinit bench --size 2^28 --ops random,standard_normal --dtypes float32 \\
        --sections table,fresh --json cli.json
    pytest bench/test_bench_core.py -k large --benchmark-only -o addopts="" \\
        --benchmark-json=pytest.json
    python bench/compare_cli_pytest.py cli.json pytest.json
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Optional, Sequence

Key = tuple[str, str, int, str, int, bool]


def _key(r: dict[str, Any]) -> Key:
    return (r["op"], r["dtype"], int(r["n"]), r["impl"], int(r["threads"]), bool(r["fresh"]))


def load_cli(path: str) -> dict[Key, float]:
    """Best seconds per record of a ``fastinit bench --json`` file (table and fresh rows)."""
    with open(path) as f:
        data = json.load(f)
    return {_key(r): r["best_s"] for r in data["results"] if r["section"] in ("table", "fresh")}


def load_pytest(path: str) -> dict[Key, float]:
    """Best seconds per benchmark of a pytest-benchmark JSON file (ours only)."""
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        info = b.get("extra_info", {})
        if "impl" in info:
            out[_key(info)] = b["stats"]["min"]
    return out


def _ratio_to_ref(times: dict[Key, float], key: Key) -> Optional[float]:
    ref = (key[0], key[1], key[2], "numpy-pcg64", 1, key[5])
    return times[ref] / times[key] if ref in times else None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Print the comparison; return 1 when nothing matched."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cli_json")
    parser.add_argument("pytest_json")
    args = parser.parse_args(argv)
    cli, pyt = load_cli(args.cli_json), load_pytest(args.pytest_json)
    common = [k for k in cli if k in pyt]
    if not common:
        print("no common records", file=sys.stderr)
        return 1
    print(f"{'op':<16}{'dtype':<9}{'n':>11} {'implementation':<16}{'thr':>4}{'fresh':>6}"
          f"{'CLI ms':>10}{'pytest ms':>11}{'pytest/CLI':>11}{'xNumPy CLI':>11}"
          f"{'xNumPy pytest':>14}")
    for k in common:
        rc, rp = _ratio_to_ref(cli, k), _ratio_to_ref(pyt, k)
        fmt = (lambda v: f"{v:.2f}" if v is not None else "-")
        print(f"{k[0]:<16}{k[1]:<9}{k[2]:>11} {k[3]:<16}{k[4]:>4}{'yes' if k[5] else 'no':>6}"
              f"{cli[k] * 1e3:>10.2f}{pyt[k] * 1e3:>11.2f}{pyt[k] / cli[k]:>11.2f}"
              f"{fmt(rc):>11}{fmt(rp):>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
