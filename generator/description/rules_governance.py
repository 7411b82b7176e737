"""Business rules on signatories, governance and orientations: who must sign, engagement sheets,
the steering body, quantified objectives, conseils citoyens.
"""

from __future__ import annotations

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Problem
from generator.description.rules_common import _dict, _items, _list, _num, _str, territory_qpv


def rule_signatories(desc: Description) -> list[Problem]:
    """The État, the EPCI and at least one commune sign the contract."""
    signing = [
        item
        for _, item in _items(desc, "signataires")
        if item.get("role", "signataire") == "signataire"
    ]
    types = {item.get("type") for item in signing if isinstance(item.get("type"), str)}
    out = []
    for needed, label in (
        ("etat", "l'État"),
        ("epci", "l'EPCI"),
        ("commune", "au moins une commune"),
    ):
        if needed not in types:
            out.append(
                desc.problem(
                    ERREUR,
                    ("signataires",),
                    f"{label} doit signer le contrat (article 6 de la loi n° 2014-173) : ajoutez un "
                    f"signataire de type « {needed} »",
                )
            )
    for needed, label in (("departement", "le département"), ("region", "la région")):
        if needed not in types:
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    ("signataires",),
                    f"{label} ne signe pas le contrat, alors que l'article 6 (I) de la loi "
                    "n° 2014-173 prévoit que les départements et les régions signent les contrats "
                    f"de ville : ajoutez un signataire de type « {needed} », ou gardez ce "
                    "constat si la collectivité a refusé de signer",
                )
            )
    have = {_str(item.get("signataire")) for _, item in _items(desc, "engagements")}
    for path, item in _items(desc, "signataires"):
        sid = _str(item.get("id"))
        if sid and item.get("role", "signataire") == "signataire" and sid not in have:
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    path + ("id",),
                    f"le signataire « {sid} » n'a pas de fiche d'engagements de droit commun : "
                    f"ajoutez engagements/{sid}.yaml",
                )
            )
    return out


def rule_steering_body(desc: Description) -> list[Problem]:
    """A steering body exists and the conseils citoyens sit in it (loi 2014-173, art. 7)."""
    steering = [
        (p, i) for p, i in _items(desc, "gouvernance", "instances") if i.get("type") == "pilotage"
    ]
    if not steering:
        return [
            desc.problem(
                ERREUR,
                ("gouvernance",),
                "aucune instance de pilotage : ajoutez dans gouvernance.instances une instance "
                "de type « pilotage » (le comité de pilotage est obligatoire)",
            )
        ]
    if any(item.get("conseils_citoyens") is True for _, item in steering):
        return []
    path, _ = steering[0]
    return [
        desc.problem(
            ERREUR,
            path,
            "les conseils citoyens doivent siéger à l'instance de pilotage (article 7 de la loi "
            "n° 2014-173) : indiquez « conseils_citoyens: true »",
        )
    ]


def rule_quantified_objectives(desc: Description) -> list[Problem]:
    """Each orientation has at least one quantified objective (a 2027 or 2030 target)."""
    out = []
    if not list(_items(desc, "orientations")):
        out.append(
            desc.problem(
                AVERTISSEMENT,
                ("orientations",),
                "aucune orientation stratégique : le socle intercommunal du contrat est vide",
            )
        )
    for path, orientation in _items(desc, "orientations"):
        quantified = any(
            _num(_dict(_dict(obj).get("indicateur")).get(target)) is not None
            for obj in _list(orientation.get("objectifs"))
            for target in ("cible_2027", "cible_2030")
        )
        if not quantified:
            out.append(
                desc.problem(
                    ERREUR,
                    path + ("objectifs",),
                    f"l'orientation « {orientation.get('id', '?')} » n'a aucun objectif chiffré : "
                    "donnez à au moins un objectif un indicateur avec une cible_2027 ou une cible_2030",
                )
            )
    return out


def rule_conseils_citoyens(desc: Description) -> list[Problem]:
    """Each QPV is covered by a conseil citoyen."""
    covered = {
        code
        for _, item in _items(desc, "participation", "conseils_citoyens")
        for code in _list(item.get("qpv"))
        if isinstance(code, str)
    }
    return [
        desc.problem(
            AVERTISSEMENT,
            path,
            f"aucun conseil citoyen n'est indiqué pour le QPV {code} (participation.conseils_citoyens)",
        )
        for code, path in territory_qpv(desc).items()
        if code not in covered
    ]
