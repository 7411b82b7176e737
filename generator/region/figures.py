"""The regional figures: one frame per territory and the same frame summed for the region,
plus the cross-cutting tables (themes, signatories, actors present in several territories).

Pure functions over gathered territories; every euro comes through `money`.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from generator.region.money import MoneyRow, Totals, funders_of, money_rows, territory_totals
from generator.region.territory import Territory


@lru_cache(maxsize=1)
def labels() -> dict[str, dict[str, str]]:
    """French labels of the schema's lists (themes, kinds of actor, kinds of signatory)."""
    from generator.description.schema import load_schema

    defs = load_schema()["$defs"]
    return {
        "theme": defs["theme"]["x-libelles"],
        "acteur": defs["acteur"]["properties"]["type"]["x-libelles"],
        "signataire": defs["signataire"]["properties"]["type"]["x-libelles"],
        "mode": defs["operation"]["properties"]["mode"]["x-libelles"],
    }


@lru_cache(maxsize=65536)
def normalized(name: str) -> str:
    """A name compared across territories: no accents, case, punctuation or articles."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = "".join(c if c.isalnum() else " " for c in text).split()
    return " ".join(w for w in words if w not in {"l", "la", "le", "les", "de", "du", "d"})


@dataclass(frozen=True)
class Actor:
    """An actor as it may leave its territory: never its contact details."""

    territory: str
    id: str
    name: str
    kind: str
    siren: str
    rna: str
    qpv: tuple[str, ...]
    themes: tuple[str, ...]
    # the ledger's total of the operations whose beneficiary is this actor (loans apart)
    funding: Decimal = Decimal(0)

    @property
    def key(self) -> str:
        """The identity of an actor across territories: SIREN, else RNA, else its name."""
        if self.siren:
            return f"siren:{self.siren}"
        if self.rna:
            return f"rna:{self.rna}"
        return f"nom:{normalized(self.name)}"


def public_actors(territory: Territory, ledger=None) -> list[Actor]:
    funded: dict[str, list[str]] = defaultdict(list)
    for op in ledger.operations if ledger is not None else ():
        actor_id = (op.beneficiary or {}).get("acteur")
        if isinstance(actor_id, str):
            funded[actor_id].append(op.id)
    out = []
    for item in territory.items("acteurs"):
        ident = str(item.get("id") or "")
        operations = funded.get(ident)
        out.append(
            Actor(
                territory=territory.name,
                id=ident,
                name=str(item.get("nom") or ""),
                kind=str(item.get("type") or ""),
                siren=str(item.get("siren") or ""),
                rna=str(item.get("rna") or ""),
                qpv=tuple(q for q in item.get("qpv") or [] if isinstance(q, str)),
                themes=tuple(t for t in item.get("themes") or [] if isinstance(t, str)),
                funding=ledger.total(operations=operations) if operations else Decimal(0),
            )
        )
    return out


@dataclass(frozen=True)
class Landlord:
    """A landlord's TFPB convention in one territory."""

    territory: str
    id: str
    name: str
    siren: str
    dwellings: int
    qpv: tuple[str, ...]
    abatement: dict[int, Decimal]
    actions: dict[int, Decimal]

    @property
    def key(self) -> str:
        return f"siren:{self.siren}" if self.siren else f"nom:{normalized(self.name)}"


def _dec(value) -> Decimal:
    return Decimal(str(value)) if isinstance(value, int | float) else Decimal(0)


def landlords(territory: Territory) -> list[Landlord]:
    signatories = {s.get("id"): s for s in territory.items("signataires")}
    out = []
    for convention in territory.items("tfpb"):
        ident = str(convention.get("bailleur") or "")
        sig = signatories.get(ident) or {}
        patrimoine = [p for p in convention.get("patrimoine") or [] if isinstance(p, dict)]
        abatement: dict[int, Decimal] = defaultdict(Decimal)
        for year in convention.get("abattement_estime") or []:
            if isinstance(year, dict) and isinstance(year.get("annee"), int):
                abatement[year["annee"]] += _dec(year.get("montant"))
        actions: dict[int, Decimal] = defaultdict(Decimal)
        for action in convention.get("actions") or []:
            for cost in (action.get("couts") or []) if isinstance(action, dict) else []:
                if isinstance(cost, dict) and isinstance(cost.get("annee"), int):
                    actions[cost["annee"]] += _dec(cost.get("montant"))
        out.append(
            Landlord(
                territory=territory.name,
                id=ident,
                name=str(sig.get("nom") or ident),
                siren=str(sig.get("siren") or ""),
                dwellings=sum(
                    p["logements"] for p in patrimoine if isinstance(p.get("logements"), int)
                ),
                qpv=tuple(str(p.get("qpv")) for p in patrimoine if p.get("qpv")),
                abatement=dict(abatement),
                actions=dict(actions),
            )
        )
    return out


@dataclass
class TerritoryFigures:
    """The frame of one territory (the region's frame is the same, summed)."""

    name: str
    epci: str
    valid: bool
    qpv: list[str]
    population: int
    actors: list[Actor]
    rows: list[MoneyRow]
    totals: Totals
    landlords: list[Landlord]
    signatory_types: dict[str, int]


def territory_figures(territory: Territory) -> TerritoryFigures:
    codes, population = [], 0
    for item in territory.qpv:
        code = item.get("code")
        if isinstance(code, str) and code not in codes:
            codes.append(code)
            if isinstance(item.get("population"), int):
                population += item["population"]
    kinds: dict[str, int] = defaultdict(int)
    for sig in territory.items("signataires"):
        if sig.get("role", "signataire") == "signataire":
            kinds[str(sig.get("type") or "autre")] += 1
    from generator.ledger import build_ledger

    ledger = territory.ledger if territory.ledger is not None else build_ledger(territory.data)
    funders = funders_of(territory.data)
    return TerritoryFigures(
        name=territory.name,
        epci=territory.epci,
        valid=not territory.errors,
        qpv=codes,
        population=population,
        actors=public_actors(territory, ledger),
        rows=money_rows(territory.name, ledger, funders),
        totals=territory_totals(ledger, funders),
        landlords=landlords(territory),
        signatory_types=dict(kinds),
    )


def _add(target: dict, source: dict) -> None:
    for key, value in source.items():
        target[key] = target.get(key, 0) + value


@dataclass
class Region:
    """Every figure of the synthesis."""

    territories: list[TerritoryFigures]
    qpv: list[str] = field(default_factory=list)  # distinct codes, first claim kept
    qpv_owner: dict[str, str] = field(default_factory=dict)
    population: int = 0
    total: Decimal = Decimal(0)
    by_nature: dict = field(default_factory=dict)
    by_funder_type: dict = field(default_factory=dict)
    by_year: dict = field(default_factory=dict)
    by_mode: dict = field(default_factory=dict)
    by_programme: dict = field(default_factory=dict)
    loans: Decimal = Decimal(0)

    @property
    def actors(self) -> list[Actor]:
        return [a for t in self.territories for a in t.actors]

    def themes_by_territory(self) -> dict[str, dict[str, int]]:
        """theme -> territory -> number of actors with that theme."""
        table: dict[str, dict[str, int]] = {}
        for theme in labels()["theme"]:
            row = {t.name: sum(theme in a.themes for a in t.actors) for t in self.territories}
            if any(row.values()):
                table[theme] = row
        return table

    def signatories_by_territory(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for kind in labels()["signataire"]:
            row = {t.name: t.signatory_types.get(kind, 0) for t in self.territories}
            if any(row.values()):
                table[kind] = row
        return table

    def shared_actors(self) -> list[tuple[str, list[Actor]]]:
        """Actors present in several territories (same SIREN, RNA or name), by name."""
        groups: dict[str, list[Actor]] = defaultdict(list)
        for actor in self.actors:
            groups[actor.key].append(actor)
        shared = [
            (members[0].name, members)
            for members in groups.values()
            if len({a.territory for a in members}) > 1
        ]
        return sorted(shared, key=lambda item: (normalized(item[0]), item[1][0].key))

    def tfpb_by_landlord(self) -> list[tuple[str, list[Landlord]]]:
        """Each landlord (same SIREN, else same name) with its conventions, by name; computed
        once (each territory's page reads it)."""
        cached = self.__dict__.get("_landlords")
        if cached is None:
            cached = self.__dict__["_landlords"] = self._group_landlords()
        return cached

    def _group_landlords(self) -> list[tuple[str, list[Landlord]]]:
        groups: dict[str, list[Landlord]] = defaultdict(list)
        for territory in self.territories:
            for landlord in territory.landlords:
                groups[landlord.key].append(landlord)
        return sorted(
            ((members[0].name, members) for members in groups.values()),
            key=lambda item: (normalized(item[0]), item[1][0].key),
        )


def region_figures(territories: list[Territory]) -> Region:
    region = Region([t.figures or territory_figures(t) for t in territories])
    populations: dict[str, int] = {}
    for territory, figures in zip(territories, region.territories, strict=True):
        for item in territory.qpv:
            code = item.get("code")
            if isinstance(code, str) and code not in region.qpv_owner:
                region.qpv_owner[code] = territory.name
                region.qpv.append(code)
                pop = item.get("population")
                populations[code] = pop if isinstance(pop, int) else 0
        totals = figures.totals
        region.total += totals.total
        region.loans += totals.loans
        _add(region.by_nature, totals.by_nature)
        _add(region.by_funder_type, totals.by_funder_type)
        _add(region.by_year, totals.by_year)
        _add(region.by_mode, totals.by_mode)
        _add(region.by_programme, totals.by_programme)
    region.population = sum(populations.values())
    return region
