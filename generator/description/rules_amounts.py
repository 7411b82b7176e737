"""Business rules on the period and amounts: years within the contract's period, TFPB
programmes reaching their estimated abatement (the ledger's totals: `rules_ledger`).
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
