"""Lazy public names for the stage packages.

A stage's `__init__` lists its public names and the module each lives in; the module is imported
only when the name is first used, so that importing one small module of a stage (a `Problem`, a
mark) never loads the whole stage, and no package import creates an import cycle.
"""

from __future__ import annotations

import importlib


def lazy_exports(package: str, names: dict[str, str]):
    """`__getattr__` and `__dir__` for `package`, where `names` maps a name to its module."""

    def __getattr__(name: str):
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        globals_of_package = importlib.import_module(package).__dict__
        globals_of_package[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(names) | set(importlib.import_module(package).__dict__))

    return __getattr__, __dir__
