"""The examples in the initializer and diagnose docstrings run and are right."""
import doctest
import importlib

import pytest

MODULES = [
    "fastinit.initializers._base", "fastinit.initializers._fans", "fastinit.initializers._gain",
    "fastinit.initializers._constant", "fastinit.initializers._random",
    "fastinit.initializers._variance_scaling", "fastinit.initializers._orthogonal",
    "fastinit.initializers._structured", "fastinit.initializers._torch_defaults",
    "fastinit.diagnose",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
