"""Business rules on the period and amounts: years within the contract's period, declared
totals equal to their lines, TFPB programmes reaching their estimated abatement.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Problem
from generator.description.rules_common import _all_values, _dict, _euros, _items, _list, _num, _str

PERIOD = (2024, 2030)
TFPB_PERIOD = (2025, 2030)


def rule_years(desc: Description) -> list[Problem]:
    """Years of financing, TFPB and investments lie in the period of the contract."""
    from generator.description.legal_frame import legal_frame
    from generator.description.rules_common import territory_qpv

    out = []
    frame = legal_frame(territory_qpv(desc))
    low, high = frame.annee_debut, frame.annee_fin
    for path, value in _all_values(desc):
        if not path or path[-1] not in ("annee", "debut", "fin"):
            continue
        if path[0] == "diagnostic" or path[:2] == ("contrat", "periode"):
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            continue
        if not low <= value <= high:
            out.append(
                desc.problem(
                    ERREUR,
                    path,
                    f"l'année {value} est hors de la période du contrat ({low}-{high})",
                )
            )
        elif path[0] == "tfpb" and value < TFPB_PERIOD[0]:
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    path,
                    f"l'abattement de TFPB adossé à ce contrat porte sur les années "
                    f"{TFPB_PERIOD[0]} à {TFPB_PERIOD[1]} : la ligne {value} n'y entre pas",
                )
            )
    for path, item in _items(desc, "investissements"):
        debut, fin = item.get("debut"), item.get("fin")
        if isinstance(debut, int) and isinstance(fin, int) and debut > fin:
            out.append(
                desc.problem(
                    ERREUR, path + ("fin",), f"la livraison ({fin}) précède le début ({debut})"
                )
            )
    return out


def rule_declared_totals(desc: Description) -> list[Problem]:
    """Declared totals equal the sum of their lines."""
    out = []
    lines = [item for _, item in _items(desc, "financements", "lignes")]
    # a line the schema refused (a bad `type`, an ambiguous amount) would make every total it
    # belongs to look wrong: the pilot fixes the line first
    refused_lines = desc.is_invalid(("financements", "lignes"))
    for path, total in _items(desc, "financements", "totaux"):
        if refused_lines or desc.is_invalid(path):
            continue
        declared = _num(total.get("montant"))
        if declared is None:
            continue
        filters = {k: total[k] for k in ("annee", "financeur", "type") if k in total}
        summed = sum(
            (
                _num(line.get("montant")) or Decimal(0)
                for line in lines
                if all(line.get(k) == v for k, v in filters.items())
            ),
            Decimal(0),
        )
        if summed != declared:
            scope = ", ".join(f"{k} {v}" for k, v in filters.items()) or "toutes les lignes"
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
        plan = [p for p in _list(project.get("plan_financement")) if isinstance(p, dict)]
        if cost is None or not plan or desc.is_invalid(path):
            continue
        summed = sum((_num(p.get("montant")) or Decimal(0) for p in plan), Decimal(0))
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


def rule_tfpb_balance(desc: Description) -> list[Problem]:
    """Each year, the valued actions of a TFPB programme reach its estimated abatement."""
    out = []
    for path, convention in _items(desc, "tfpb"):
        if desc.is_invalid(path):
            continue
        estimated: dict[int, Decimal] = {}
        for entry in _list(convention.get("abattement_estime")):
            if isinstance(entry, dict) and isinstance(entry.get("annee"), int):
                amount = _num(entry.get("montant"))
                if amount is not None:
                    estimated[entry["annee"]] = estimated.get(entry["annee"], Decimal(0)) + amount
        valued: dict[int, Decimal] = defaultdict(Decimal)
        for action in _list(convention.get("actions")):
            for cost in _list(_dict(action).get("couts")):
                if isinstance(cost, dict) and isinstance(cost.get("annee"), int):
                    valued[cost["annee"]] += _num(cost.get("montant")) or Decimal(0)
        explained = bool(_str(convention.get("ecart_explication")))
        bailleur = convention.get("bailleur", "?")
        for year in sorted(estimated):
            gap = estimated[year] - valued.get(year, Decimal(0))
            if gap > 0 and not explained:
                out.append(
                    desc.problem(
                        AVERTISSEMENT,
                        path + ("abattement_estime",),
                        f"{bailleur}, {year} : les actions valorisées ({_euros(valued.get(year, Decimal(0)))}) "
                        f"n'atteignent pas l'abattement estimé ({_euros(estimated[year])}) : écart de "
                        f"{_euros(gap)} ; complétez le programme ou expliquez l'écart "
                        "(ecart_explication)",
                    )
                )
        for year in sorted(set(valued) - set(estimated)):
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    path + ("abattement_estime",),
                    f"{bailleur} : des actions sont valorisées en {year} mais aucun abattement "
                    f"n'est estimé pour {year}",
                )
            )
    return out
