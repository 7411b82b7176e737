"""Reading the territories of a synthesis: each folder loaded and validated once.

`gather` takes the paths IREV gives (territory folders, or folders of territory folders) and
returns one `Territory` per folder: its merged data, its problems and its ledger. Many territories are read
by worker processes, each sending back plain data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.description.problems import Problem
from generator.ledger.model import Ledger


@dataclass
class Territory:
    """One contract as the synthesis reads it."""

    name: str  # the folder's name: a stable key between runs
    folder: Path
    data: dict
    problems: list[Problem] = field(default_factory=list)
    ledger: Ledger | None = None  # the registre des opérations, built once by the validation

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def epci(self) -> str:
        epci = (self.data.get("territoire") or {}).get("epci") or {}
        return str(epci.get("nom") or self.name) if isinstance(epci, dict) else self.name

    def items(self, key: str) -> list[dict]:
        value = self.data.get(key)
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    @property
    def qpv(self) -> list[dict]:
        value = (self.data.get("territoire") or {}).get("qpv")
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _read(folder: Path) -> Territory:
    from generator.description.load import load_territory
    from generator.description.validate import validate_description
    from generator.ledger import ledger_of

    desc = load_territory(folder)
    problems = desc.problems + validate_description(desc)
    return Territory(folder.name, folder, desc.data, problems, ledger_of(desc))


def gather(paths: list[Path], jobs: int | None = None) -> list[Territory]:
    """Every territory under `paths`, sorted by folder name (raises UsageError on a bad path)."""
    from generator.description.validate import discover

    folders = sorted({t.root for t in discover(paths) if not t.single_file}, key=str)
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(folders) < 8:
        territories = [_read(f) for f in folders]
    else:
        from concurrent.futures import ProcessPoolExecutor

        chunk = max(1, len(folders) // (jobs * 4))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            territories = list(pool.map(_read, folders, chunksize=chunk))
    return sorted(territories, key=lambda t: (t.name, str(t.folder)))
