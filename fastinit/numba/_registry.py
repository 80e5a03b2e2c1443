"""Compiled user functions, by content key, for the generated kernel modules.

A generated module (see ``_codegen``) binds its distribution's compiled
function with ``REGISTRY[key]`` at import; the key is a hash of the
function's source and of everything else the kernel depends on.
"""
from __future__ import annotations

from typing import Any

REGISTRY: dict[str, Any] = {}
