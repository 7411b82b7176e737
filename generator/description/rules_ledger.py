"""Business rules on the ledger (format 2): every identifier resolves, allocations add up,
funders' amounts equal a declared operation total, paid never above notified, projects cost what
their operations add up to, declared totals equal the ledger, a commitment's quantities are not
counted twice, no format-1 field in format 2.
"""

from __future__ import annotations

from decimal import Decimal

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Problem
from generator.description.rules_common import _dict, _euros, _hint, _items, _list, _num, _str, ids
from generator.ledger.build import declared_total_sum

FORMAT_1_FIELDS = {
    ("financements", "lignes"): "financements.operations",
    ("plan_financement",): "operations (identifiants d'opérations)",
    ("montant_annuel",): "operations (identifiants d'opérations)",
}


def ledger_of(desc: Description):
    """The ledger of the description, built once (the rules share it)."""
    from generator.ledger.build import ledger_of as build_once

    return build_once(desc)


def funders(desc: Description) -> dict:
    return {**ids(desc, "partenaires"), **ids(desc, "signataires")}


def rule_format_mix(desc: Description) -> list[Problem]:
    """A description in format 2 holds no format-1 field (a file left behind by a migration),
    and a description in format 1 no format-2 field (a file written for format 2)."""
    if desc.original_format == 1:
        return _format_2_fields_in_format_1(desc)
    if desc.data.get("format") != 2:
        return []
    out = []
    hint = (
        "ce champ est du format 1 alors que la description est au format 2 (fichier resté au "
        "format 1 ?) : lancez « cdv migrer » sur ce dossier, ou réécrivez-le en {new}"
    )
    financing = _dict(desc.data.get("financements"))
    if "lignes" in financing:
        out.append(
            desc.problem(
                ERREUR, ("financements", "lignes"), hint.format(new="financements.operations"), True
            )
        )
    for path, project in _items(desc, "investissements"):
        if "plan_financement" in project:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("plan_financement",),
                    hint.format(new="operations (identifiants d'opérations)"),
                    True,
                )
            )
    for path, sheet in _items(desc, "engagements"):
        for index, objective in enumerate(_list(sheet.get("objectifs"))):
            means = _dict(_dict(objective).get("moyens"))
            for key in ("montant_annuel", "etp", "places"):
                if key in means:
                    new = "operations" if key == "montant_annuel" else "quantites"
                    out.append(
                        desc.problem(
                            ERREUR,
                            path + ("objectifs", index, "moyens", key),
                            hint.format(new=new),
                            True,
                        )
                    )
    return out


def _format_2_fields_in_format_1(desc: Description) -> list[Problem]:
    written = _dict(desc.source_data)
    hint = (
        "ce champ est du format 2 alors que la description est au format 1 (contrat.yaml dit "
        "« format: 1 ») : convertissez d'abord les autres fichiers avec « cdv migrer » (qui "
        "passe contrat.yaml au format 2), ou réécrivez ce champ en {old}"
    )
    found: list[tuple[tuple, str]] = []
    # (operations imported by `cdv importer` into financements/ are format 2 by nature: they
    # join the ledger of a format-1 description; only a section file that holds some is mixed)
    if ("financements", "operations") in desc.key_locations:
        found.append((("financements", "operations"), "financements.lignes"))
    for index, project in enumerate(_list(written.get("investissements"))):
        if "operations" in _dict(project):
            found.append((("investissements", index, "operations"), "plan_financement"))
    for index, sheet in enumerate(_list(written.get("engagements"))):
        for o_index, objective in enumerate(_list(_dict(sheet).get("objectifs"))):
            means = _dict(_dict(objective).get("moyens"))
            for key, old in (("operations", "montant_annuel"), ("quantites", "etp ou places")):
                if key in means:
                    path = ("engagements", index, "objectifs", o_index, "moyens", key)
                    found.append((path, old))
    return [
        desc.problem(ERREUR, path, hint.format(old=old), key=True, as_written=True)
        for path, old in found
    ]


def rule_ledger_references(desc: Description) -> list[Problem]:
    """Funders, secondary orientations and operation identifiers resolve."""
    out: list[Problem] = []
    known_funders = funders(desc)
    orientations = ids(desc, "orientations")
    operations: dict[str, tuple] = {}
    signatories = ids(desc, "signataires")
    for path, partner in _items(desc, "partenaires"):
        pid = _str(partner.get("id"))
        if pid and pid in signatories:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("id",),
                    f"« {pid} » est déjà l'identifiant d'un signataire : un partenaire qui signe "
                    "s'écrit dans signataires seulement",
                )
            )
    for path, total in _items(desc, "financements", "totaux"):
        value = _str(total.get("financeur"))
        if value and value not in known_funders:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("financeur",),
                    f"le financeur « {value} » inconnu : déclarez-le dans signataires, ou "
                    f"dans partenaires s'il ne signe pas{_hint(value, known_funders)}",
                )
            )
    for path, op in _items(desc, "financements", "operations"):
        op_id = _str(op.get("id"))
        if op_id and op_id in operations:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("id",),
                    f"l'opération « {op_id} » est déclarée deux fois : donnez-lui un autre "
                    "identifiant ou regroupez les deux",
                )
            )
        elif op_id:
            operations[op_id] = (path, op)
        for f_index, funder in enumerate(_list(op.get("financeurs"))):
            value = _str(_dict(funder).get("financeur"))
            if value and value not in known_funders:
                out.append(
                    desc.problem(
                        ERREUR,
                        path + ("financeurs", f_index, "financeur"),
                        f"le financeur « {value} » inconnu : déclarez-le dans signataires, ou "
                        f"dans partenaires s'il ne signe pas{_hint(value, known_funders)}",
                    )
                )
        for o_index, value in enumerate(_list(op.get("orientations_secondaires"))):
            if isinstance(value, str) and value not in orientations:
                out.append(
                    desc.problem(
                        ERREUR,
                        path + ("orientations_secondaires", o_index),
                        f"l'orientation « {value} » inconnue : déclarez-la dans orientations"
                        f"{_hint(value, orientations)}",
                    )
                )

    def check_op(where, value, nature=None) -> None:
        if not isinstance(value, str):
            return
        if value not in operations:
            out.append(
                desc.problem(
                    ERREUR,
                    where,
                    f"l'opération « {value} » inconnue : déclarez-la dans financements.operations"
                    f"{_hint(value, operations)}",
                )
            )
        elif nature and operations[value][1].get("nature") != nature:
            out.append(
                desc.problem(
                    ERREUR,
                    where,
                    f"l'opération « {value} » est de nature « {operations[value][1].get('nature')} » :"
                    f" un projet d'investissement ne cite que des opérations de nature {nature}",
                )
            )

    used_by_project: dict[str, str] = {}
    for path, project in _items(desc, "investissements"):
        for index, value in enumerate(_list(project.get("operations"))):
            check_op(path + ("operations", index), value, "investissement")
            if isinstance(value, str) and value in used_by_project:
                out.append(
                    desc.problem(
                        ERREUR,
                        path + ("operations", index),
                        f"l'opération « {value} » finance déjà le projet « "
                        f"{used_by_project[value]} » : elle serait comptée deux fois",
                    )
                )
            elif isinstance(value, str):
                used_by_project[value] = str(project.get("id") or project.get("intitule"))
    for path, sheet in _items(desc, "engagements"):
        for index, objective in enumerate(_list(sheet.get("objectifs"))):
            means = _dict(_dict(objective).get("moyens"))
            for o_index, value in enumerate(_list(means.get("operations"))):
                check_op(path + ("objectifs", index, "moyens", "operations", o_index), value)
                op = operations.get(value) if isinstance(value, str) else None
                if op and sheet.get("signataire") not in {
                    _dict(f).get("financeur") for f in _list(op[1].get("financeurs"))
                }:
                    out.append(
                        desc.problem(
                            AVERTISSEMENT,
                            path + ("objectifs", index, "moyens", "operations", o_index),
                            f"l'opération « {value} » n'a pas « {sheet.get('signataire')} » parmi "
                            "ses financeurs : cette fiche engage-t-elle bien ces moyens ?",
                        )
                    )
    return out


def rule_allocations(desc: Description) -> list[Problem]:
    """Shares add up to 100 %, amounts to the operation's total; a declared total is met."""
    out = []
    ledger = ledger_of(desc)

    def allocation_problem(severity, where, message):  # at the key « repartition: »
        return desc.problem(severity, where, message, key=True)

    for path, op in _items(desc, "financements", "operations"):
        operation = ledger.operation(_str(op.get("id")) or "")
        total = operation.total_all_forms if operation else Decimal(0)
        items = [i for i in _list(op.get("repartition")) if isinstance(i, dict)]
        parts = [_num(i.get("part")) for i in items if "part" in i]
        amounts = [_num(i.get("montant")) for i in items if "montant" in i]
        where = path + ("repartition",)
        if parts and amounts:
            out.append(
                allocation_problem(
                    ERREUR,
                    where,
                    "la répartition mélange des parts (%) et des montants : choisissez l'un ou "
                    "l'autre pour tous les QPV de l'opération",
                )
            )
        elif parts and len(parts) == len(items):
            summed = sum((p or Decimal(0) for p in parts), Decimal(0))
            if summed != 100:
                out.append(
                    allocation_problem(
                        ERREUR,
                        where,
                        f"les parts de la répartition font {_percent(summed)} au lieu de "
                        f"100 % (écart {_percent(Decimal(100) - summed)}) : corrigez-les",
                    )
                )
        elif amounts and len(amounts) == len(items):
            summed = sum((a or Decimal(0) for a in amounts), Decimal(0))
            if summed != total:
                out.append(
                    allocation_problem(
                        ERREUR,
                        where,
                        f"la répartition entre QPV fait {_euros(summed)} pour une opération de "
                        f"{_euros(total)} (écart {_euros(total - summed)}) : corrigez les montants",
                    )
                )
        elif items:
            out.append(
                allocation_problem(
                    ERREUR,
                    where,
                    "chaque QPV de la répartition a une part (%) ou un montant",
                )
            )
        declared = _num(op.get("montant_total"))
        if declared is not None and operation and declared != total:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("montant_total",),
                    f"les financeurs de l'opération font {_euros(total)} pour un total annoncé de "
                    f"{_euros(declared)} (écart {_euros(declared - total)}) : corrigez le total "
                    "ou les montants des financeurs",
                )
            )
        for f_index, funder in enumerate(_list(op.get("financeurs"))):
            for y_index, year in enumerate(_list(_dict(funder).get("annees"))):
                year = _dict(year)
                paid, amount = _num(year.get("verse")), _num(year.get("montant"))
                if paid is not None and amount is not None and paid > amount:
                    out.append(
                        desc.problem(
                            AVERTISSEMENT,
                            path + ("financeurs", f_index, "annees", y_index, "verse"),
                            f"versé {_euros(paid)} en {year.get('annee')}, plus que le montant "
                            f"notifié ({_euros(amount)}) : vérifiez le versement ou le montant",
                        )
                    )
        seen_units: set[str] = set()
        for q_index, quantity in enumerate(_list(op.get("quantites"))):
            unit = _dict(quantity).get("unite")
            if isinstance(unit, str) and unit in seen_units:
                out.append(
                    desc.problem(
                        ERREUR,
                        path + ("quantites", q_index, "unite"),
                        f"l'unité « {unit} » figure deux fois : une quantité par unité "
                        "(les quantités d'unités différentes ne s'additionnent pas)",
                    )
                )
            if isinstance(unit, str):
                seen_units.add(unit)
    return out


def rule_sheet_quantities(desc: Description) -> list[Problem]:
    """A commitment's quantities are added unit by unit into the summary of the commitments
    (§6), with those of the operations it cites: one quantity per unit, and never the posts or
    places an operation it cites already counts (they would be added twice)."""
    out: list[Problem] = []
    counted: dict[str, dict[str, object]] = {}  # operation id -> {unit: value}
    for _, op in _items(desc, "financements", "operations"):
        units = {}
        for quantity in _list(op.get("quantites")):
            quantity = _dict(quantity)
            if isinstance(quantity.get("unite"), str):
                units.setdefault(quantity["unite"], quantity.get("valeur"))
        if isinstance(op.get("id"), str):
            counted.setdefault(op["id"], units)
    for path, sheet in _items(desc, "engagements"):
        for index, objective in enumerate(_list(sheet.get("objectifs"))):
            means = _dict(_dict(objective).get("moyens"))
            cited = [r for r in _list(means.get("operations")) if isinstance(r, str)]
            seen: set[str] = set()
            for q_index, quantity in enumerate(_list(means.get("quantites"))):
                unit = _dict(quantity).get("unite")
                if not isinstance(unit, str):
                    continue
                where = path + ("objectifs", index, "moyens", "quantites", q_index, "unite")
                if unit in seen:
                    out.append(
                        desc.problem(
                            ERREUR,
                            where,
                            f"l'unité « {unit} » figure deux fois : une quantité par unité "
                            "(les quantités d'unités différentes ne s'additionnent pas)",
                        )
                    )
                seen.add(unit)
                for ref in cited:
                    if unit in counted.get(ref, {}):
                        out.append(
                            desc.problem(
                                AVERTISSEMENT,
                                where,
                                f"l'opération « {ref} » citée par cet engagement compte déjà "
                                f"{counted[ref][unit]} {unit} : ceux-ci s'y ajouteraient dans la "
                                "synthèse des engagements ; retirez-les d'ici s'ils sont les "
                                "mêmes, ou décrivez-les dans leur propre opération",
                            )
                        )
    return out


def _percent(value: Decimal) -> str:
    """`90 %`, `33,5 %` (French decimal comma, no trailing zeros)."""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} %"


def rule_ledger_totals(desc: Description) -> list[Problem]:
    """Declared totals equal the ledger; a project costs what its operations add up to."""
    out = []
    ledger = ledger_of(desc)
    # an operation the schema refused (a bad nature, an ambiguous amount) would make every total
    # it belongs to look wrong: the pilot fixes the operation first
    refused = desc.is_invalid(("financements", "operations")) or desc.is_invalid(
        ("financements", "lignes")
    )
    # a misspelt funder is reported where it is, not also as a declared total gone wrong
    known = funders(desc)
    if any(f not in known for op in ledger.operations for f in op.funders):
        refused = True
    for path, total in _items(desc, "financements", "totaux"):
        declared = _num(total.get("montant"))
        if declared is None or refused or desc.is_invalid(desc.source_path(path)):
            continue
        if _str(total.get("financeur")) and total["financeur"] not in known:
            continue
        summed = declared_total_sum(ledger, total, desc.format1_line_operations)
        if summed != declared:
            scope = (
                ", ".join(f"{k} {total[k]}" for k in ("annee", "financeur", "nature") if k in total)
                or "toutes les lignes"
            )
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("montant",),
                    f"total annoncé {_euros(declared)} ({scope}) mais les lignes font "
                    f"{_euros(summed)} : écart de {_euros(declared - summed)} ; corrigez le total "
                    "ou les lignes",
                )
            )
    for path, project in _items(desc, "investissements"):
        cost = _num(project.get("cout_total"))
        refs = [r for r in _list(project.get("operations")) if isinstance(r, str)]
        if cost is None or not refs or desc.is_invalid(desc.source_path(path)):
            continue
        summed = sum(
            (ledger.operation(r).total_all_forms for r in refs if ledger.operation(r)), Decimal(0)
        )
        if summed != cost:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("cout_total",),
                    f"le plan de financement fait {_euros(summed)} pour un coût total de "
                    f"{_euros(cost)} (écart {_euros(cost - summed)}) : ajoutez la part manquante "
                    "(autofinancement, « reste à financer ») ou corrigez le coût",
                )
            )
    return out
