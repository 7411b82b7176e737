"""The investment plans of §5 and the means of the commitment sheets (§6 and annex A4), read
from the ledger only.

A project's plan is its operations' contributions (loans included: they finance the project,
but the annex never adds them to grants). A sheet's means are its signatory's contributions to
the operations its objectives cite; the other funders of a co-funded operation are named, and
its euros are counted once: each contribution belongs to one funder, so the sheets add up to
their total. Quantities are added per unit, never across units, each operation once.
"""

from __future__ import annotations

from decimal import Decimal

from generator.description.schema import labels
from generator.ledger.model import UNITS, Ledger

# singular of each unit's label, for « 1 poste », « 18 postes »
_SINGULAR = {
    "postes": "poste",
    "etp": "ETP",
    "places": "place",
    "logements": "logement",
    "beneficiaires": "bénéficiaire",
}
_PLURAL = {"etp": "ETP"}


def _unit_rows(found: dict[str, Decimal]) -> list[dict]:
    unit_labels = labels(("financements", "operations", 0, "quantites", 0, "unite"))
    return [
        {
            "unite": unit,
            "libelle": unit_labels.get(unit, unit),
            "singulier": _SINGULAR.get(unit, unit),
            "pluriel": _PLURAL.get(unit, unit_labels.get(unit, unit)),
            "valeur": found[unit],
        }
        for unit in UNITS
        if unit in found
    ]


def quantities(ledger: Ledger, operations=None, extra: dict | None = None) -> list[dict]:
    """Quantities per unit of the operations (all: None), plus `extra` {unit: value}."""
    found = ledger.quantities_by_unit(operations)
    for unit, value in (extra or {}).items():
        found[unit] = found.get(unit, Decimal(0)) + value
    return _unit_rows(found)


def investment_plans(ledger: Ledger, investments: list[dict], names: dict) -> dict:
    """Give each project its financing plan from its operations; the plan per funder, the total
    of the projects and the part of it that is loans."""
    form_labels = labels(("financements", "operations", 0, "financeurs", 0, "forme"))
    consolidated: dict[str, Decimal] = {}
    loans = Decimal(0)
    for project in investments:
        plan = []
        for op_id in dict.fromkeys(project.get("operations") or []):
            op = ledger.operation(op_id)
            if op is None:
                continue
            for contribution in op.contributions:
                name = names.get(contribution.funder, contribution.funder)
                plan.append(
                    {
                        "financeur": contribution.funder,
                        "financeur_nom": name,
                        "dispositif": contribution.scheme
                        or (
                            form_labels.get(contribution.form)
                            if contribution.form != "subvention"
                            else None
                        ),
                        "forme": contribution.form,
                        "forme_libelle": form_labels.get(contribution.form),
                        "montant": contribution.total,
                    }
                )
                consolidated[name] = consolidated.get(name, Decimal(0)) + contribution.total
                if contribution.form == "pret":
                    loans += contribution.total
        project["plan_financement"] = plan
        project["financement_total"] = sum((p["montant"] for p in plan), Decimal(0))
    return {
        "par_financeur": [{"libelle": n, "montant": a} for n, a in consolidated.items()],
        "total": sum((p["financement_total"] for p in investments), Decimal(0)),
        "prets": loans,
    }


def _own_quantities(means: dict) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for quantity in means.get("quantites") or []:
        unit, value = quantity.get("unite"), quantity.get("valeur")
        if isinstance(unit, str) and isinstance(value, int | float) and not isinstance(value, bool):
            out[unit] = out.get(unit, Decimal(0)) + Decimal(str(value))
    return out


def sheet_means(ledger: Ledger, sheets: list[dict], names: dict) -> dict:
    """Each objective's and sheet's means from the operations they cite; the totals of all the
    sheets (each euro and each operation's quantities counted once)."""
    all_ops: set[str] = set()
    all_own: dict[str, Decimal] = {}
    for sheet in sheets:
        funder = sheet.get("signataire")
        sheet_ops: dict[str, None] = {}
        sheet_own: dict[str, Decimal] = {}
        for objective in sheet["objectifs"]:
            means = objective["moyens"]
            refs = list(
                dict.fromkeys(r for r in means.get("operations") or [] if ledger.operation(r))
            )
            sheet_ops.update(dict.fromkeys(refs))
            yearly = ledger.by_year(operations=refs, funder=funder) if refs else {}
            means["montants_par_annee"] = dict(yearly)
            means["montant_total"] = sum(yearly.values(), Decimal(0))
            means["montant_annuel"] = annual(yearly)
            others = {f for r in refs for f in ledger.operation(r).funders if f != funder}
            means["cofinanceurs"] = [names.get(f, f) for f in names if f in others] + sorted(
                f for f in others if f not in names
            )
            own = _own_quantities(means)
            for unit, value in own.items():
                sheet_own[unit] = sheet_own.get(unit, Decimal(0)) + value
            means["quantites_par_unite"] = quantities(ledger, refs, own)
        total = ledger.total(operations=list(sheet_ops), funder=funder) if sheet_ops else Decimal(0)
        sheet["montant_total"] = total
        sheet["quantites"] = quantities(ledger, list(sheet_ops), sheet_own)
        sheet["nombre_objectifs"] = len(sheet["objectifs"])
        all_ops.update(sheet_ops)
        for unit, value in sheet_own.items():
            all_own[unit] = all_own.get(unit, Decimal(0)) + value
    return {
        "nombre_objectifs": sum(s["nombre_objectifs"] for s in sheets),
        "montant_total": sum((s["montant_total"] for s in sheets), Decimal(0)),
        "quantites": quantities(ledger, all_ops, all_own),
    }


def annual(yearly: dict[int, Decimal]) -> Decimal | None:
    """The amount per year when it is the same in every programmed year (else None: the
    documents give the total of the period)."""
    values = [v for v in yearly.values() if v]
    if not values or len(set(values)) != 1:
        return None
    return values[0]
