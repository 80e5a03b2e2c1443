"""The ``fastinit`` command line: one subcommand per module in fastinit/cli/."""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Optional, Sequence

# subcommand name -> module in fastinit.cli defining add_arguments(parser) and run(args)
SUBCOMMANDS = {
    "info": "info",
    "bench": "bench",
    "init": "init",
    "diagnose": "diagnose",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fastinit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in SUBCOMMANDS.items():
        module = importlib.import_module(f"fastinit.cli.{module_name}")
        sp = sub.add_parser(name, help=module.__doc__.strip().splitlines()[0],
                            description=module.__doc__)
        module.add_arguments(sp)
        sp.set_defaults(_run=module.run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
