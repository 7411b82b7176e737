"""Business rules of a contrat de ville, checked after the schema.

Each rule reads the merged description defensively (the schema may have failed elsewhere) and
returns located problems. Rules never raise on malformed data: they skip what they cannot read.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal, localcontext

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Path_, Problem
from generator.description.reference import qpv_reference

PERIOD = (2024, 2030)
_CODE_QPV = re.compile(r"^QN(0[0-9][0-9]|02[AB]|9[0-9]{2})[0-9]{2}[NMIC]$")
TFPB_PERIOD = (2025, 2030)

Rule = Callable[[Description], list[Problem]]


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _items(desc: Description, *keys: str) -> Iterator[tuple[Path_, dict]]:
    """(path, item) for each mapping in the list found at `keys`."""
    node = desc.data
    for key in keys[:-1]:
        node = _dict(node).get(key)
    for index, item in enumerate(_list(_dict(node).get(keys[-1]))):
        if isinstance(item, dict):
            yield tuple(keys) + (index,), item


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _num(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _euros(value: Decimal) -> str:
    """Amount for a message: `1 234 567 €` (plain formatting, no dependency)."""
    with localcontext() as ctx:  # enough digits for any amount YAML can hold (1e308)
        ctx.prec = max(ctx.prec, value.adjusted() + 4)
        value = value.quantize(Decimal("0.01"))
        whole, cents = divmod(abs(value), 1)
    text = f"{int(whole):,}".replace(",", "\u202f")
    if cents:
        text += "," + f"{cents:.2f}"[2:]
    return ("-" if value < 0 else "") + text + "\u00a0€"


def _hint(word: str, choices) -> str:
    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {found[0]} » ?" if found else ""


def _is_final(desc: Description) -> bool:
    return _dict(desc.data.get("contrat")).get("statut") == "final"


def territory_qpv(desc: Description) -> dict[str, Path_]:
    codes: dict[str, Path_] = {}
    for path, item in _items(desc, "territoire", "qpv"):
        code = _str(item.get("code"))
        if code and code not in codes:
            codes[code] = path + ("code",)
    return codes


def territory_insee(desc: Description) -> set[str]:
    return {
        item["insee"]
        for _, item in _items(desc, "territoire", "communes")
        if _str(item.get("insee"))
    }


def ids(desc: Description, *keys: str, field: str = "id") -> dict[str, Path_]:
    found: dict[str, Path_] = {}
    for path, item in _items(desc, *keys):
        value = _str(item.get(field))
        if value and value not in found:
            found[value] = path + (field,)
    return found


# --- géographie prioritaire -------------------------------------------------------------------


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
                    f"le code QPV « {code} » n'existe pas dans la liste officielle de 2024 "
                    f"(décret n° 2023-1314){_hint(code, reference)}",
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


# --- références -------------------------------------------------------------------------------


def _walk(node) -> list[tuple[Path_, object]]:
    """Every (path, value) of the tree, parents before children (iterative: no recursion cost)."""
    out: list[tuple[Path_, object]] = []
    stack: list[tuple[Path_, object]] = [((), node)]
    while stack:
        path, value = stack.pop()
        out.append((path, value))
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(value))))
    return out


def _all_values(desc: Description) -> list[tuple[Path_, object]]:
    cached = desc.__dict__.get("_all_values")
    if cached is None:
        cached = desc.__dict__["_all_values"] = _walk(desc.data)
    return cached


def rule_references(desc: Description) -> list[Problem]:
    """Every QPV code, orientation, signatory and priority that is referred to exists."""
    qpv = territory_qpv(desc)
    orientations = ids(desc, "orientations")
    priorities = ids(desc, "priorites_transversales")
    signataires = ids(desc, "signataires")
    out: list[Problem] = []

    def check(path: Path_, value, known, what: str, where_to: str) -> None:
        if isinstance(value, str) and value and value not in known:
            out.append(
                desc.problem(
                    ERREUR,
                    path,
                    f"{what} « {value} » inconnu(e) : déclarez-le dans {where_to}{_hint(value, known)}",
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


def _is_signatory_ref(path: Path_) -> bool:
    return (
        (len(path) == 3 and path[0] == "engagements" and path[2] == "signataire")
        or (len(path) == 3 and path[0] == "tfpb" and path[2] == "bailleur")
        or (len(path) == 4 and path[0] == "financements" and path[3] == "financeur")
    )


# --- période et montants ----------------------------------------------------------------------


def rule_years(desc: Description) -> list[Problem]:
    """Years of financing, TFPB and investments lie in the period of the contract."""
    out = []
    low, high = PERIOD
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
    for path, total in _items(desc, "financements", "totaux"):
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
        if cost is None or not plan:
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


# --- signataires, gouvernance, orientations ----------------------------------------------------


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


def rule_annex_files(desc: Description) -> list[Problem]:
    """External annex files exist in the territory's folder."""
    out = []
    for path, annex in _items(desc, "annexes"):
        name = _str(annex.get("fichier"))
        try:
            found = bool(name) and (desc.root / name).is_file()
        except (OSError, ValueError):  # name too long for the file system, NUL character…
            found = False
        if name and not found:
            out.append(
                desc.problem(
                    AVERTISSEMENT,
                    path + ("fichier",),
                    f"fichier d'annexe introuvable : {name} (chemin relatif au dossier du territoire)",
                )
            )
    return out


RULES: list[Rule] = [
    rule_qpv_reference,
    rule_qpv_population,
    rule_duplicates,
    rule_projets_de_quartier,
    rule_references,
    rule_years,
    rule_declared_totals,
    rule_tfpb_balance,
    rule_signatories,
    rule_steering_body,
    rule_quantified_objectives,
    rule_conseils_citoyens,
    rule_annex_files,
]


def rule_problems(desc: Description) -> list[Problem]:
    out: list[Problem] = []
    for rule in RULES:
        try:
            out.extend(rule(desc))
        except Exception as exc:  # a rule must never turn into a traceback for the pilot
            out.append(
                Problem(
                    ERREUR,
                    f"erreur interne dans la règle {rule.__name__} ({type(exc).__name__}) : "
                    "signalez-la aux mainteneurs avec ce fichier",
                    desc.files[0] if desc.files else str(desc.root),
                )
            )
    return out
