"""Checks of a year's follow-up against its description: references resolved, years and units
right, no item written twice, and a warning for each piece of data a signatory still owes."""

from __future__ import annotations

import difflib
from decimal import Decimal

from generator.description.problems import AVERTISSEMENT, ERREUR, Problem, sort_key
from generator.followup import money, references
from generator.followup.load import FOLDER, FollowUp
from generator.followup.schema import schema_problems


def _items(followup: FollowUp, key: str):
    value = followup.data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _guess(word, choices) -> str:
    found = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {found[0]} » ?" if found else ""


def followup_problems(followup: FollowUp, data: dict) -> list[Problem]:
    """Every problem of `followup` (loading, schema, rules), against the description `data`."""
    problems = list(followup.problems)
    if followup.records.files and not followup.records.unreadable:
        found = schema_problems(followup.records)
        problems += found
        if not any(p.is_error for p in found):
            problems += _rules(followup, data)
    return sorted(set(problems), key=sort_key)


def _rules(followup: FollowUp, data: dict) -> list[Problem]:
    rec = followup.records
    out: list[Problem] = []

    def error(path, message):
        out.append(rec.problem(ERREUR, path, message))

    def warn(path, message):
        out.append(rec.problem(AVERTISSEMENT, path, message))

    year = followup.year
    if "annee" in followup.data and followup.data["annee"] != year:
        error(
            ("annee",),
            f"ce fichier de suivi dit « annee: {followup.data['annee']} » mais il est rangé "
            f"pour {year} : corrigez l'année ou le nom du fichier",
        )
    start, end = references.period(data)
    if not start <= year <= end:
        error(
            ("annee",),
            f"l'année {year} est hors de la période du contrat ({start}-{end}) : un suivi "
            "porte sur une année du contrat",
        )
    signed = references.signature_year(data)
    if signed is not None and year < signed:
        error(
            ("annee",),
            f"suivi de {year}, avant la signature du contrat ({signed}) : le suivi commence "
            "avec l'année de la signature",
        )
    _duplicates(followup, error)
    indicators = references.indicators(data)
    qpv = set(references.territory_qpv(data))
    seen_indicators = set()
    for i, item in _items(followup, "indicateurs"):
        ind = indicators.get(item.get("id"))
        if ind is None:
            error(
                ("indicateurs", i, "id"),
                f"indicateur « {item.get('id')} » inconnu : aucun indicateur de la description "
                f"n'a cet identifiant{_guess(item.get('id'), indicators)}",
            )
            continue
        seen_indicators.add(ind.id)
        unit = item.get("unite")
        if unit is not None and _unit(unit) != _unit(ind.unit):
            error(
                ("indicateurs", i, "unite"),
                f"unité « {unit} » : l'indicateur « {ind.label} » se mesure en « {ind.unit} » ; "
                "donnez la valeur dans cette unité",
            )
        values = [("valeur", item.get("valeur"))] + [
            (("qpv", j, "valeur"), q.get("valeur"))
            for j, q in enumerate(item.get("qpv") or [])
            if isinstance(q, dict)
        ]
        for where, value in values:
            if _unit(ind.unit) == "%" and isinstance(value, int | float) and value > 100:
                path = ("indicateurs", i) + ((where,) if isinstance(where, str) else where)
                error(
                    path,
                    f"{value} : l'indicateur « {ind.label} » est un pourcentage (au plus 100) ; "
                    "vérifiez l'unité de la valeur",
                )
        for j, q in enumerate(item.get("qpv") or []):
            if isinstance(q, dict) and q.get("qpv") not in qpv:
                error(
                    ("indicateurs", i, "qpv", j, "qpv"),
                    f"le quartier {q.get('qpv')} n'est pas un QPV du territoire ; QPV du "
                    f"territoire : {', '.join(sorted(qpv))}",
                )
        if "valeur" not in item and not item.get("qpv"):
            warn(("indicateurs", i), f"indicateur « {ind.label} » sans valeur observée")
    for ind in indicators.values():
        if ind.id not in seen_indicators:
            who = f"à fournir par {ind.owner}" if ind.owner else "à renseigner"
            out.append(
                Problem(
                    AVERTISSEMENT,
                    f"valeur {year} de l'indicateur « {ind.label} » ({ind.id}) manquante, "
                    f"{who}{' ; source : ' + ind.source if ind.source else ''} : ajoutez-la "
                    "sous « indicateurs: »",
                    _main_file(followup),
                    0,
                    0,
                    ("indicateurs",),
                )
            )
    ops = money.operations(data, year)
    seen_ops = set()
    for i, item in _items(followup, "operations"):
        op = ops.get(item.get("id"))
        if op is None:
            error(
                ("operations", i, "id"),
                f"opération « {item.get('id')} » inconnue dans les financements"
                f"{_guess(item.get('id'), ops)}",
            )
            continue
        seen_ops.add(op.id)
        paid = item.get("verse")
        if isinstance(paid, int | float) and Decimal(str(paid)) > op.notified:
            warn(
                ("operations", i, "verse"),
                f"versé {_euros(paid)} pour « {op.label} » en {year}, plus que le montant "
                f"notifié ({_euros(op.notified)}) : vérifiez le versement ou la notification",
            )
    for op in ops.values():
        if op.planned and op.id not in seen_ops and op.paid is None:  # the ledger's `verse`
            out.append(
                Problem(
                    AVERTISSEMENT,
                    f"opération « {op.label} » ({op.id}, {', '.join(op.funders)}) : montant "
                    f"versé en {year} non renseigné (prévu : {_euros(op.planned)}) ; ajoutez-le "
                    "sous « operations: »",
                    _main_file(followup),
                    0,
                    0,
                    ("operations",),
                )
            )
    sheets = references.commitment_sheets(data)
    reported = set()
    for i, item in _items(followup, "engagements"):
        sheet = sheets.get(item.get("signataire"))
        if sheet is None:
            error(
                ("engagements", i, "signataire"),
                f"« {item.get('signataire')} » n'a pas de fiche d'engagements dans la "
                f"description{_guess(item.get('signataire'), sheets)}",
            )
            continue
        count = len(sheet.get("objectifs") or [])
        if isinstance(item.get("objectif"), int) and not 1 <= item["objectif"] <= count:
            error(
                ("engagements", i, "objectif"),
                f"la fiche de {item['signataire']} a {count} objectif(s) : le numéro "
                f"{item['objectif']} n'existe pas",
            )
            continue
        reported.add((item.get("signataire"), item.get("objectif")))
    for signatory, sheet in sheets.items():
        for n, objective in enumerate(sheet.get("objectifs") or [], start=1):
            if (signatory, n) not in reported:
                out.append(
                    Problem(
                        AVERTISSEMENT,
                        f"{signatory} n'a pas rendu compte en {year} de son engagement n° {n} "
                        f"(« {objective.get('libelle')} ») : ajoutez son état sous "
                        "« engagements: »",
                        _main_file(followup),
                        0,
                        0,
                        ("engagements",),
                    )
                )
    orientations = references.orientations(data)
    for i, item in _items(followup, "actions"):
        orientation = orientations.get(item.get("orientation"))
        if orientation is None:
            error(
                ("actions", i, "orientation"),
                f"orientation « {item.get('orientation')} » inconnue"
                f"{_guess(item.get('orientation'), orientations)}",
            )
            continue
        objectives = orientation.get("objectifs") or []
        n = item.get("objectif")
        if not isinstance(n, int) or not 1 <= n <= len(objectives):
            error(
                ("actions", i, "objectif"),
                f"l'orientation {orientation['id']} a {len(objectives)} objectif(s) : le numéro "
                f"{n} n'existe pas",
            )
            continue
        actions = objectives[n - 1].get("actions") or []
        if not 1 <= item.get("action", 0) <= len(actions):
            error(
                ("actions", i, "action"),
                f"l'objectif {n} de {orientation['id']} a {len(actions)} action(s) : le "
                f"numéro {item.get('action')} n'existe pas",
            )
    conventions = references.conventions(data)
    bilans = set()
    for i, item in _items(followup, "tfpb"):
        if item.get("bailleur") not in conventions:
            error(
                ("tfpb", i, "bailleur"),
                f"bilan TFPB de « {item.get('bailleur')} », qui n'a pas de convention TFPB dans "
                f"la description ; bailleurs "
                f"conventionnés : {', '.join(sorted(conventions)) or 'aucun'}",
            )
            continue
        bilans.add(item["bailleur"])
        if "abattement_obtenu" not in item:
            warn(
                ("tfpb", i),
                f"bilan de {item['bailleur']} sans l'abattement obtenu en {year} : ajoutez "
                "« abattement_obtenu: »",
            )
        for j, action in enumerate(item.get("actions") or []):
            for k, code in enumerate(action.get("qpv") or []):
                if code not in qpv:
                    error(
                        ("tfpb", i, "actions", j, "qpv", k),
                        f"le quartier {code} n'est pas un QPV du territoire",
                    )
    for landlord, convention in conventions.items():
        years = {
            a.get("annee") for a in convention.get("abattement_estime") or [] if isinstance(a, dict)
        }
        if year in years and landlord not in bilans:
            out.append(
                Problem(
                    AVERTISSEMENT,
                    f"bilan TFPB {year} de {landlord} manquant (abattement estimé pour "
                    f"{year} dans sa convention) : ajoutez-le sous « tfpb: » ou dans "
                    f"{FOLDER}/{year}/{landlord}.yaml",
                    _main_file(followup),
                    0,
                    0,
                    ("tfpb",),
                )
            )
    for i, item in _items(followup, "participation"):
        if item.get("qpv") is not None and item["qpv"] not in qpv:
            error(
                ("participation", i, "qpv"),
                f"le quartier {item['qpv']} n'est pas un QPV du territoire",
            )
        date = item.get("date")
        if isinstance(date, str) and date[:4].isdigit() and int(date[:4]) not in (year, year + 1):
            warn(
                ("participation", i, "date"),
                f"date {date} hors de l'année suivie ({year}) ni de la suivante",
            )
    communes = references.territory_communes(data)
    report = followup.data.get("rapport") if isinstance(followup.data.get("rapport"), dict) else {}
    for i, item in enumerate(report.get("dsu") or []):
        if isinstance(item, dict) and item.get("commune") not in communes:
            error(
                ("rapport", "dsu", i, "commune"),
                f"la commune {item.get('commune')} n'est pas une commune du territoire "
                f"({', '.join(f'{c} {n}' for c, n in sorted(communes.items()))})",
            )
    return out


def _main_file(followup: FollowUp) -> str:
    return followup.files[0] if followup.files else str(followup.root / FOLDER)


def _unit(unit) -> str:
    text = str(unit or "").strip().lower()
    return {"pourcentage": "%", "pour cent": "%", "euro": "€", "euros": "€", "eur": "€"}.get(
        text, text
    )


def _euros(value) -> str:
    from generator.documents.formatting import montant

    return montant(value)


_KEYS = {
    "indicateurs": lambda v: v.get("id"),
    "operations": lambda v: v.get("id"),
    "engagements": lambda v: (v.get("signataire"), v.get("objectif")),
    "actions": lambda v: (v.get("orientation"), v.get("objectif"), v.get("action")),
    "tfpb": lambda v: v.get("bailleur"),
}


def _duplicates(followup: FollowUp, error) -> None:
    rec = followup.records
    for key, identity in _KEYS.items():
        first: dict = {}
        for i, item in _items(followup, key):
            ident = identity(item)
            if ident in first:
                loc = rec.where((key, first[ident]))
                shown = " / ".join(str(x) for x in ident) if isinstance(ident, tuple) else ident
                error(
                    (key, i),
                    f"« {shown} » est déjà renseigné dans {loc.file}, ligne {loc.line} : un "
                    "élément du suivi s'écrit une seule fois ; gardez l'un des deux",
                )
            else:
                first[ident] = i
