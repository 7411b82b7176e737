"""Business rules of the priority geography: QPV codes in the official list and in the
territory, their population, unique identifiers, a projet de quartier for every QPV.
"""

from __future__ import annotations

import re

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Path_, Problem
from generator.description.reference import qpv_reference
from generator.description.rules_common import (
    _hint,
    _is_final,
    _items,
    _str,
    territory_insee,
    territory_qpv,
)

_CODE_QPV = re.compile(r"^QN(0[0-9][0-9]|02[AB]|9[0-9]{2})[0-9]{2}[NMIC]$")


def rule_one_legal_frame(desc: Description) -> list[Problem]:
    """The QPV of a contract are all metropolitan or all overseas: the decree, the period and
    the text of the contract follow them."""
    from generator.description.legal_frame import is_overseas

    codes = territory_qpv(desc)
    overseas = [c for c in codes if is_overseas(c)]
    if not overseas or len(overseas) == len(codes):
        return []
    metro = [c for c in codes if not is_overseas(c)]
    return [
        desc.problem(
            ERREUR,
            codes[overseas[0]],
            f"le contrat mêle des QPV d'outre-mer ({', '.join(overseas)}, décret n° 2024-1212, "
            f"contrats 2025-2030) et de métropole ({', '.join(metro)}, décret n° 2023-1314, "
            "contrats 2024-2030) : un contrat de ville ne couvre qu'une de ces géographies ; "
            "vérifiez les codes",
        )
    ]


def rule_qpv_reference(desc: Description) -> list[Problem]:
    """QPV codes exist in the 2024 list and lie in the territory's communes."""
    reference = qpv_reference()
    communes = territory_insee(desc)
    out = []
    for path, item in _items(desc, "territoire", "qpv"):
        code = _str(item.get("code"))
        if not code:
            continue
        ref = reference.get(code)
        where = path + ("code",)
        if ref is None and not _CODE_QPV.match(code):
            continue  # the schema already says the code is malformed
        if ref is None:
            out.append(
                desc.problem(
                    ERREUR,
                    where,
                    f"le code QPV « {code} » n'existe pas dans la liste officielle "
                    f"(décret n° 2023-1314 pour la métropole, n° 2024-1212 pour l'outre-mer)"
                    f"{_hint(code, reference)}",
                )
            )
            continue
        if not communes:
            continue
        inside = [i for i in ref.insee if i in communes]
        if not inside:
            out.append(
                desc.problem(
                    ERREUR,
                    where,
                    f"le QPV {code} « {ref.nom} » est à {ref.communes_label} "
                    f"({', '.join(ref.insee)}, département {ref.departement}) : aucune de ces "
                    "communes n'est dans territoire.communes ; vérifiez le code ou ajoutez la commune",
                )
            )
        elif len(inside) < len(ref.insee):
            missing = [
                f"{n} ({i})"
                for i, n in zip(ref.insee, ref.communes, strict=False)
                if i not in communes
            ]
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    where,
                    f"le QPV {code} « {ref.nom} » s'étend aussi sur {', '.join(missing)}, "
                    "absente(s) de territoire.communes",
                )
            )
    return out


def rule_qpv_population(desc: Description) -> list[Problem]:
    """The QPV table of the contract shows each QPV's population."""
    return [
        desc.problem(
            AVERTISSEMENT,
            path + ("code",),
            f"population du QPV {item.get('code')} non renseignée (territoire.qpv › population)",
        )
        for path, item in _items(desc, "territoire", "qpv")
        if _str(item.get("code")) and item.get("population") is None
    ]


def rule_duplicates(desc: Description) -> list[Problem]:
    """Identifiers, QPV and communes are unique; one sheet per signatory, bailleur and QPV."""
    checks = [
        (("territoire", "qpv"), "code", "le QPV « {v} » est déjà déclaré"),
        (("territoire", "communes"), "insee", "la commune « {v} » est déjà déclarée"),
        (("signataires",), "id", "l'identifiant de signataire « {v} » est déjà utilisé"),
        (("orientations",), "id", "l'identifiant d'orientation « {v} » est déjà utilisé"),
        (("priorites_transversales",), "id", "l'identifiant de priorité « {v} » est déjà utilisé"),
        (("investissements",), "id", "l'identifiant de projet « {v} » est déjà utilisé"),
        (("quartiers",), "qpv", "le quartier « {v} » a déjà un projet de quartier"),
        (("engagements",), "signataire", "le signataire « {v} » a déjà une fiche d'engagements"),
        (("tfpb",), "bailleur", "le bailleur « {v} » a déjà une convention TFPB"),
    ]
    out = []
    for keys, field, template in checks:
        seen: dict[str, Path_] = {}
        for path, item in _items(desc, *keys):
            value = _str(item.get(field))
            if not value:
                continue
            if value in seen:
                first = desc.where(seen[value])
                out.append(
                    desc.problem(
                        ERREUR,
                        path + (field,),
                        template.format(v=value) + f" ({first.file}, ligne {first.line})",
                    )
                )
            else:
                seen[value] = path + (field,)
    return out


def rule_projets_de_quartier(desc: Description) -> list[Problem]:
    """Every QPV has a projet de quartier: a warning in a draft, an error in the final version."""
    have = {_str(item.get("qpv")) for _, item in _items(desc, "quartiers")}
    severity = ERREUR if _is_final(desc) else AVERTISSEMENT
    return [
        desc.problem(
            severity,
            path,
            f"le QPV {code} n'a pas de projet de quartier : ajoutez un fichier "
            f"quartiers/{code}.yaml"
            + (" (obligatoire dans la version finale)" if _is_final(desc) else ""),
        )
        for code, path in territory_qpv(desc).items()
        if code not in have
    ]


def rule_missing_values(desc: Description) -> list[Problem]:
    """A diagnostic indicator gives a value, or a marker of missing data, for the EPCI and for
    every QPV: a value left out is a blank cell, and may be a forgotten entry (warning)."""
    from generator.description.missing import MISSING

    codes = sorted(territory_qpv(desc))
    markers = ", ".join(f"{code} ({meaning})" for code, (_, meaning) in MISSING.items())
    out = []
    for path, item in _items(desc, "diagnostic", "indicateurs"):
        values = item.get("qpv") if isinstance(item.get("qpv"), dict) else {}
        absent = [c for c in codes if values.get(c) is None]
        if item.get("epci") is None:
            absent.insert(0, "l'EPCI")
        if not absent:
            continue
        where = path + ("qpv",) if "qpv" in item else path
        which = "pour " + ", ".join(absent)
        out.append(
            desc.problem(
                AVERTISSEMENT,
                where,
                f"« {_str(item.get('libelle'))} » : pas de valeur {which} (la case restera "
                f"vide) : écrivez la valeur, ou {markers}",
            )
        )
    return out
