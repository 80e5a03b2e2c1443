"""Model specs: tensor name -> shape, dtype and initializer (with its options).

A spec is a mapping, given as a dict or as a JSON/YAML file::

    {
      "embed.weight": {"shape": [32000, 4096], "dtype": "bfloat16",
                       "init": "normal", "stddev": 0.02},
      "norm.weight":  {"shape": [4096], "init": "ones"},
      "__metadata__": {"format": "pt"}
    }

Each entry has ``shape`` (list of non-negative ints), optional ``dtype``
(float32 by default, also when given as ``null``; float64, float16,
bfloat16) and ``init``: anything
``fastinit.get`` accepts (a name, a config dict, an initializer object).
Every other key of the entry is an option of the initializer.  The optional
``"__metadata__"`` entry (str -> str) goes into a safetensors file's header.
A name given twice in one mapping of a JSON or YAML file is refused (their
parsers would keep the last silently).  Everything is checked here, before
any memory is allocated or written.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Hashable
from typing import Any, Mapping, Union

import numpy as np

from .._dtypes import resolve_float_dtype
from .._validation import normalize_size
from ._initializers import resolve_initializer

#: The keys of a spec entry that are not initializer options.
ENTRY_KEYS = ("shape", "dtype", "init")
METADATA_KEY = "__metadata__"

SpecLike = Union[Mapping[str, Any], str, "os.PathLike[str]", "ModelSpec"]


@dataclass(frozen=True)
class TensorSpec:
    """One tensor of a model spec, checked and with its initializer resolved.

    Attributes
    ----------
    name : str
        The tensor's name; also the name of the sub-stream it draws from.
    shape : tuple of int
    dtype : numpy.dtype
    initializer : object
        Called as ``initializer(shape, dtype, rng=..., out=...)``.
    entry : dict
        The spec entry as given (JSON-able when the spec was).
    """

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    initializer: Any = field(repr=False)
    entry: dict = field(repr=False, compare=False)

    @property
    def size(self) -> int:
        """Number of elements."""
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes of the filled array."""
        return self.size * self.dtype.itemsize


@dataclass(frozen=True)
class ModelSpec:
    """A checked model spec: tensors in the order given, and file metadata."""

    tensors: dict[str, TensorSpec]
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        """Bytes of all tensors together."""
        return sum(t.nbytes for t in self.tensors.values())

    @property
    def n_params(self) -> int:
        """Elements of all tensors together."""
        return sum(t.size for t in self.tensors.values())

    def __len__(self) -> int:
        return len(self.tensors)

    def to_dict(self) -> dict[str, Any]:
        """The spec as a mapping, as :func:`load_spec` accepts it."""
        raw: dict[str, Any] = {name: dict(t.entry) for name, t in self.tensors.items()}
        if self.metadata:
            raw[METADATA_KEY] = dict(self.metadata)
        return raw


class _DuplicateKey(Exception):
    """A key given twice in one mapping of a spec file: JSON and YAML
    parsers keep the last silently, which would drop a tensor."""


def _refuse_duplicates(pairs: list[tuple[Any, Any]]) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"{key!r} is given twice in one mapping (the first would be "
                                "silently dropped)")
        result[key] = value
    return result


_YAML_LOADERS: dict = {}


def _yaml_loader(yaml: Any) -> Any:
    """PyYAML's SafeLoader, refusing duplicate keys."""
    if "loader" not in _YAML_LOADERS:
        class SpecLoader(yaml.SafeLoader):
            def construct_mapping(self, node, deep=False):
                if isinstance(node, yaml.MappingNode):
                    self.flatten_mapping(node)  # YAML merge keys ("<<"), as SafeLoader does
                pairs = [(self.construct_object(k, deep=deep), self.construct_object(v, deep=deep))
                         for k, v in node.value]
                if not all(isinstance(key, Hashable) for key, _ in pairs):
                    return super().construct_mapping(node, deep)
                return _refuse_duplicates(pairs)

        SpecLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                   SpecLoader.construct_mapping)
        _YAML_LOADERS["loader"] = SpecLoader
    return _YAML_LOADERS["loader"]


def _read_file(path: Path, argname: str) -> Any:
    if not path.is_file():
        hint = ""
        if not path.suffix:
            hint = (" (for a built-in model use fastinit.model.presets[name].spec(); "
                    "see fastinit.model.presets)")
        raise FileNotFoundError(f"{argname}={str(path)!r}: no such spec file{hint}")
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ImportError(
                f"{argname}={str(path)!r} is a YAML file, and reading YAML needs PyYAML "
                "(pip install pyyaml); or write the spec as JSON"
            ) from None
        try:
            return yaml.load(text, Loader=_yaml_loader(yaml))  # noqa: S506 (a SafeLoader)
        except yaml.YAMLError as exc:
            raise ValueError(f"{argname}={str(path)!r} is not valid YAML: {exc}") from None
        except _DuplicateKey as exc:
            raise ValueError(f"{argname}={str(path)!r}: {exc}") from None
    try:
        return json.loads(text, object_pairs_hook=_refuse_duplicates)
    except _DuplicateKey as exc:
        raise ValueError(f"{argname}={str(path)!r}: {exc}") from None
    except json.JSONDecodeError as exc:
        kind = "JSON" if path.suffix.lower() == ".json" else "JSON (use .yaml/.yml for YAML)"
        raise ValueError(f"{argname}={str(path)!r} is not valid {kind}: {exc}") from None


def _parse_metadata(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} must map str to str, got {type(value).__name__}")
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise TypeError(f"{where} must map str to str, got {key!r}: {item!r}")
    return dict(value)


def parse_entry(name: Any, entry: Any, where: str) -> TensorSpec:
    """Check one spec entry and resolve its initializer.

    ``where`` names the entry in error messages (``spec['h.0.weight']``).
    """
    if not isinstance(name, str) or not name:
        raise TypeError(f"{where}: tensor names must be non-empty strings, got {name!r}")
    if not isinstance(entry, Mapping):
        raise TypeError(
            f"{where} must be a mapping with 'shape', 'init' and optionally 'dtype', "
            f"got {type(entry).__name__}"
        )
    for key in entry:
        if not isinstance(key, str):
            raise TypeError(f"{where}: keys must be strings, got {key!r}")
    if "shape" not in entry:
        raise ValueError(f"{where} has no 'shape'")
    if "init" not in entry:
        raise ValueError(f"{where} has no 'init' (an initializer name such as 'normal', "
                         "a config dict or an initializer object)")
    shape_value = entry["shape"]
    if isinstance(shape_value, (str, bytes)) or not hasattr(shape_value, "__iter__"):
        raise TypeError(f"{where}['shape'] must be a list of ints, got {shape_value!r}")
    if any(isinstance(d, (bool, np.bool_, float)) for d in shape_value):
        raise TypeError(f"{where}['shape'] must be a list of ints, got {list(shape_value)!r}")
    shape = normalize_size(tuple(shape_value), f"{where}['shape']")
    assert shape is not None
    # "dtype": null (YAML "dtype:") means no dtype given: float32, not NumPy's float64
    dtype_value = entry.get("dtype")
    dtype = resolve_float_dtype("float32" if dtype_value is None else dtype_value,
                                f"{where}['dtype']")
    options = {k: v for k, v in entry.items() if k not in ENTRY_KEYS}
    initializer = resolve_initializer(entry["init"], options, shape, dtype, f"{where}['init']")
    return TensorSpec(name, shape, dtype, initializer, dict(entry))


def load_spec(spec: SpecLike, argname: str = "spec") -> ModelSpec:
    """Read and check a model spec.

    Parameters
    ----------
    spec : mapping, str, os.PathLike or ModelSpec
        The spec itself, or the path of a JSON file (``.yaml``/``.yml``: YAML,
        which needs PyYAML).  See the module docstring for the format.

    Returns
    -------
    ModelSpec

    Raises
    ------
    TypeError, ValueError
        Naming the entry and key at fault, before anything is allocated.
    FileNotFoundError
        When the file does not exist.
    """
    if isinstance(spec, ModelSpec):
        return spec
    if isinstance(spec, (str, os.PathLike)):
        where = f"{argname}={os.fspath(spec)!r}"
        raw = _read_file(Path(spec), argname)
    else:
        where = argname
        raw = spec
    if not isinstance(raw, Mapping):
        raise TypeError(f"{where} must be a mapping of tensor names to entries, "
                        f"got {type(raw).__name__}")
    metadata: dict[str, str] = {}
    tensors: dict[str, TensorSpec] = {}
    for name, entry in raw.items():
        if name == METADATA_KEY:
            metadata = _parse_metadata(entry, f"{where}[{METADATA_KEY!r}]")
            continue
        tensors[name] = parse_entry(name, entry, f"{where}[{name!r}]")
    return ModelSpec(tensors, metadata)
