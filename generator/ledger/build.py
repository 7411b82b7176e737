"""Build the `Ledger` from the merged data of a format-2 description.

Reads defensively (the validation reports malformed values; here they are skipped), so that a
ledger can always be built, and the same function serves the rules and the documents.
"""

from __future__ import annotations

from decimal import Decimal

from generator.ledger.model import (
    INTERCOMMUNAL,
    YEARS,
    Contribution,
    Ledger,
    Operation,
    Quantity,
    Share,
    YearAmount,
)


def _dec(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(str(value))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dicts(value) -> list[dict]:
    return [v for v in _list(value) if isinstance(v, dict)]


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None


def operations_data(data: dict) -> list[dict]:
    financing = data.get("financements")
    return _dicts(financing.get("operations")) if isinstance(financing, dict) else []


def shares_of(op: dict) -> tuple[Share, ...]:
    """The allocation over QPV as fractions of the operation (intercommunal when absent)."""
    allocation = op.get("repartition")
    items = _dicts(allocation)
    if not items:
        return (Share(INTERCOMMUNAL, Decimal(1)),)
    if all(_dec(i.get("part")) is not None for i in items):
        total = sum((_dec(i["part"]) for i in items), Decimal(0))
        weights = [(_str(i.get("qpv")), _dec(i["part"])) for i in items]
    else:
        weights = [(_str(i.get("qpv")), _dec(i.get("montant")) or Decimal(0)) for i in items]
        total = sum((w for _, w in weights), Decimal(0))
    if not total:
        return (Share(INTERCOMMUNAL, Decimal(1)),)
    return tuple(Share(qpv, weight / total) for qpv, weight in weights)


def operation_of(op: dict) -> Operation:
    contributions = []
    for funder in _dicts(op.get("financeurs")):
        years = []
        for year in _dicts(funder.get("annees")):
            amount = _dec(year.get("montant"))
            if not isinstance(year.get("annee"), int) or isinstance(year.get("annee"), bool):
                continue
            if amount is None:
                continue
            years.append(
                YearAmount(
                    year["annee"],
                    amount,
                    _str(year.get("statut")) or "programme",
                    _dec(year.get("verse")),
                )
            )
        contributions.append(
            Contribution(
                _str(funder.get("financeur")) or "?",
                _str(funder.get("forme")) or "subvention",
                _str(funder.get("dispositif")),
                tuple(years),
            )
        )
    quantities = tuple(
        Quantity(_dec(q.get("valeur")), q["unite"])
        for q in _dicts(op.get("quantites"))
        if _dec(q.get("valeur")) is not None and _str(q.get("unite"))
    )
    return Operation(
        id=_str(op.get("id")) or "?",
        label=_str(op.get("intitule")) or _str(op.get("id")) or "?",
        nature=_str(op.get("nature")) or "specifique",
        programme=_str(op.get("programme")),
        orientation=_str(op.get("orientation")),
        secondary_orientations=tuple(
            o for o in _list(op.get("orientations_secondaires")) if _str(o)
        ),
        shares=shares_of(op),
        mode=_str(op.get("mode")),
        convention=op.get("convention") if isinstance(op.get("convention"), dict) else None,
        beneficiary=op.get("beneficiaire") if isinstance(op.get("beneficiaire"), dict) else None,
        quantities=quantities,
        contributions=tuple(contributions),
    )


def build_ledger(data: dict, years: tuple[int, ...] = YEARS) -> Ledger:
    """The ledger of a format-2 description's merged data."""
    return Ledger(tuple(operation_of(op) for op in operations_data(data)), years)


def ledger_of(desc) -> Ledger:
    """The ledger of a loaded `Description` (format 2 in memory: `load_territory` converts a
    format-1 description), built once per description and shared by its readers."""
    cached = desc.__dict__.get("_ledger")
    if cached is None or cached[0] is not desc.data:
        cached = desc.__dict__["_ledger"] = (desc.data, build_ledger(desc.data))
    return cached[1]


def declared_total_sum(ledger: Ledger, total: dict, operations=None) -> Decimal:
    """What the ledger says for a declared total's filters (year, funder, nature), over the
    given operations (None: all)."""
    filters = {}
    if operations is not None:
        filters["operations"] = operations
        filters["forms"] = None  # format 1 added every line up, whatever its form
    if isinstance(total.get("annee"), int):
        filters["year"] = total["annee"]
    if isinstance(total.get("financeur"), str):
        filters["funder"] = total["financeur"]
    if isinstance(total.get("nature"), str):
        filters["nature"] = total["nature"]
    return ledger.total(**filters)
