"""Subcommands of the ``fastinit`` command line (see fastinit/__main__.py)."""
