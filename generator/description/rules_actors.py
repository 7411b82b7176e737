"""Business rules on the actors (`acteurs`): unique identifiers, a SIREN whose check digit is
right, and every actor referred to by an action, a commitment or the beneficiary of a ledger
operation declared.
"""

from __future__ import annotations

from generator.description.load import Description
from generator.description.problems import ERREUR, Path_, Problem
from generator.description.rules_common import _hint, _items, _list, _str


def siren_is_valid(siren: str) -> bool:
    """Nine digits whose Luhn sum is a multiple of 10 (the SIREN check digit)."""
    if len(siren) != 9 or not siren.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(siren)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def actor_references(desc: Description) -> list[tuple[Path_, str]]:
    """(path, actor id) of every reference to an actor from actions, commitments and the
    beneficiaries of the ledger's operations (`beneficiaire.acteur`)."""
    found: list[tuple[Path_, str]] = []
    places = [("quartiers", "actions"), ("engagements", "objectifs")]
    for section, sub in places:
        for path, item in _items(desc, section):
            for index, element in enumerate(_list(item.get(sub))):
                if not isinstance(element, dict):
                    continue
                for key in ("acteurs_porteurs", "acteurs_partenaires"):
                    for n, value in enumerate(_list(element.get(key))):
                        if isinstance(value, str):
                            found.append((path + (sub, index, key, n), value))
    for path, operation in _items(desc, "financements", "operations"):
        beneficiary = operation.get("beneficiaire")
        if isinstance(beneficiary, dict) and isinstance(beneficiary.get("acteur"), str):
            found.append((path + ("beneficiaire", "acteur"), beneficiary["acteur"]))
    return found


def rule_actors(desc: Description) -> list[Problem]:
    out: list[Problem] = []
    known: dict[str, Path_] = {}
    for path, actor in _items(desc, "acteurs"):
        ident = _str(actor.get("id"))
        if ident:
            if ident in known:
                first = desc.where(known[ident])
                out.append(
                    desc.problem(
                        ERREUR,
                        path + ("id",),
                        f"l'acteur « {ident} » est déclaré deux fois (la première à la ligne "
                        f"{first.line} de {first.file}) : donnez à chaque acteur un identifiant "
                        "différent",
                    )
                )
            else:
                known[ident] = path + ("id",)
        siren = _str(actor.get("siren"))
        if siren and len(siren) == 9 and siren.isdigit() and not siren_is_valid(siren):
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("siren",),
                    f"le numéro SIREN « {siren} » n'est pas valide (sa clé de contrôle, le dernier "
                    "chiffre, ne correspond pas) : recopiez-le depuis l'avis de situation SIRENE "
                    "ou annuaire-entreprises.data.gouv.fr",
                )
            )
        if siren and _str(actor.get("rna")) and actor.get("type") not in (None, "association"):
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("rna",),
                    "un numéro RNA ne concerne qu'une association : retirez-le ou mettez "
                    "type: association",
                )
            )
    for path, value in actor_references(desc):
        if value not in known:
            out.append(
                desc.problem(
                    ERREUR,
                    path,
                    f"l'acteur « {value} » est inconnu : déclarez-le dans la section acteurs"
                    f"{_hint(value, known)}",
                )
            )
    return out
