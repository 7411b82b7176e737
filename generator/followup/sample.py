"""A complete follow-up for a description: every list has an element, so that the template
checks and the reference of variables see every value the follow-up documents can show."""

from __future__ import annotations

from generator.followup import money, references

SAMPLE_YEAR = 2025


def sample_followup(data: dict, year: int = SAMPLE_YEAR) -> dict:
    indicators = list(references.indicators(data).values())
    ops = list(money.operations(data, year).values())
    sheets = references.commitment_sheets(data)
    orientations = references.orientations(data)
    qpv = references.territory_qpv(data)
    communes = list(references.territory_communes(data))
    return {
        "annee": year,
        "indicateurs": [
            {
                "id": ind.id,
                "valeur": ind.baseline if ind.baseline is not None else 1,
                "date": f"{year}-06-30",
                "source": "source",
                "qpv": [{"qpv": code, "valeur": 1} for code in qpv[:1]],
                "commentaire": "commentaire",
            }
            for ind in indicators
        ],
        "operations": [
            {
                "id": op.id,
                "verse": 0,
                "statut": "verse",
                "realisation": "realise",
                "commentaire": "commentaire",
            }
            for op in ops
        ],
        "engagements": [
            {
                "signataire": sid,
                "objectif": 1,
                "statut": "reporte",
                "realise": "fait",
                "commentaire": "commentaire",
            }
            for sid in sheets
        ],
        "actions": [
            {
                "orientation": oid,
                "objectif": 1,
                "action": 1,
                "statut": "realise",
                "commentaire": "commentaire",
            }
            for oid in orientations
        ],
        "tfpb": [
            {
                "bailleur": landlord,
                "abattement_obtenu": 1000,
                "actions": [{"axe": "presence_proximite", "libelle": "action", "cout": 10}],
                "ecart_explique": "explication",
            }
            for landlord in references.conventions(data)
        ],
        "participation": [
            {
                "date": f"{year}-03-01",
                "type": "conseil_citoyen",
                "intitule": "séance",
                "qpv": qpv[0] if qpv else None,
                "participants": 10,
            }
        ],
        "rapport": {
            "situation": "texte",
            "actions_epci_communes": "texte",
            "actions_autres_signataires": "texte",
            "perspectives": {
                k: "texte"
                for k in (
                    "resultats",
                    "droit_commun",
                    "coordination",
                    "participation",
                    "evaluation",
                )
            },
            "dsu": [{"commune": c, "montant": 1000, "actions": "texte"} for c in communes[:1]],
            "renouvellement_urbain": "texte",
            "consultation_conseils_citoyens": f"{year + 1}-03-01",
            "debat_conseil_communautaire": f"{year + 1}-04-01",
        },
        "decisions": "texte",
    }


def sample_contexts(data: dict) -> dict[str, dict]:
    """The context of a follow-up document (`suivi`) and of a TFPB bilan (`suivi-bailleur`)."""
    from generator.followup.build import document_contexts
    from generator.followup.context import followup_context
    from generator.followup.load import Opinion

    context = followup_context(
        data,
        sample_followup(data),
        SAMPLE_YEAR,
        {},
        [Opinion("avis.txt", "Avis du conseil citoyen", ["texte"])],
    )

    from generator.documents.templates import TemplateDocument

    documents = [  # the two kinds of follow-up documents, as a manifest declares them
        TemplateDocument("suivi", None, "a-{annee}", "t", "suivi"),
        TemplateDocument("bailleur", None, "b-{bailleur}-{annee}", "t", "suivi-bailleur"),
    ]
    out = {}
    for doc, _name, ctx, _title in document_contexts(context, documents, "EPCI"):
        out.setdefault(doc.for_each, ctx)
    out.setdefault(
        "suivi-bailleur", dict(out["suivi"], bailleur=context["tfpb_total"], consolidation=True)
    )
    return out
