"""The package's shape: stages as subpackages, short modules, no import cycle."""

from __future__ import annotations

import importlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import import_graph  # noqa: E402

# `generator.__main__` runs the command when imported: `python -m generator` is tested elsewhere
MODULES = sorted(set(import_graph.module_names()) - {"generator.__main__"})
STAGES = ["description", "documents", "signature", "compare", "maintenance", "amendment", "cli"]
MAX_LINES = 500


def test_every_module_imports_on_its_own():
    """Each module, imported first in a fresh interpreter, needs no other import order."""

    def attempt(name: str):
        result = subprocess.run(
            [sys.executable, "-c", f"import {name}"], capture_output=True, text=True
        )
        return name, result.returncode, result.stderr.strip().splitlines()[-1:]

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [(n, err) for n, rc, err in pool.map(attempt, MODULES) if rc != 0]
    assert failures == []


def test_the_import_graph_has_no_cycle():
    graph = import_graph.import_graph()
    assert import_graph.cycles(graph) == []
    # the graph is real: the build reads the loader, the command line reads the build
    assert "generator.description.load" in graph["generator.documents.build"]


def test_the_cycle_check_finds_a_cycle_even_through_a_lazy_import(tmp_path):
    package = tmp_path / "pkg"
    (package / "stage").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "stage" / "__init__.py").write_text("")
    (package / "stage" / "a.py").write_text("from pkg.stage import b\n")
    (package / "stage" / "b.py").write_text("def f():\n    from pkg.stage.a import x\n")
    (package / "c.py").write_text("from . import d\n")
    (package / "d.py").write_text("from .c import y\n")
    found = import_graph.cycles(import_graph.import_graph(package))
    assert found == [["pkg.c", "pkg.d"], ["pkg.stage.a", "pkg.stage.b"]]


def test_no_module_is_longer_than_one_sitting():
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in import_graph.module_names().items()
    }
    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_takes_and_gives_and_exports_its_names(stage):
    package = importlib.import_module(f"generator.{stage}")
    assert package.__doc__ and len(package.__doc__.strip().splitlines()) >= 2
    for name in package.__all__:
        assert getattr(package, name) is not None, name


def test_no_module_is_left_at_the_top_of_the_package():
    top = sorted(p.name for p in import_graph.PACKAGE_DIR.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "_exports.py"]
