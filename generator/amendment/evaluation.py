"""The mid-term evaluation (2027): the report skeleton, from the description's evaluation
framework (`evaluation.cadre`: questions, the indicators that answer them, sources), the annual
follow-up (`suivi/<année>.yaml`: observed values, commitments' states, amounts paid) and the
ledger (planned money, amounts paid where the ledger records them).

Every figure is computed here once and given to the template as French text; the template
only places it. The pilot's analysis is left as fields to fill (or printed when written).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from generator.documents import formatting

FIRST_YEAR = 2024
TO_FILL = "[À compléter par le pilote]"
STATUS_LABELS = {
    "realise": "réalisé",
    "en_cours": "en cours",
    "reporte": "reporté",
    "abandonne": "abandonné",
}


class EvaluationError(Exception):
    """No evaluation report can be made (French message, nothing written)."""


@dataclass(frozen=True)
class Observation:
    value: float
    year: int
    source: str


def _list(value) -> list:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def value_text(value, unit: str) -> str:
    """« 44,6 % », « 420 places », « — » when unknown."""
    if value is None:
        return "—"
    if unit.strip() == "%":
        return formatting.pourcentage(value)
    number = formatting.nombre(value)
    return f"{number}\u00a0{unit}" if unit else number


def observations(followups: dict[int, dict], year: int) -> dict[str, Observation]:
    """The last observed value of each indicator up to `year` (the latest year wins)."""
    out: dict[str, Observation] = {}
    for y in sorted(followups):
        if y > year:
            continue
        for row in _list(followups[y].get("indicateurs")):
            value = _number(row.get("valeur"))
            if isinstance(row.get("id"), str) and value is not None:
                out[row["id"]] = Observation(value, y, str(row.get("source") or ""))
    return out


def progress(baseline, observed, target) -> str:
    """Share of the way from the baseline to the 2027 target, in French (« 56 % »)."""
    if None in (baseline, observed, target) or target == baseline:
        return "—"
    share = Decimal(str(observed - baseline)) / Decimal(str(target - baseline)) * 100
    return formatting.pourcentage(share.quantize(Decimal(1)))


def indicator_rows(data: dict, followups: dict[int, dict], year: int) -> tuple[list, list]:
    """The framework's questions with their indicators' three figures, and the problems."""
    from generator.followup.references import indicators

    known = indicators(data)
    observed = observations(followups, year - 1)
    evaluation = data.get("evaluation") if isinstance(data.get("evaluation"), dict) else {}
    questions, missing = [], []
    for number, item in enumerate(_list(evaluation.get("cadre")), start=1):
        rows = []
        for ident in item.get("indicateurs") or []:
            indicator = known.get(str(ident))
            if indicator is None:
                missing.append(str(ident))
                continue
            seen = observed.get(indicator.id)
            late = seen is not None and seen.year != year - 1
            rows.append(
                {
                    "id": indicator.id,
                    "libelle": indicator.label,
                    "source": (seen.source if seen and seen.source else indicator.source) or "—",
                    "reference": value_text(indicator.baseline, indicator.unit),
                    "annee_reference": str(indicator.baseline_year or "—"),
                    "observee": value_text(seen.value if seen else None, indicator.unit)
                    + (f" ({seen.year})" if late else ""),
                    "annee_observee": str(seen.year) if seen else "non renseignée",
                    "cible_2027": value_text(indicator.target_2027, indicator.unit),
                    "progression": progress(
                        indicator.baseline, seen.value if seen else None, indicator.target_2027
                    ),
                    "valeurs": {
                        "reference": indicator.baseline,
                        "observee": seen.value if seen else None,
                        "cible_2027": indicator.target_2027,
                    },
                }
            )
        questions.append(
            {
                "numero": number,
                "question": str(item.get("question") or ""),
                "indicateurs": rows,
                "sources": [str(s) for s in item.get("sources") or []],
                "analyse": str(item.get("analyse") or "").strip() or TO_FILL,
            }
        )
    return questions, missing


def commitments(data: dict, followups: dict[int, dict], year: int) -> dict:
    """The state of each signatory's objectives in the last follow-up before `year`."""
    years = [y for y in sorted(followups) if y < year and _list(followups[y].get("engagements"))]
    if not years:
        return {"annee": None, "lignes": [], "realises": 0, "total": 0, "resume": ""}
    last = years[-1]
    names = {s.get("id"): s.get("nom") for s in _list(data.get("signataires"))}
    sheets = {s.get("signataire"): s for s in _list(data.get("engagements"))}
    rows, counts = [], {}
    for row in _list(followups[last].get("engagements")):
        sheet = sheets.get(row.get("signataire")) or {}
        objectives = _list(sheet.get("objectifs"))
        rank = row.get("objectif")
        objective = (
            objectives[rank - 1] if isinstance(rank, int) and 0 < rank <= len(objectives) else {}
        )
        status = str(row.get("statut") or "")
        counts[status] = counts.get(status, 0) + 1
        who = str(names.get(row.get("signataire")) or row.get("signataire") or "")
        rows.append(
            {
                "signataire": who[:1].upper() + who[1:],
                "objectif": str(objective.get("libelle") or f"objectif n° {rank}"),
                "statut": STATUS_LABELS.get(status, status),
                "commentaire": str(row.get("commentaire") or row.get("realise") or ""),
            }
        )
    summary = ", ".join(f"{counts[s]} {STATUS_LABELS[s]}" for s in STATUS_LABELS if counts.get(s))
    return {
        "annee": last,
        "lignes": rows,
        "realises": counts.get("realise", 0),
        "total": len(rows),
        "resume": summary,
    }


def money(data: dict, followups: dict[int, dict], year: int) -> dict:
    """Planned (the ledger) against paid, each year from 2024 to `year` - 1, paid operation by
    operation as the annual review counts it (`followup.money.paid_of`: the follow-up file's
    amount, else the ledger's `verse`)."""
    from generator.followup import money as followup_money
    from generator.ledger import build_ledger

    planned = build_ledger(data).by_year()
    rows = []
    total_planned = total_paid = Decimal(0)
    complete = True
    for y in range(FIRST_YEAR, year):
        items = {
            o.get("id"): o
            for o in _list((followups.get(y) or {}).get("operations"))
            if isinstance(o, dict)
        }
        known = [
            (amount, "suivi" if op.id in items else "registre")
            for op in followup_money.operations(data, y).values()
            if (amount := followup_money.paid_of(op, items.get(op.id))) is not None
        ]
        paid = sum((a for a, _ in known), Decimal(0)) if known else None
        where = {w for _, w in known}
        source = (
            " et ".join(
                label
                for key, label in (("suivi", f"suivi {y}"), ("registre", "registre des opérations"))
                if key in where
            )
            or "non renseigné"
        )
        amount = planned.get(y, Decimal(0))
        total_planned += amount
        if paid is None:
            complete = False
        else:
            total_paid += paid
        rows.append(
            {
                "annee": str(y),
                "prevu": formatting.montant(amount),
                "verse": formatting.montant(paid) if paid is not None else "non renseigné",
                "taux": formatting.pourcentage((100 * paid / amount).quantize(Decimal(1)))
                if paid is not None and amount
                else "—",
                "source": source,
                "valeurs": {"prevu": amount, "verse": paid},
            }
        )
    return {
        "lignes": rows,
        "prevu": formatting.montant(total_planned),
        "verse": formatting.montant(total_paid),
        "taux": formatting.pourcentage((100 * total_paid / total_planned).quantize(Decimal(1)))
        if total_planned
        else "—",
        "complet": complete,
        "periode": f"{FIRST_YEAR}-{year - 1}",
    }


def evaluation_context(data: dict, followups: dict[int, dict], year: int, signed_on: str | None):
    """What the template `evaluation.docx` shows (`evaluation_mi_parcours`)."""
    questions, missing = indicator_rows(data, followups, year)
    if not questions:
        raise EvaluationError(
            "la description n'a pas de cadre d'évaluation : écrivez evaluation.cadre (les "
            "questions, chacune avec les identifiants des indicateurs qui y répondent) dans "
            "evaluation.yaml ; voir le README, « Évaluation à mi-parcours »"
        )
    if missing:
        raise EvaluationError(
            "indicateur(s) du cadre d'évaluation inconnu(s) : "
            + ", ".join(f"« {m} »" for m in missing)
            + " : chaque identifiant doit être l'id d'un indicateur du tableau de bord "
            "(evaluation.indicateurs), d'une orientation ou d'une fiche d'engagement"
        )
    evaluation = data.get("evaluation") if isinstance(data.get("evaluation"), dict) else {}
    return {
        "annee": year,
        "annee_observee": year - 1,
        "titre": f"Évaluation à mi-parcours {year}",
        "contrat_signe": f"Contrat signé le {formatting.date_fr(signed_on)}" if signed_on else "",
        "questions": questions,
        "sources": [str(s) for s in evaluation.get("sources") or []],
        "suivis": ", ".join(str(y) for y in sorted(followups) if y < year) or "aucun",
        "engagements": commitments(data, followups, year),
        "financements": money(data, followups, year),
        "a_completer": TO_FILL,
    }


def load_followups(root: Path, year: int) -> tuple[dict[int, dict], list[str]]:
    """The follow-up data of each year before `year`, and the years that have errors."""
    from generator.followup.load import followup_years, load_followup

    out, with_errors = {}, []
    for y in followup_years(root):
        if y >= year:
            continue
        followup = load_followup(root, y)
        out[y] = followup.data
        if any(p.severity == "erreur" for p in followup.problems):
            with_errors.append(str(y))
    return out, with_errors


def make_evaluation(root: Path, description, templates, year: int) -> tuple[str, bytes, dict]:
    """(output name, bytes, context) of the evaluation report of `year`; the context's
    `suivis_en_erreur` lists the follow-up years whose files have errors."""
    from generator.amendment.snapshot import read_snapshots
    from generator.documents.context import build_context
    from generator.documents.render import document_bytes, render_template
    from generator.documents.templates import resolve_for_territory
    from generator.documents.write import deterministic_docx

    if not FIRST_YEAR < year <= 2030:
        raise EvaluationError(
            f"année {year} : une évaluation porte sur une année de 2025 à 2030 (la clause de "
            "revoyure : cdv evaluation 2027)"
        )
    templates = resolve_for_territory(templates, root)
    doc = next((d for d in templates.later_documents if d.id == "evaluation"), None)
    if doc is None:
        raise EvaluationError(f"le jeu de modèles {templates.name} n'a pas de modèle d'évaluation")
    followups, with_errors = load_followups(root, year)
    snapshots = read_snapshots(root)
    signed_on = snapshots[0].date if snapshots else None
    context = build_context(description.data)
    context["evaluation_mi_parcours"] = evaluation_context(
        description.data, followups, year, signed_on
    )
    context["evaluation_mi_parcours"]["suivis_en_erreur"] = with_errors
    document = render_template(doc.template, context)
    data = deterministic_docx(
        document_bytes(document),
        date=context["doc"]["date"] or "",
        core={
            "title": f"Évaluation à mi-parcours {year} — {context['doc']['epci']}",
            "language": "fr-FR",
            "author": context["doc"]["epci"] or "",
        },
        custom={"cdv_evaluation": str(year)},
        description=description.data,
    )
    return doc.output.format(annee=year), data, context["evaluation_mi_parcours"]


def sample_evaluation() -> dict:
    """The shape of `evaluation_mi_parcours`, for the template check."""
    row = {
        "id": "taux-emploi",
        "libelle": "Taux d'emploi",
        "source": "INSEE",
        "reference": "45,8 %",
        "annee_reference": "2020",
        "observee": "46,9 %",
        "annee_observee": "2026",
        "cible_2027": "48 %",
        "progression": "50 %",
        "valeurs": {"reference": 45.8, "observee": 46.9, "cible_2027": 48.0},
    }
    return {
        "annee": 2027,
        "annee_observee": 2026,
        "titre": "Évaluation à mi-parcours 2027",
        "contrat_signe": "Contrat signé le 12 juin 2024",
        "questions": [
            {
                "numero": 1,
                "question": "L'accès à l'emploi s'est-il amélioré ?",
                "indicateurs": [row],
                "sources": ["France Travail"],
                "analyse": TO_FILL,
            }
        ],
        "sources": ["INSEE"],
        "suivis": "2024, 2025, 2026",
        "engagements": {
            "annee": 2026,
            "lignes": [
                {"signataire": "L'État", "objectif": "…", "statut": "réalisé", "commentaire": ""}
            ],
            "realises": 1,
            "total": 1,
            "resume": "1 réalisé",
        },
        "financements": {
            "lignes": [
                {
                    "annee": "2024",
                    "prevu": "1 000 €",
                    "verse": "900 €",
                    "taux": "90 %",
                    "source": "suivi 2024",
                    "valeurs": {"prevu": Decimal(1000), "verse": Decimal(900)},
                }
            ],
            "prevu": "1 000 €",
            "verse": "900 €",
            "taux": "90 %",
            "complet": True,
            "periode": "2024-2026",
        },
        "a_completer": TO_FILL,
        "suivis_en_erreur": ["2025"],
    }
