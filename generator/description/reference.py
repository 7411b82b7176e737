"""The official list of the 2024 QPV, shipped with the package (see data/PROVENANCE.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

QPV_FILE = Path(__file__).resolve().parents[1] / "data" / "qpv-2024.csv"


@dataclass(frozen=True)
class ReferenceQPV:
    code: str
    nom: str
    departement: str
    insee: tuple[str, ...]
    communes: tuple[str, ...]

    @property
    def communes_label(self) -> str:
        return ", ".join(self.communes)


@lru_cache(maxsize=1)
def qpv_reference() -> dict[str, ReferenceQPV]:
    """All 1,584 QPV by code."""
    with open(QPV_FILE, encoding="utf-8", newline="") as handle:
        return {
            row["code_qp"]: ReferenceQPV(
                code=row["code_qp"],
                nom=row["lib_qp"],
                departement=row["departement"],
                insee=tuple(row["insee_com"].split(";")),
                communes=tuple(row["lib_com"].split(";")),
            )
            for row in csv.DictReader(handle)
        }
