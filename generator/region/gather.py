"""Reading the territories of a synthesis: each folder loaded and validated once.

`gather` takes the paths IREV gives (territory folders, or folders of territory folders) and
returns one `Territory` per folder: the parts of its data the synthesis reads, its problems and
its figures (money from its ledger). Worker processes read the territories and compute their
figures, each sending back only that: the texts of 450 contracts never cross processes.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.region.territory import Territory, region_data

__all__ = ["Territory", "gather", "read_territory"]


def read_territory(folder: Path) -> Territory:
    """One territory loaded, validated and summed up (its ledger built once, by the rules)."""
    from generator.description.load import load_territory
    from generator.description.validate import validate_description
    from generator.ledger import ledger_of
    from generator.region.figures import territory_figures

    desc = load_territory(folder)
    problems = desc.problems + validate_description(desc)
    territory = Territory(folder.name, folder, desc.data, problems, ledger_of(desc))
    territory.figures = territory_figures(territory)
    territory.data, territory.ledger = region_data(desc.data), None
    return territory


def gather(paths: list[Path], jobs: int | None = None) -> list[Territory]:
    """Every territory under `paths`, sorted by folder name (raises UsageError on a bad path)."""
    from generator.description.validate import discover

    folders = sorted({t.root for t in discover(paths) if not t.single_file}, key=str)
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(folders) < 8:
        territories = [read_territory(f) for f in folders]
    else:
        from concurrent.futures import ProcessPoolExecutor

        from generator.description.schema import fast_validator, validator

        # compiled once here: forked workers inherit them instead of compiling them each
        fast_validator(), validator()
        chunk = max(1, len(folders) // (jobs * 4))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            territories = list(pool.map(read_territory, folders, chunksize=chunk))
    return sorted(territories, key=lambda t: (t.name, str(t.folder)))
