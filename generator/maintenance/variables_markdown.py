"""The reference of variables and filters written as Markdown (`docs/variables.md`, written by
`cdv modeles variables`)."""

from __future__ import annotations

from generator.maintenance.variables_dependencies import dependencies
from generator.maintenance.variables_descriptions import CALCULES, describe
from generator.maintenance.variables_entries import entries
from generator.maintenance.variables_filters import (
    FILTRES_DOC,
    FORBIDDEN_FILTERS,
    JINJA_FILTRES_DOC,
    _jinja_filters,
)
from generator.maintenance.variables_paths import CtxPath, path_text
from generator.maintenance.variables_sample import sample_context
from generator.maintenance.variables_schema import schema_fields


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown() -> str:
    """The reference of variables and filters, as Markdown (docs/variables.md)."""
    from generator.documents.render import make_environment

    context = {k: v for k, v in sample_context().items() if k != "convention"}
    fields = {f.path: f for f in schema_fields()}
    copies: dict[CtxPath, CtxPath] = {}
    for source, targets in sorted(dependencies().copies.items()):
        for target in targets:
            copies.setdefault(target, source)
    lines = [
        "# Variables et filtres des modèles",
        "",
        "<!-- Fichier produit par « cdv modeles variables » à partir du schéma et de l'outil : ne pas",
        "     le modifier à la main. Un test vérifie qu'il est à jour. -->",
        "",
        "Ce que l'auteur d'un modèle Word peut écrire entre `{{ }}` et `{% %}`. Voir le guide",
        "[guide-modeles.md](guide-modeles.md) pour la façon d'écrire les balises dans Word.",
        "",
        "Comment lire les noms :",
        "",
        "- `territoire.epci.nom` s'écrit tel quel : `{{ territoire.epci.nom }}` ;",
        "- `[]` désigne chaque élément d'une liste : `territoire.qpv[].code` se lit dans une "
        "boucle,",
        "  `{%tr for q in territoire.qpv %}` … `{{ q.code }}` … `{%tr endfor %}` ;",
        "- `[code]` désigne une table par code QPV ou INSEE : `{{ i.qpv[q.code] }}` ;",
        "- un « texte libre » (plusieurs paragraphes, des puces) passe par le filtre `texte`, seul",
        "  dans son paragraphe : `{{ contrat.preambule|texte }}` ;",
        "- un champ que le pilote n'a pas rempli est vide : il n'affiche rien ; pour masquer un",
        "  paragraphe vide, l'entourer de `{%p if … %}` et `{%p endif %}` ;",
        "- « voir X » : la même chose que X, avec les mêmes champs (par exemple `s.engagement`",
        "  d'un signataire a les champs de `engagements[]`).",
        "",
        "`cdv modeles verifier` vérifie chaque balise des modèles contre cette liste.",
        "",
        "## Filtres",
        "",
        "S'écrivent après une barre verticale : `{{ finances.total|montant }}`. Un filtre ne",
        "reçoit jamais de valeur vide : il n'affiche rien.",
        "",
        "| Filtre | Effet | Exemple | Résultat |",
        "| --- | --- | --- | --- |",
    ]
    env = make_environment()
    builtin = set(_jinja_filters())
    for name in sorted(f for f in env.filters if f not in builtin):
        what, example, result = FILTRES_DOC.get(name, ("(à décrire)", "", ""))
        lines.append(
            f"| `{name}` | {_cell(what)} | `{_cell(example)}` | {_cell(result)} |"
            if example
            else f"| `{name}` | {_cell(what)} | | |"
        )
    lines += [
        "",
        "Filtres de Jinja utiles :",
        "",
        "| Filtre | Effet |",
        "| --- | --- |",
    ]
    for name, what in sorted(JINJA_FILTRES_DOC.items()):
        lines.append(f"| `{name}` | {_cell(what)} |")
    lines += [
        "",
        "Interdit : "
        + " ; ".join(f"`{name}` ({why})" for name, why in sorted(FORBIDDEN_FILTERS.items()))
        + ".",
        "",
        "Tests (`{% if x is … %}`) : `none`, `defined`, `number`, `string`, `even`, `odd`,",
        '`divisibleby(3)` ; `in` : `{% if s.type in ["commune", "epci"] %}`. Dans une boucle,',
        "`loop.index` (1, 2, 3…), `loop.first`, `loop.last`, `loop.length`.",
        "",
        "## Variables",
        "",
        "Les documents produits « pour chaque convention TFPB » (`pour_chaque: tfpb` dans le",
        "manifeste) ont en plus `convention` : la convention du document, avec les champs de",
        "`tfpb[]` (par exemple `{{ convention.bailleur_info.nom }}`).",
        "",
        "| Variable | Contenu |",
        "| --- | --- |",
    ]
    all_entries = entries(context)
    tops = [e for e in all_entries if len(e.path) == 1]
    for entry in tops:
        _, description, _ = describe(entry.path, entry.values, fields, copies)
        anchor = path_text(entry.path).replace("_", "-")
        lines.append(f"| [`{path_text(entry.path)}`](#{anchor}) | {_cell(description)} |")
    for top in tops:
        name = path_text(top.path)
        lines += ["", f"### {name}", "", "| Variable | Type | Description | Exemple |"]
        lines.append("| --- | --- | --- | --- |")
        for entry in all_entries:
            if entry.path[:1] != top.path:
                continue
            kind, description, example = describe(entry.path, entry.values, fields, copies)
            if entry.alias_of is not None:
                description = f"voir `{path_text(entry.alias_of)}`"
                if path_text(entry.path) in CALCULES:
                    description = (
                        CALCULES[path_text(entry.path)][0]
                        + f" ; voir `{path_text(entry.alias_of)}`"
                    )
            example = f"`{_cell(example)}`" if example else ""
            lines.append(
                f"| `{path_text(entry.path)}` | {kind} | {_cell(description)} | {example} |"
            )
    from generator.maintenance.variables_followup import followup_markdown
    from generator.maintenance.variables_revoyure import revoyure_markdown

    lines += followup_markdown()
    lines += revoyure_markdown()
    return "\n".join(lines) + "\n"
