"""One contract as the synthesis reads it: the parts of its data the regional figures and the
map read (never its texts), its problems, and its figures once computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.description.problems import Problem

# what the synthesis reads of a description; the rest (texts, diagnostic, indicators…) stays
# in the worker that read it, so that 450 territories cross the process boundary quickly
REGION_KEYS = ("territoire", "signataires", "partenaires", "acteurs", "engagements", "tfpb")


def region_data(data: dict) -> dict:
    """The keys of REGION_KEYS, and the contract's date alone of `contrat`."""
    out = {key: data[key] for key in REGION_KEYS if key in data}
    contrat = data.get("contrat")
    if isinstance(contrat, dict) and "date" in contrat:
        out["contrat"] = {"date": contrat["date"]}
    return out


@dataclass
class Territory:
    """One contract as the synthesis reads it."""

    name: str  # the folder's name: a stable key between runs
    folder: Path
    data: dict
    problems: list[Problem] = field(default_factory=list)
    ledger: Any = None  # the registre des opérations (generator.ledger.Ledger), if still held
    figures: Any = None  # its `figures.TerritoryFigures`, computed where it was read

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
