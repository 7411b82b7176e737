"""Sample values of the revoyure documents' own variables (`avenant`, `evaluation`), for the
template check and the variables reference: the shape `build_avenant` and `evaluation` give."""

from __future__ import annotations

AVENANT_SAMPLE = {
    "numero": 1,
    "titre": "Avenant n° 1",
    "sous_titre": "Contrat de ville Engagements Quartiers 2030",
    "reference_contrat": "au contrat de ville signé le 12 juin 2024",
    "projet": True,
    "parties": [
        {"nom": "l'État", "note": "", "signataire": "le préfet"},
        {
            "nom": "Bpifrance",
            "note": "qui devient signataire du contrat par le présent avenant",
            "signataire": "le directeur régional",
        },
    ],
    "retraits": [{"nom": "la CAF", "finance": True}],
    "visas": ["le contrat de ville signé le 12 juin 2024"],
    "preambule": "Le contrat de ville prévoit une clause de revoyure en 2027.",
    "articles": [
        {
            "numero": 1,
            "titre": "Moyens financiers",
            "dispositif": "Le tableau de l'article 7.2 du contrat est remplacé par le tableau "
            "ci-après :",
            "contenu": "",
        }
    ],
    "article_final": 2,
    "objet_modifie": "du contrat",
    "annexes": ["annexe 1 : le contrat de ville dans sa version consolidée"],
    "lieu": "Creil",
    "date_signature": "…",
}

EVALUATION_SAMPLE: dict = {}  # filled by generator.amendment.evaluation (see sample_context)


def sample_context(kind: str, base: dict) -> dict:
    """`base` (the contract's sample context) with the variables of `kind` added."""
    context = {k: v for k, v in base.items() if k != "convention"}
    if kind == "avenant":
        context["avenant"] = AVENANT_SAMPLE
    elif kind == "evaluation":
        from generator.amendment.evaluation import sample_evaluation

        context["evaluation_mi_parcours"] = sample_evaluation()
    return context
