"""The totals a reviewer looks at first, of one description, for `compare` to list those that
moved: the money from the ledger (`generator.ledger`: total, by year, nature, funder, loans,
investment, quantities per unit), the TFPB amounts and the population of the QPV.

A description written in format 1 is converted in memory the way `load_territory` does, so
that both sides of a comparison are totalled by the same code as the documents.
"""

from __future__ import annotations

from decimal import Decimal

from generator.compare.wording import Names, _dicts, _Node, _node, _number


def _labels(*pattern: str) -> dict:
    return (_node(pattern) or _Node({}, frozenset())).schema.get("x-libelles", {})


def _ledger(data: dict):
    from generator.ledger import build_ledger
    from generator.ledger.convert import convert_format_1

    if data.get("format", 1) == 1:
        data = convert_format_1(data).data
    return build_ledger(data)


def money_totals(data: dict, names: Names) -> dict[str, Decimal]:
    """The ledger's totals of `data`, labelled in French."""
    ledger = _ledger(data)
    out: dict[str, Decimal] = {}
    if not ledger.operations:
        return out
    natures = _labels("financements", "operations", "*", "nature")
    units = _labels("financements", "operations", "*", "quantites", "*", "unite")
    out["Financements, total"] = ledger.total()
    for year, amount in sorted(ledger.by_year().items()):
        out[f"Financements {year}"] = amount
    for nature, years in ledger.by_nature().items():
        label = natures.get(nature, str(nature))
        out[f"Financements, {label.lower()}"] = sum(years.values(), Decimal(0))
    for funder, years in ledger.by_funder().items():
        out[f"Financements, {names.signatory(funder)}"] = sum(years.values(), Decimal(0))
    loans = ledger.total(forms=("pret",))
    if loans:
        out["Financements, prêts (hors totaux)"] = loans
    investment = ledger.total(nature="investissement", forms=None)
    if investment:
        out["Investissement, opérations (prêts compris)"] = investment
    for unit, value in ledger.quantities_by_unit().items():
        out[f"Quantités, {units.get(unit, unit)}"] = value
    return out


def totals(data: dict, names: Names | None = None) -> dict[str, Decimal]:
    """Named totals of a description, in reading order."""
    names = names or Names(data, data)
    out = money_totals(data, names)

    def add(label: str, value) -> None:
        number = _number(value)
        if number is not None:
            out[label] = out.get(label, Decimal(0)) + number

    for item in _dicts(data.get("investissements")):
        add("Investissements, coût total", item.get("cout_total"))
    for convention in _dicts(data.get("tfpb")):
        who = names.signatory(convention.get("bailleur"))
        for row in _dicts(convention.get("abattement_estime")):
            add(f"TFPB, abattement estimé, {who}", row.get("montant"))
        for action in _dicts(convention.get("actions")):
            for row in _dicts(action.get("couts")):
                add(f"TFPB, actions valorisées, {who}", row.get("montant"))
    territory = data.get("territoire") if isinstance(data.get("territoire"), dict) else {}
    for qpv in _dicts(territory.get("qpv")):
        add("Population des QPV", qpv.get("population"))
    return out
