"""Business rules on cross-references: every QPV, orientation, priority and signatory referred
to is declared; TFPB conventions are signed by bailleurs, signing communes lie in the territory.
"""

from __future__ import annotations

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Path_, Problem
from generator.description.rules_common import (
    _all_values,
    _hint,
    _items,
    _list,
    _str,
    ids,
    territory_insee,
    territory_qpv,
)


def rule_references(desc: Description) -> list[Problem]:
    """Every QPV code, orientation, signatory and priority that is referred to exists."""
    qpv = territory_qpv(desc)
    orientations = ids(desc, "orientations")
    priorities = ids(desc, "priorites_transversales")
    signataires = ids(desc, "signataires")
    out: list[Problem] = []

    def check(path: Path_, value, known, what: str, where_to: str) -> None:
        if isinstance(value, str) and value and value not in known:
            unknown, pronoun = _AGREEMENT[what]
            out.append(
                desc.problem(
                    ERREUR,
                    path,
                    f"{what} « {value} » {unknown} : déclarez-{pronoun} dans {where_to}"
                    f"{_hint(value, known)}",
                )
            )

    for path, value in _all_values(desc):
        if not path or path[:2] == ("territoire", "qpv"):
            continue
        last = path[-1]
        parent = path[-2] if len(path) > 1 else None
        if last == "qpv" and isinstance(value, str):
            check(path, value, qpv, "le QPV", "territoire.qpv")
        elif parent == "qpv" and isinstance(last, int):
            check(path, value, qpv, "le QPV", "territoire.qpv")
        elif parent == "qpv" and path[0] == "diagnostic" and isinstance(last, str):
            check(path, last, qpv, "le QPV", "territoire.qpv")
        elif last == "orientation":
            check(path, value, orientations, "l'orientation", "orientations")
        elif parent == "priorites_transversales" and path[0] == "orientations":
            check(path, value, priorities, "la priorité transversale", "priorites_transversales")
        elif _is_signatory_ref(path):
            check(path, value, signataires, "le signataire", "signataires")
    for path, item in _items(desc, "tfpb"):
        bailleur = _str(item.get("bailleur"))
        for _, sig in _items(desc, "signataires"):
            if sig.get("id") == bailleur and sig.get("type") != "bailleur":
                out.append(
                    desc.problem(
                        ERREUR,
                        path + ("bailleur",),
                        f"« {bailleur} » n'est pas un bailleur (type « {sig.get('type')} ») : une "
                        "convention TFPB se conclut avec un bailleur social (type: bailleur)",
                    )
                )
    communes = territory_insee(desc)
    for path, item in _items(desc, "signataires"):
        insee = _str(item.get("insee"))
        if item.get("type") == "commune" and insee and communes and insee not in communes:
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    path + ("insee",),
                    f"la commune {insee} signe le contrat mais n'est pas dans territoire.communes",
                )
            )
    for path, item in _items(desc, "territoire", "territoires_vigilance"):
        for index, insee in enumerate(_list(item.get("communes"))):
            if isinstance(insee, str) and communes and insee not in communes:
                out.append(
                    desc.problem(
                        AVERTISSEMENT,
                        path + ("communes", index),
                        f"la commune {insee} n'est pas dans territoire.communes",
                    )
                )
    return out


# The adjective and the pronoun agree with the noun: « orientation inconnue : déclarez-la ».
_AGREEMENT = {
    "le QPV": ("inconnu", "le"),
    "l'orientation": ("inconnue", "la"),
    "la priorité transversale": ("inconnue", "la"),
    "le signataire": ("inconnu", "le"),
}


def _is_signatory_ref(path: Path_) -> bool:
    return (
        (len(path) == 3 and path[0] == "engagements" and path[2] == "signataire")
        or (len(path) == 3 and path[0] == "tfpb" and path[2] == "bailleur")
        or (len(path) == 4 and path[:2] == ("financements", "lignes") and path[3] == "financeur")
    )
