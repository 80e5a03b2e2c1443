"""Show how fastinit was built and what it will use on this machine."""
from __future__ import annotations

import argparse
import json

import numpy as np


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    import fastinit

    info = {
        "fastinit": fastinit.__version__,
        "stream_version": fastinit.STREAM_VERSION,
        "numpy": np.__version__,
        "openmp": fastinit.openmp_enabled(),
        "threads": fastinit.get_num_threads(),
        "simd": fastinit.simd_info(),
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key:>15}: {value}")
    return 0
