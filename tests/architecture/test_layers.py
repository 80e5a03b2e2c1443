"""The package's structure, enforced (docs/ARCHITECTURE.md, "Layers").

1. No module imports another module's private (underscore) names, nor reads
   them as attributes of an imported module.
2. A subpackage (``fastinit.model``, ``fastinit.initializers``, ...) is used by
   the rest of the package through its public ``__init__`` names only.
3. Imports go down the layers, never up (so there is no import cycle).
4. The Dask generator has every fill method of the core's table, with the
   local method's parameters, and every catalogue function is a real
   module-level name of ``fastinit.dask``.
"""
import ast
import inspect
from pathlib import Path

import pytest

import fastinit

PACKAGE = Path(fastinit.__file__).parent

#: Layer of each top-level module or subpackage: a module may import only
#: from layers strictly below its own (or from inside its own subpackage).
LAYERS = {
    "_version": 0, "_core": 0,
    "_dtypes": 1, "_simd": 1, "_threads": 1, "_seeding": 1, "_limits": 1,
    "_validation": 2, "_truncnorm": 2,
    "_methods": 3, "_numpy_methods": 3, "_bitgen": 3, "_broadcast": 3, "_small_draws": 3,
    "_generator": 4,
    "numba": 5, "initializers": 5,
    "model": 6, "dask": 6, "diagnose": 6,
    "torch": 7, "keras": 7, "jax": 7, "_bench": 7,
    "cli": 8, "__main__": 9, "__init__": 9,
}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        yield path, rel.parts


def unit_of(parts):
    """The top-level module or subpackage a module belongs to."""
    return parts[0]


def resolve(parts, node):
    """The absolute fastinit module path (tuple) an ImportFrom refers to, or None."""
    if node.level == 0:
        if not (node.module or "").startswith("fastinit"):
            return None
        return tuple(node.module.split(".")[1:])
    is_package = parts[-1] == "__init__"
    base = list(parts[:-1]) if not is_package else list(parts[:-1])
    # level 1 = this module's package
    up = node.level - 1
    base = base[:len(base) - up] if up else base
    return tuple(base + (node.module.split(".") if node.module else []))


def imports(path, parts):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = resolve(parts, node)
            if target is not None:
                yield node, target, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("fastinit."):
                    yield node, tuple(alias.name.split(".")[1:]), []


def test_every_module_has_a_layer():
    units = {unit_of(parts) for _, parts in modules()}
    assert units <= set(LAYERS), f"give these a layer: {sorted(units - set(LAYERS))}"


def test_no_private_names_cross_modules():
    problems = []
    for path, parts in modules():
        here = tuple(p for p in parts if p != "__init__")
        for node, target, names in imports(path, parts):
            if target == here:
                continue
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    # importing a private *module* of one's own subpackage is fine
                    if target[:1] == here[:1] and len(here) > 1 and name.startswith("_") \
                            and (PACKAGE.joinpath(*target, name + ".py").exists()
                                 or PACKAGE.joinpath(*target, name).is_dir()):
                        continue
                    if target == () and (PACKAGE / (name + ".py")).exists() or \
                            target == () and (PACKAGE / name).is_dir() or \
                            target == () and name == "_core":
                        continue  # a private top-level module of the package itself
                    problems.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports "
                                    f"{name} from fastinit.{'.'.join(target)}")
        # attribute access to private names of imported fastinit modules
        tree = ast.parse(path.read_text())
        module_aliases = set()
        for node, target, names in imports(path, parts):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    sub = target + (alias.name,)
                    if PACKAGE.joinpath(*sub).with_suffix(".py").exists() or \
                            PACKAGE.joinpath(*sub).is_dir() or alias.name == "_core":
                        module_aliases.add(alias.asname or alias.name)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in module_aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                problems.append(f"{path.relative_to(PACKAGE)}:{node.lineno} reads "
                                f"{node.value.id}.{node.attr}")
    assert not problems, "\n".join(problems)


def test_subpackages_are_used_through_their_public_init():
    problems = []
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    for path, parts in modules():
        for node, target, _ in imports(path, parts):
            if target and target[0] in subpackages and target[0] != parts[0] and len(target) > 1:
                problems.append(f"{path.relative_to(PACKAGE)}:{node.lineno} imports "
                                f"fastinit.{'.'.join(target)}")
    assert not problems, "\n".join(problems)


def test_imports_go_down_the_layers():
    problems = []
    for path, parts in modules():
        here = unit_of(parts)
        for node, target, names in imports(path, parts):
            if not target:  # "from fastinit import x" / "from . import x"
                targets = [n for n in names]
            else:
                targets = [target[0]]
            for t in targets:
                if t == here or t not in LAYERS:
                    continue
                if LAYERS[t] >= LAYERS[here]:
                    problems.append(f"{path.relative_to(PACKAGE)}:{node.lineno} "
                                    f"({here}, layer {LAYERS[here]}) imports {t} "
                                    f"(layer {LAYERS[t]})")
    assert not problems, "\n".join(problems)


def test_dask_generator_has_every_fill_method():
    fd = pytest.importorskip("fastinit.dask")
    from fastinit._methods import METHODS

    for name, spec in METHODS.items():
        assert hasattr(fd.Generator, name), f"fastinit.dask.Generator lacks {name}"
        local = inspect.signature(getattr(fastinit.Generator, name)).parameters
        dask = inspect.signature(getattr(fd.Generator, name)).parameters
        expected = [p for p in local if p not in ("out", "n_threads")] + ["chunks", "n_threads"]
        assert list(dask) == expected, name
        for p in expected[:-2]:
            assert dask[p].default == local[p].default, (name, p)
    assert set(fastinit.Generator.fill_methods) == set(METHODS)


def test_dask_initializers_are_module_level_definitions():
    fd = pytest.importorskip("fastinit.dask")
    tree = ast.parse(Path(fd.__file__).read_text())
    assigned = {t.id for node in tree.body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [n for n in fastinit.initializers.FUNCTIONS if n not in assigned | defined]
    assert not missing, f"fastinit.dask does not define {missing}"
    assert "globals()" not in Path(fd.__file__).read_text()


def test_nothing_links_outside_the_repository():
    root = PACKAGE.parent
    offenders = []
    for path in [root / "README.md", *root.joinpath("docs").glob("*.md"),
                 *PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.pyx"), *PACKAGE.joinpath("src").glob("*")]:
        if path.is_file() and ("../shared" in path.read_text(errors="replace")
                               or "DESIGN.md" in path.read_text(errors="replace")):
            offenders.append(str(path.relative_to(root)))
    assert not offenders, f"these point to a file users do not have: {offenders}"
