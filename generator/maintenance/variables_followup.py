"""The variables of the follow-up documents (`documents_suivi` of the manifest), for
`docs/variables.md`: the context of a complete follow-up of the synthetic description."""

from __future__ import annotations

from generator.maintenance.variables_descriptions import _type_of
from generator.maintenance.variables_entries import entries
from generator.maintenance.variables_paths import path_text
from generator.maintenance.variables_sample import followup_sample_contexts

TOP = {
    "annee": "L'année suivie (celle de suivi/<année>.yaml).",
    "doc": "Le document : intercommunalité (`doc.epci`), titre, mention de l'en-tête, période "
    "du contrat (`doc.periode`).",
    "periode": "La période du contrat (« 2024-2030 »).",
    "epci": "Nom et sigle de l'intercommunalité.",
    "qpv_liste": "Les QPV du territoire (code, nom).",
    "synthese": "La synthèse de l'année : indicateurs en bonne voie ou en retard, crédits prévus "
    "et versés, état des engagements, nombre d'écarts.",
    "indicateurs": "Chaque indicateur ayant un identifiant : référence, valeur de l'année, "
    "valeur attendue sur la trajectoire, cibles 2027 et 2030, tendance, valeurs par QPV.",
    "operations": "Chaque opération financée de l'année : prévu, notifié, versé, écart, statut, "
    "avancement.",
    "financement_orientations": "Crédits prévus et versés par orientation (et la part "
    "transversale).",
    "orientations": "Chaque orientation : crédits, indicateurs et état de chacune de ses actions.",
    "signataires": "Chaque signataire : crédits prévus et versés, état de chacun de ses "
    "engagements.",
    "quartiers": "Chaque QPV : crédits prévus et versés, valeurs des indicateurs.",
    "intercommunal": "Crédits des opérations qui ne sont pas rattachées à un seul quartier.",
    "tfpb": "Chaque convention TFPB : abattement estimé et obtenu, actions prévues et réalisées "
    "par axe, solde, coût par logement, part couverte par l'abattement.",
    "tfpb_total": "La consolidation de tous les bailleurs (mêmes champs que `tfpb[]`).",
    "ecarts": "Les écarts qui appellent une décision (indicateur en retard, crédits versés sous "
    "90 % du prévu, engagement reporté ou abandonné, solde TFPB inexpliqué).",
    "decisions": "Les décisions à prendre, texte libre du suivi.",
    "participation": "Les séances et consultations de l'année (date, type, quartier, "
    "participants).",
    "rapport": "Ce que le rapport sur la politique de la ville dit en plus des chiffres "
    "(rubrique « rapport » du suivi).",
    "avis": "Les avis des conseils citoyens déposés dans suivi/<année>/avis/ (titre, paragraphes).",
    "graphiques": "Les graphiques, chacun seul dans son paragraphe : "
    "`{{ graphiques.trajectoires }}` (trajectoire des indicateurs), `{{ graphiques.credits }}` "
    "(crédits prévus et versés par orientation).",
    "bailleur": "Bilans TFPB seulement : le bailleur du document (champs de `tfpb[]`).",
    "consolidation": "Bilans TFPB seulement : oui pour le document de l'ensemble des bailleurs.",
}


def followup_markdown() -> list[str]:
    """The lines of the section of docs/variables.md on the follow-up documents."""
    contexts = followup_sample_contexts()
    context = contexts["suivi-bailleur"]
    lines = [
        "",
        "## Variables des documents du suivi annuel",
        "",
        "Les modèles de `documents_suivi` (manifeste), produits par `cdv bilan ANNEE`, ne voient",
        "pas les variables ci-dessus mais celles-ci (calculées par `generator/followup/context.py`",
        "à partir de la description et de suivi/<année>.yaml). Les bilans TFPB",
        "(`pour_chaque: bailleur`) ont en plus `bailleur` et `consolidation`.",
        "",
        "| Variable | Type | Description |",
        "| --- | --- | --- |",
    ]
    for entry in entries(context):
        text = path_text(entry.path)
        top = str(entry.path[0])
        description = TOP.get(text, "") if len(entry.path) == 1 else ""
        if entry.alias_of is not None:
            description = f"voir `{path_text(entry.alias_of)}`"
        if len(entry.path) > 1 and top not in ("rapport", "synthese", "doc", "bailleur"):
            continue  # the fields of a list item are listed once, under the item
        lines.append(f"| `{text}` | {_type_of(entry.values)} | {description} |")
    lines += ["", "Champs des éléments de liste :", ""]
    for entry in entries(context):
        if len(entry.path) == 3 and entry.path[1] == "[]":
            lines.append(f"- `{path_text(entry.path)}`")
    return lines
