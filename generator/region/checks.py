"""Inconsistencies between territories that a region catches and a single pilot cannot: the same
actor under two spellings (same SIREN), the same landlord with different abatement per dwelling,
a QPV claimed by two contracts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from generator.region.figures import Region, normalized

# The abatement is 30 % of the taxable base everywhere (art. 1388 bis CGI): the same landlord's
# abatement per dwelling should be close from one territory to the next.
ABATEMENT_SPREAD = Decimal("1.25")


@dataclass(frozen=True)
class CrossCheck:
    """A warning of the synthesis: what, in which territories, what to do."""

    kind: str
    message: str
    territories: tuple[str, ...]

    def format(self) -> str:
        return f"avertissement: {self.message}"


def _euros(value: Decimal) -> str:
    return f"{int(value.quantize(Decimal(1))):,}".replace(",", "\u202f") + "\u00a0€"


def cross_checks(region: Region) -> list[CrossCheck]:
    return _spellings(region) + _abatements(region) + _claimed_twice(region)


def _spellings(region: Region) -> list[CrossCheck]:
    by_siren: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    spelled: dict[tuple[str, str], str] = {}
    for actor in region.actors:
        if actor.siren:
            by_siren[actor.siren][normalized(actor.name)].add(actor.territory)
            spelled.setdefault((actor.siren, normalized(actor.name)), actor.name)
    for figures in region.territories:
        for landlord in figures.landlords:
            if landlord.siren:
                by_siren[landlord.siren][normalized(landlord.name)].add(landlord.territory)
                spelled.setdefault((landlord.siren, normalized(landlord.name)), landlord.name)
    out = []
    for siren in sorted(by_siren):
        names = by_siren[siren]
        if len(names) < 2:
            continue
        parts = [
            f"« {spelled[(siren, n)]} » ({', '.join(sorted(names[n]))})" for n in sorted(names)
        ]
        territories = sorted({t for ts in names.values() for t in ts})
        out.append(
            CrossCheck(
                "orthographe",
                f"le SIREN {siren} est écrit de {len(names)} façons : {' et '.join(parts)} ; "
                "c'est sans doute le même acteur : accordez les noms entre territoires",
                tuple(territories),
            )
        )
    return out


def _abatements(region: Region) -> list[CrossCheck]:
    out = []
    for name, members in region.tfpb_by_landlord():
        rates = []
        for landlord in members:
            years = [y for y, v in landlord.abatement.items() if v > 0]
            if landlord.dwellings and years:
                mean = sum(landlord.abatement[y] for y in years) / len(years)
                rates.append((mean / landlord.dwellings, landlord.territory))
        if len({t for _, t in rates}) < 2:
            continue
        low, high = min(rates), max(rates)
        if low[0] > 0 and high[0] / low[0] > ABATEMENT_SPREAD:
            out.append(
                CrossCheck(
                    "abattement",
                    f"le bailleur « {name} » déclare un abattement de TFPB de "
                    f"{_euros(high[0])} par logement et par an dans {high[1]} mais de "
                    f"{_euros(low[0])} dans {low[1]} : l'abattement est de 30 % de la base "
                    "partout ; vérifiez les estimations ou le nombre de logements",
                    tuple(sorted({t for _, t in rates})),
                )
            )
    return out


def _claimed_twice(region: Region) -> list[CrossCheck]:
    claims: dict[str, list[str]] = defaultdict(list)
    for figures in region.territories:
        for code in figures.qpv:
            claims[code].append(figures.name)
    return [
        CrossCheck(
            "qpv",
            f"le QPV {code} est déclaré par {len(names)} contrats ({', '.join(names)}) : un QPV "
            "relève d'un seul contrat de ville ; la synthèse le compte une fois, dans "
            f"{names[0]}",
            tuple(names),
        )
        for code, names in sorted(claims.items())
        if len(names) > 1
    ]
