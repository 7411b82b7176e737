"""Business rule on the mid-term evaluation framework (`evaluation.cadre`): every indicator a
question cites is an indicator of the description (dashboard, orientations, commitment sheets)
with the figures the report shows (a baseline and a 2027 target)."""

from __future__ import annotations

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Problem
from generator.description.rules_common import _hint


def rule_evaluation_framework(desc: Description) -> list[Problem]:
    from generator.followup.references import indicators

    evaluation = desc.data.get("evaluation")
    if not isinstance(evaluation, dict) or not isinstance(evaluation.get("cadre"), list):
        return []
    known = indicators(desc.data)
    out: list[Problem] = []
    for i, question in enumerate(evaluation["cadre"]):
        if not isinstance(question, dict) or not isinstance(question.get("indicateurs"), list):
            continue
        for j, ident in enumerate(question["indicateurs"]):
            path = ("evaluation", "cadre", i, "indicateurs", j)
            if not isinstance(ident, str):
                continue
            indicator = known.get(ident)
            if indicator is None:
                out.append(
                    desc.problem(
                        ERREUR,
                        path,
                        f"l'indicateur « {ident} » du cadre d'évaluation n'existe pas : citez l'id "
                        "d'un indicateur du tableau de bord (evaluation.indicateurs), d'une "
                        f"orientation ou d'une fiche d'engagement{_hint(ident, known)}",
                    )
                )
            elif indicator.baseline is None or indicator.target_2027 is None:
                missing = "valeur_reference" if indicator.baseline is None else "cible_2027"
                out.append(
                    desc.problem(
                        AVERTISSEMENT,
                        path,
                        f"l'indicateur « {ident} » n'a pas de {missing} : le rapport "
                        "d'évaluation à mi-parcours l'affichera « — » ; ajoutez-la à "
                        "l'indicateur",
                    )
                )
    return out
