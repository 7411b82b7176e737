"""The variables of the revoyure documents (`documents_revoyure` of the manifest: the avenant,
the TFPB avenant, the mid-term evaluation), for `docs/variables.md`: the contract's context
plus each document's own variable (`avenant`, `evaluation_mi_parcours`), as
`generator.amendment.sample.sample_context` gives them to the template check."""

from __future__ import annotations

from generator.maintenance.variables_descriptions import _type_of
from generator.maintenance.variables_entries import entries
from generator.maintenance.variables_paths import path_text
from generator.maintenance.variables_sample import context_for, sample_context

# (document, template, command, `pour_chaque` of the manifest = the context's kind)
DOCUMENTS = (
    ("avenant", "avenant.docx", "`cdv avenant`", "avenant"),
    (
        "avenant TFPB",
        "avenant-tfpb.docx",
        "`cdv avenant`, un par convention TFPB modifiée",
        "avenant",
    ),
    ("évaluation", "evaluation.docx", "`cdv evaluation 2027`", "evaluation"),
)

TOP = {
    "avenant": "L'avenant (avenant au contrat et avenant TFPB) : numéro, titre, parties, "
    "visas, préambule, articles, annexes, lieu et date de signature.",
    "evaluation_mi_parcours": "Le rapport d'évaluation à mi-parcours : les questions du cadre "
    "d'évaluation (`evaluation.cadre`) avec leurs indicateurs, l'état des engagements et les "
    "moyens financiers depuis 2024, chiffres déjà écrits en français.",
}

_TFPB = "avenant TFPB : "

FIELDS = {
    "avenant.numero": "Le numéro de l'avenant (1 pour le premier).",
    "avenant.titre": "« Avenant n° 1 » ; " + _TFPB + "« Avenant n° 1 à la convention "
    "d'utilisation de l'abattement de TFPB ».",
    "avenant.sous_titre": "Le titre du contrat (`doc.titre`) ; " + _TFPB + "le nom du bailleur.",
    "avenant.reference_contrat": "« au contrat de ville signé le 12 juin 2024 » (la date de la "
    "première version signée).",
    "avenant.projet": "Oui : le document produit est un projet d'avenant, à signer.",
    "avenant.parties": "Les parties qui signent l'avenant : les signataires qui signent le "
    "contrat (`signataires_signant`) ; " + _TFPB + "les parties de la convention.",
    "avenant.parties[]": "Une partie.",
    "avenant.parties[].nom": "Son nom (« l'État »).",
    "avenant.parties[].note": "« qui devient signataire du contrat par le présent avenant » "
    "pour un signataire absent de la version signée, sinon vide (toujours vide dans un avenant "
    "TFPB).",
    "avenant.parties[].signataire": "Qui signe pour elle : nom du signataire et représentant "
    "(« le préfet »).",
    "avenant.retraits": "Les signataires de la version signée qui ne sont plus dans la "
    "description (toujours vide dans un avenant TFPB).",
    "avenant.retraits[]": "Un signataire qui se retire du contrat.",
    "avenant.retraits[].nom": "Son nom.",
    "avenant.retraits[].finance": "Oui s'il finance une opération du contrat signé (registre "
    "des opérations de la version signée).",
    "avenant.visas": "Les visas, un texte chacun : la loi du 21 février 2014 (article 6), le "
    "contrat signé, chaque avenant signé avant celui-ci.",
    "avenant.preambule": "Le préambule : le texte de `cdv avenant --preambule`, sinon la clause "
    "de revoyure de 2027 ; texte libre, avec le filtre `texte` seul dans son paragraphe.",
    "avenant.articles": "Les articles, un par partie du contrat modifiée (la version signée "
    "comparée à la description actuelle) ; " + _TFPB + "les articles de la convention.",
    "avenant.articles[]": "Un article.",
    "avenant.articles[].numero": "Son numéro (1, 2…).",
    "avenant.articles[].titre": "Son titre : la partie modifiée (« Moyens financiers »).",
    "avenant.articles[].dispositif": "Ce que l'article dispose (« Le tableau de l'article 7.2 "
    "du contrat est remplacé par le tableau ci-après : »).",
    "avenant.articles[].contenu": "Réservé : la marque du texte du contrat que l'article cite, "
    "seule dans son paragraphe (`{%p if a.contenu %}` … `{%p endif %}`) ; l'outil remplace ce "
    "paragraphe par les paragraphes et tableaux du contrat. Vide quand l'article ne cite rien.",
    "avenant.article_final": "Le numéro de l'article final (« Autres dispositions »), après le "
    "dernier article.",
    "avenant.objet_modifie": "Ce que l'avenant modifie, à écrire après « Les autres "
    "dispositions » : « du contrat » ; " + _TFPB + "« de la convention d'utilisation de "
    "l'abattement de TFPB conclue avec … ».",
    "avenant.annexes": "Les documents annexés : le contrat consolidé, les avenants TFPB, le "
    "contrat avec les modifications apparentes (toujours vide dans un avenant TFPB).",
    "avenant.lieu": "Le lieu de signature (`contrat.lieu_signature`), sinon « … ».",
    "avenant.date_signature": "« … » : la date s'écrit à la signature.",
    "evaluation_mi_parcours.annee": "L'année de l'évaluation (celle de `cdv evaluation ANNEE`).",
    "evaluation_mi_parcours.annee_observee": "L'année des valeurs observées : l'année précédente.",
    "evaluation_mi_parcours.titre": "« Évaluation à mi-parcours 2027 ».",
    "evaluation_mi_parcours.contrat_signe": "« Contrat signé le 12 juin 2024 » (la première "
    "version signée), vide si aucune n'est enregistrée.",
    "evaluation_mi_parcours.questions": "Les questions du cadre d'évaluation, dans l'ordre de "
    "`evaluation.cadre`.",
    "evaluation_mi_parcours.questions[]": "Une question.",
    "evaluation_mi_parcours.questions[].numero": "Son numéro (1, 2…).",
    "evaluation_mi_parcours.questions[].question": "La question évaluative.",
    "evaluation_mi_parcours.questions[].indicateurs": "Les indicateurs qui y répondent, chacun "
    "avec ses chiffres déjà écrits (« 45,8 % », « — » quand la valeur manque).",
    "evaluation_mi_parcours.questions[].indicateurs[]": "Un indicateur.",
    "evaluation_mi_parcours.questions[].indicateurs[].id": "Son identifiant (celui du tableau de "
    "bord, d'une orientation ou d'une fiche d'engagement).",
    "evaluation_mi_parcours.questions[].indicateurs[].libelle": "Son libellé.",
    "evaluation_mi_parcours.questions[].indicateurs[].source": "La source de la valeur observée "
    "(suivi annuel), sinon celle de l'indicateur, sinon « — ».",
    "evaluation_mi_parcours.questions[].indicateurs[].reference": "La valeur de référence, avec "
    "son unité.",
    "evaluation_mi_parcours.questions[].indicateurs[].annee_reference": "L'année de la valeur de "
    "référence, sinon « — ».",
    "evaluation_mi_parcours.questions[].indicateurs[].observee": "La dernière valeur observée "
    "du suivi annuel, suivie de son année entre parenthèses quand elle est plus ancienne que "
    "`annee_observee`.",
    "evaluation_mi_parcours.questions[].indicateurs[].annee_observee": "L'année de cette valeur, "
    "sinon « non renseignée ».",
    "evaluation_mi_parcours.questions[].indicateurs[].cible_2027": "La cible 2027, avec son unité.",
    "evaluation_mi_parcours.questions[].indicateurs[].progression": "Le chemin parcouru de la "
    "référence vers la cible 2027 (« 56 % »), sinon « — ».",
    "evaluation_mi_parcours.questions[].indicateurs[].valeurs": "Les mêmes valeurs en nombres "
    "(vides quand elles manquent), pour un filtre : `{{ r.valeurs.observee|nombre }}`.",
    "evaluation_mi_parcours.questions[].indicateurs[].valeurs.reference": "La valeur de référence.",
    "evaluation_mi_parcours.questions[].indicateurs[].valeurs.observee": "La valeur observée.",
    "evaluation_mi_parcours.questions[].indicateurs[].valeurs.cible_2027": "La cible 2027.",
    "evaluation_mi_parcours.questions[].sources": "Les sources de la question "
    "(`evaluation.cadre[].sources`).",
    "evaluation_mi_parcours.questions[].analyse": "L'analyse du pilote "
    "(`evaluation.cadre[].analyse`, texte libre), sinon le texte de `a_completer`.",
    "evaluation_mi_parcours.sources": "Les sources de l'évaluation (`evaluation.sources`).",
    "evaluation_mi_parcours.suivis": "Les années de suivi lues (« 2024, 2025, 2026 »), sinon "
    "« aucun ».",
    "evaluation_mi_parcours.engagements": "L'état des objectifs des fiches d'engagement au "
    "dernier suivi annuel qui le renseigne.",
    "evaluation_mi_parcours.engagements.annee": "L'année de ce suivi, vide si aucun suivi ne "
    "renseigne les engagements.",
    "evaluation_mi_parcours.engagements.lignes": "Un objectif par ligne.",
    "evaluation_mi_parcours.engagements.lignes[]": "Un objectif d'une fiche d'engagement.",
    "evaluation_mi_parcours.engagements.lignes[].signataire": "Le signataire (« L'État »).",
    "evaluation_mi_parcours.engagements.lignes[].objectif": "Le libellé de l'objectif.",
    "evaluation_mi_parcours.engagements.lignes[].statut": "Son état : « réalisé », « en "
    "cours », « reporté » ou « abandonné ».",
    "evaluation_mi_parcours.engagements.lignes[].commentaire": "Le commentaire du suivi (ou ce "
    "qui a été réalisé).",
    "evaluation_mi_parcours.engagements.realises": "Le nombre d'objectifs réalisés.",
    "evaluation_mi_parcours.engagements.total": "Le nombre d'objectifs suivis.",
    "evaluation_mi_parcours.engagements.resume": "« 3 réalisé, 2 en cours » : le compte par état.",
    "evaluation_mi_parcours.financements": "Les montants programmés (registre des opérations, "
    "prêts exclus) et versés, année par année depuis 2024.",
    "evaluation_mi_parcours.financements.lignes": "Une année par ligne, de 2024 à l'année "
    "précédant l'évaluation.",
    "evaluation_mi_parcours.financements.lignes[]": "Une année.",
    "evaluation_mi_parcours.financements.lignes[].annee": "L'année (« 2024 »).",
    "evaluation_mi_parcours.financements.lignes[].prevu": "Le montant programmé (« 1 000 € »).",
    "evaluation_mi_parcours.financements.lignes[].verse": "Le montant versé, opération par "
    "opération comme dans la revue annuelle, sinon « non renseigné ».",
    "evaluation_mi_parcours.financements.lignes[].taux": "Le versé rapporté au programmé "
    "(« 90 % »), sinon « — ».",
    "evaluation_mi_parcours.financements.lignes[].source": "D'où vient le versé : « suivi "
    "2024 », « registre des opérations », les deux, ou « non renseigné ».",
    "evaluation_mi_parcours.financements.lignes[].valeurs": "Les mêmes montants en nombres, "
    "pour un filtre : `{{ r.valeurs.prevu|montant }}`.",
    "evaluation_mi_parcours.financements.lignes[].valeurs.prevu": "Le montant programmé.",
    "evaluation_mi_parcours.financements.lignes[].valeurs.verse": "Le montant versé (vide "
    "quand il n'est pas renseigné).",
    "evaluation_mi_parcours.financements.prevu": "Le total programmé sur la période.",
    "evaluation_mi_parcours.financements.verse": "Le total versé connu sur la période.",
    "evaluation_mi_parcours.financements.taux": "Le total versé rapporté au total programmé, "
    "sinon « — ».",
    "evaluation_mi_parcours.financements.complet": "Oui quand le versé de chaque année est "
    "renseigné.",
    "evaluation_mi_parcours.financements.periode": "« 2024-2026 » : les années comptées.",
    "evaluation_mi_parcours.a_completer": "« [À compléter par le pilote] » : ce qu'affiche une "
    "analyse que le pilote n'a pas encore écrite.",
    "evaluation_mi_parcours.suivis_en_erreur": "Les années de suivi dont le fichier a des "
    "erreurs (« 2025 ») : leurs chiffres sont repris tels quels (`cdv evaluation` le dit).",
}


def revoyure_contexts() -> dict[str, dict]:
    """The context of each kind of revoyure document (`pour_chaque` of the manifest)."""
    return {kind: context_for(kind) for kind in ("avenant", "evaluation")}


def own_variables(context: dict) -> list[str]:
    """The top-level variables of a revoyure context that the contract's context has not."""
    contract = sample_context()
    return [name for name in context if name not in contract]


def undescribed(contexts: dict[str, dict] | None = None) -> list[str]:
    """The variables and fields of the revoyure contexts that have no French description."""
    missing = []
    for context in (contexts or revoyure_contexts()).values():
        for name in own_variables(context):
            if name not in TOP:
                missing.append(name)
                continue
            for entry in entries({name: context[name]}):
                text = path_text(entry.path)
                if len(entry.path) > 1 and text not in FIELDS and text not in missing:
                    missing.append(text)
    return missing


def _example(values: list) -> str:
    known = [v for v in values if v is not None]
    if not known or not isinstance(known[0], str | int) or isinstance(known[0], bool):
        return ""
    text = str(known[0]).replace("|", "\\|")
    return f"`{text}`" if text else ""


def revoyure_markdown() -> list[str]:
    """The lines of the section of docs/variables.md on the revoyure documents."""
    contexts = revoyure_contexts()
    lines = [
        "",
        "## Variables des documents de la revoyure (avenant, évaluation)",
        "",
        "Les modèles de `documents_revoyure` (manifeste) ne sont pas produits par `cdv produire` mais",
        "par leur propre commande. Ils voient toutes les variables du contrat (section",
        "« Variables » ci-dessus, sauf `convention`) et, en plus, la variable de leur document,",
        "calculée par `generator/amendment/` :",
        "",
        "| Document | Modèle | Produit par | Variable en plus |",
        "| --- | --- | --- | --- |",
    ]
    for title, template, command, kind in DOCUMENTS:
        own = ", ".join(f"[`{n}`](#{n})" for n in own_variables(contexts[kind]))
        lines.append(f"| {title} | `{template}` | {command} | {own} |")
    lines += [
        "",
        "L'avenant TFPB a les mêmes variables que l'avenant au contrat ; seuls certains champs",
        "de `avenant` changent (« avenant TFPB : » dans les descriptions). Il n'a pas",
        "`convention` : la convention se retrouve dans `tfpb` par son bailleur.",
        "",
        "Variables du contrat que ces trois modèles voient aussi : "
        + ", ".join(
            f"`{name}`"
            for name in contexts["avenant"]
            if name not in own_variables(contexts["avenant"])
        )
        + ".",
        "",
        "| Variable | Documents | Type | Description |",
        "| --- | --- | --- | --- |",
    ]
    owners: dict[str, list[str]] = {}
    for title, _, _, kind in DOCUMENTS:
        for name in own_variables(contexts[kind]):
            owners.setdefault(name, []).append(title)
    for name, titles in owners.items():
        context = next(c for c in contexts.values() if name in c)
        kind = _type_of([context[name]])
        lines.append(f"| `{name}` | {', '.join(titles)} | {kind} | {TOP.get(name, '')} |")
    for name in owners:
        context = next(c for c in contexts.values() if name in c)
        lines += ["", f"### {name}", "", "| Variable | Type | Description | Exemple |"]
        lines.append("| --- | --- | --- | --- |")
        for entry in entries({name: context[name]}):
            if len(entry.path) == 1:
                continue
            text = path_text(entry.path)
            description = FIELDS.get(text, "").replace("|", "\\|")
            lines.append(
                f"| `{text}` | {_type_of(entry.values)} | {description} | "
                f"{_example(entry.values)} |"
            )
    return lines
