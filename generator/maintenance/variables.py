"""What a template author can write: the variables the templates really get, and the filters.

The reference is not written by hand: a synthetic *complete* description is generated from the
schema (every field present, every list with at least one element, one element per value of
an enumeration where a list item has one, references that point to existing items, a real QPV
and its commune), and `generator.documents.context.build_context` runs on it. The resulting context is
the « shape » of what the templates see: `generator.maintenance.check` checks the templates
against it, and `cdv templates vars` writes it as Markdown (`docs/variables.md`).

Which description fields feed which context values is found by perturbation: each field of
the synthetic description is changed in turn, the context is rebuilt, and the context paths
whose values change depend on that field. A context value that changes into exactly the new
value of the field is a copy of it and takes its French title from the schema.

Paths are tuples of keys; `[]` stands for « every element of a list », `*` for « every key of
a table keyed by codes » (values per QPV, communes per INSEE code).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.maintenance.variables_dependencies import Dependencies, dependencies, diff_paths
from generator.maintenance.variables_paths import (
    ANY_KEY,
    ITEM,
    CtxPath,
    is_map,
    norm_key,
    path_text,
)
from generator.maintenance.variables_sample import (
    CONVENTION_ONLY,
    SAMPLE_COMMUNE,
    SAMPLE_INSEE,
    SAMPLE_QPV,
    context_for,
    sample_context,
    synthetic_description,
)
from generator.maintenance.variables_schema import SchemaField, schema_fields

__all__ = [
    "ALIASES",
    "ANY_KEY",
    "CALCULES",
    "CONVENTION_ONLY",
    "FILTRES_DOC",
    "FORBIDDEN_FILTERS",
    "ITEM",
    "JINJA_FILTRES_DOC",
    "LAST_KEYS",
    "NAMED_KEYS",
    "SAMPLE_COMMUNE",
    "SAMPLE_INSEE",
    "SAMPLE_QPV",
    "CtxPath",
    "Dependencies",
    "Entry",
    "SchemaField",
    "canonical_paths",
    "context_for",
    "dependencies",
    "describe",
    "diff_paths",
    "entries",
    "is_map",
    "norm_key",
    "path_text",
    "render_markdown",
    "sample_context",
    "schema_fields",
    "synthetic_description",
]


# --------------------------------------------------------------------------- the reference


def canonical_paths(context: dict) -> dict[int, CtxPath]:
    """id of each dict or list of the context -> the shortest path that reaches it."""
    seen: dict[int, CtxPath] = {}
    queue: list[tuple[object, CtxPath]] = [(context, ())]
    while queue:
        following = []
        for value, path in queue:
            if isinstance(value, dict | list):
                if id(value) in seen:
                    continue
                seen[id(value)] = path
            if isinstance(value, dict):
                following.extend((v, path + (norm_key(k),)) for k, v in value.items())
            elif isinstance(value, list):
                following.extend((v, path + (ITEM,)) for v in value)
        queue = following
    return seen


@dataclass
class Entry:
    """One line of the reference: a context path and what it holds."""

    path: CtxPath
    values: list
    alias_of: CtxPath | None = None


# Objects the reference shows as « voir … » rather than field by field.
ALIASES: dict[CtxPath, CtxPath] = {("territoire", "qpv", ITEM, "projet"): ("quartiers", ITEM)}


def entries(context: dict) -> list[Entry]:
    """Every path of the context, depth first; an object met again is a pointer to the first."""
    canon = canonical_paths(context)
    out: list[Entry] = []

    def visit(values: list, path: CtxPath) -> None:
        known = [v for v in values if v is not None]
        if path in ALIASES:
            out.append(Entry(path, known, alias_of=ALIASES[path]))
            return
        containers = [v for v in known if isinstance(v, dict | list)]
        if containers and path:
            first = canon.get(id(containers[0]))
            if first is not None and first != path:
                out.append(Entry(path, known, alias_of=first))
                return
        if path:
            out.append(Entry(path, known))
        dicts = [v for v in known if isinstance(v, dict)]
        lists = [v for v in known if isinstance(v, list)]
        if dicts and any(is_map(d) for d in dicts):
            visit([x for d in dicts for x in d.values()], path + (ANY_KEY,))
        elif dicts:
            keys = list(dict.fromkeys(k for d in dicts for k in d if not str(k).startswith("_")))
            for key in keys:
                visit([d[key] for d in dicts if key in d], path + (key,))
        elif lists:
            items = [x for v in lists for x in v]
            if any(isinstance(x, dict | list) for x in items):
                visit(items, path + (ITEM,))

    visit([context], ())
    return out


# What the toolkit computes (not in the schema), for the reference. Keys are `path_text`s;
# `LAST_KEYS` describes keys that recur in many places by their last name.
CALCULES: dict[str, tuple[str, str]] = {
    "doc": ("Le document : titre, version, statut et date, avec leurs valeurs par défaut", ""),
    "doc.titre": (
        "Titre du contrat ; « Contrat de ville Engagements Quartiers 2030 » par défaut",
        "",
    ),
    "doc.sous_titre": ("Sous-titre du contrat (contrat.sous_titre)", "Cœur de Quartier"),
    "doc.version": ("Version du document (contrat.version)", "0.3"),
    "doc.statut": ("Statut : projet ou final", "projet"),
    "doc.statut_libelle": ("Statut en toutes lettres", "Projet"),
    "doc.projet": ("oui tant que le contrat n'est pas dans sa version finale", ""),
    "doc.date": ("Date de la version, à écrire avec le filtre date_fr", "2024-03-15"),
    "doc.mention": (
        "Mention de version pour la page de garde et les pieds de page",
        "PROJET — version 0.3 du 15 mars 2024",
    ),
    "doc.periode": ("Période du contrat", "2024-2030"),
    "doc.epci": ("Nom de l'EPCI", "Communauté d'agglomération Creil Sud Oise"),
    "doc.brouillon": ("oui si le document est produit malgré des erreurs (cdv build --draft)", ""),
    "territoire.qpv[].nom_officiel": ("Nom du QPV dans la liste officielle de 2024", ""),
    "territoire.qpv[].libelle": (
        "Nom à afficher : le nom d'usage s'il est donné, sinon le nom officiel",
        "Les Hauts de Creil",
    ),
    "territoire.qpv[].insee": ("Codes INSEE des communes du QPV (liste officielle)", ""),
    "territoire.qpv[].communes_noms": ("Communes du QPV, séparées par des virgules", "Creil"),
    "territoire.qpv[].departement": ("Département du QPV (liste officielle)", "60"),
    "territoire.qpv[].projet": (
        "Le projet de quartier de ce QPV (mêmes champs que quartiers[]), ou rien s'il manque",
        "",
    ),
    "territoire.communes[].quartiers": ("QPV de la commune, séparés par des virgules", ""),
    "territoire.communes_par_insee": (
        'Les communes par code INSEE : territoire.communes_par_insee["60175"].nom',
        "",
    ),
    "territoire.territoires_vigilance[].communes_noms": (
        "Noms des communes, séparés par des virgules",
        "",
    ),
    "diagnostic.indicateurs[].qpv[code]": ("Valeur d'un QPV, par son code : i.qpv[q.code]", ""),
    "orientations[].numero": ("Numéro de l'orientation : 1, 2, 3…", "1"),
    "orientations[].priorites_libelles": (
        "Intitulés des priorités transversales de l'orientation",
        "",
    ),
    "quartiers": ("Les projets de quartier, dans l'ordre des QPV du territoire", ""),
    "quartiers[].qpv_info": ("Le QPV du projet (mêmes champs que territoire.qpv[])", ""),
    "signataires": (
        "Signataires et partenaires associés, dans l'ordre protocolaire (État, Région, "
        "Département, EPCI, communes…)",
        "",
    ),
    "signataires[].engagement": (
        "La fiche d'engagements du signataire (mêmes champs que engagements[]), ou rien",
        "",
    ),
    "signataires_signant": ("Les signataires qui signent (rôle signataire), dans l'ordre", ""),
    "partenaires_associes": ("Les partenaires associés, qui ne signent pas", ""),
    "engagements": ("Les fiches d'engagements, dans l'ordre des signataires", ""),
    "engagements[].signataire_info": ("Le signataire de la fiche (voir signataires[])", ""),
    "engagements[].nombre_objectifs": ("Nombre d'engagements de la fiche", ""),
    "engagements[].montant_annuel_total": ("Total des montants annuels de la fiche", ""),
    "engagements[].etp_total": ("Total des équivalents temps plein de la fiche", ""),
    "engagements[].places_total": ("Total des places de la fiche", ""),
    "population_qpv": ("Population totale des QPV du contrat", ""),
    "investissements_total": ("Coût total des projets d'investissement", ""),
    "investissements_par_financeur": (
        "Total des plans de financement de l'investissement, par financeur",
        "",
    ),
    "investissements_par_financeur[].libelle": ("Nom du financeur", ""),
    "investissements_par_financeur[].montant": ("Total apporté par ce financeur", ""),
    "engagements_totaux": ("Totaux de toutes les fiches d'engagements", ""),
    "engagements_totaux.nombre_objectifs": ("Nombre total d'engagements", ""),
    "engagements_totaux.montant_annuel_total": ("Total des montants annuels", ""),
    "engagements_totaux.etp_total": ("Total des équivalents temps plein", ""),
    "engagements_totaux.places_total": ("Total des places", ""),
    "equipe_projet_etp": ("Total des ETP de l'équipe projet", ""),
    "annees": ("Les années du contrat, 2024 à 2030", ""),
    "sommaire": (
        "Le sommaire : écrire {{ sommaire }} seul dans son paragraphe, là où il doit figurer",
        "",
    ),
    "outil": ("L'outil et le modèle qui ont produit le document", ""),
    "outil.version": ("Version de l'outil cdv", "0.1.0"),
    "outil.modele": ("Nom du jeu de modèles", "engagements-quartiers-2030"),
    "outil.modele_version": ("Version du jeu de modèles (manifest.yaml)", "1.0.0"),
    "finances": ("Les tableaux de l'annexe financière, montants par année (2024-2030)", ""),
    "finances.annees": ("Les années des tableaux, 2024 à 2030", ""),
    "finances.lignes": (
        "Les lignes de financement des années 2024 à 2030, triées par année, financeur et nature",
        "",
    ),
    "finances.lignes[].montant_dec": ("Montant exact (pour les calculs)", ""),
    "finances.lignes[].orientation_titre": ("Intitulé de l'orientation financée, ou rien", ""),
    "finances.lignes[].qpv_libelle": ("Nom du QPV financé, ou rien", ""),
    "finances.lignes_par_annee": ("Les lignes regroupées par année (années sans ligne omises)", ""),
    "finances.lignes_par_annee[].annee": ("Année", "2024"),
    "finances.lignes_par_annee[].lignes": ("Les lignes de l'année (voir finances.lignes[])", ""),
    "finances.lignes_par_annee[].total": ("Total de l'année", ""),
    "finances.par_annee": ("Une ligne par année : total par nature de crédit", ""),
    "finances.par_financeur_synthese": ("Une ligne par financeur : total par nature de crédit", ""),
    "finances.totaux_par_type": ("Totaux de toutes les lignes par nature de crédit", ""),
    "finances.par_type": ("Tableau par nature de crédit et par année", ""),
    "finances.par_financeur": ("Tableau par financeur et par année", ""),
    "finances.par_financeur_et_type": ("Lignes par financeur et nature de crédit, par année", ""),
    "finances.par_orientation": ("Tableau par orientation et par année", ""),
    "finances.par_qpv": ("Tableau par QPV (et intercommunal) et par année", ""),
    "finances.total": ("Total de toutes les lignes", ""),
    "finances.nombre_lignes": ("Nombre de lignes de financement", ""),
    "tfpb": ("Les conventions TFPB, une par bailleur, avec leurs tableaux", ""),
    "tfpb[].bailleur_info": ("Le bailleur (voir signataires[])", ""),
    "tfpb[].etat": ("L'État signataire, ou rien", ""),
    "tfpb[].epci_signataire": ("L'EPCI signataire, ou rien", ""),
    "tfpb[].parties": ("Les parties de la convention : bailleur, État, communes, EPCI", ""),
    "tfpb[].communes_signataires": ("Les communes signataires où le bailleur a des logements", ""),
    "tfpb[].logements": ("Le patrimoine par QPV, avec le nom et les communes du QPV", ""),
    "tfpb[].logements[].nom": ("Nom du QPV", ""),
    "tfpb[].logements[].communes": ("Communes du QPV", ""),
    "tfpb[].total_logements": ("Nombre total de logements en QPV", ""),
    "tfpb[].annees": ("Les années de l'abattement, 2025 à 2030", ""),
    "tfpb[].axes": ("Les 8 axes du cadre national, chacun avec ses actions", ""),
    "tfpb[].axes[].numero": ("Numéro de l'axe, 1 à 8", "3"),
    "tfpb[].axes[].cle": ("Clé de l'axe", "sur_entretien"),
    "tfpb[].axes[].libelle": ("Intitulé de l'axe", "Sur-entretien"),
    "tfpb[].axes[].actions": ("Les actions de l'axe, avec leurs montants par année", ""),
    "tfpb[].axes[].actions[].action": ("L'action telle que décrite (voir tfpb[].actions[])", ""),
    "tfpb[].axes_avec_actions": ("Les axes qui ont au moins une action", ""),
    "tfpb[].bilan": ("Par année : abattement estimé, actions valorisées, écart", ""),
    "tfpb[].bilan[].abattement": ("Abattement estimé de l'année", ""),
    "tfpb[].bilan[].actions": ("Actions valorisées de l'année", ""),
    "tfpb[].bilan[].ecart": ("Écart : actions moins abattement (négatif : déficit)", ""),
    "tfpb[].total_abattement": ("Total de l'abattement estimé", ""),
    "tfpb[].total_actions": ("Total des actions valorisées", ""),
    "tfpb[].total_ecart": ("Écart total", ""),
    "tfpb[].annees_en_deficit": ("Les années où les actions n'atteignent pas l'abattement", ""),
}
NAMED_KEYS: dict[str, str] = {
    "qpv_noms": "Noms des QPV de la liste qpv, séparés par des virgules",
    "type_libelle": "Catégorie en toutes lettres",
    "statut_libelle": "Statut en toutes lettres",
    "orientation_info": "L'orientation servie (voir orientations[]), ou rien",
    "financeur_nom": "Nom du financeur (le nom du signataire quand c'est son identifiant)",
}
for _table, _rows in (
    ("par_type", "nature de crédit"),
    ("par_financeur", "financeur"),
    ("par_orientation", "orientation (et « Transversal »)"),
    ("par_qpv", "QPV (et « Intercommunal »)"),
):
    CALCULES[f"finances.{_table}.lignes"] = (f"Les lignes du tableau, une par {_rows}", "")
    CALCULES[f"finances.{_table}.lignes[].libelle"] = (f"Libellé de la ligne : {_rows}", "")
    CALCULES[f"finances.{_table}.lignes[].cle"] = ("Clé de la ligne (identifiant ou code)", "")
    CALCULES[f"finances.{_table}.totaux"] = ("Totaux par année (colonnes du tableau)", "")
    CALCULES[f"finances.{_table}.total"] = ("Total général du tableau", "")
CALCULES["finances.par_financeur_et_type[].libelle"] = ("Nom du financeur", "")
CALCULES["finances.par_financeur_synthese[].libelle"] = ("Nom du financeur", "")
LAST_KEYS: dict[str, str] = {
    "montants": "Montants par année, dans l'ordre des années du tableau",
    "totaux": "Totaux par année",
    "total": "Total",
    "libelle": "Libellé de la ligne",
    "cle": "Clé de la ligne (identifiant, code ou nature de crédit)",
    "annee": "Année",
    "specifique": "Crédits spécifiques",
    "droit_commun": "Droit commun",
    "investissement": "Investissement",
}
FILTRES_DOC: dict[str, tuple[str, str, str]] = {
    # name: (what it does, example of use, result)
    "montant": (
        "Montant en euros, espaces insécables, centimes seulement s'il y en a ; "
        "montant(True) les montre toujours, montant(False) arrondit à l'euro",
        "{{ finances.total|montant }}",
        "1 234 567 €",
    ),
    "montant_lettres": (
        "Montant en toutes lettres",
        "{{ i.cout_total|montant_lettres }}",
        "deux millions d'euros",
    ),
    "date_fr": ("Date en français", "{{ doc.date|date_fr }}", "1er mai 2024"),
    "mois_annee": ("Mois et année", "{{ doc.date|mois_annee }}", "mai 2024"),
    "pourcentage": (
        "Pourcentage (la valeur est déjà en pour cent) ; pourcentage(1) : une décimale",
        "{{ 12.5|pourcentage }}",
        "12,5 %",
    ),
    "nombre": (
        "Nombre à la française ; nombre(2) : deux décimales",
        "{{ territoire.epci.population|nombre }}",
        "84 523",
    ),
    "pluriel": (
        'Nombre suivi du mot, au pluriel à partir de 2 ; pluriel("cheval", "chevaux")',
        '{{ convention.total_logements|pluriel("logement") }}',
        "1 200 logements",
    ),
    "guillemets": (
        "Texte entre guillemets français",
        "{{ doc.sous_titre|guillemets }}",
        "« Cœur de Quartier »",
    ),
    "typographie": (
        "Espaces insécables avant ; : ! ? et dans les guillemets, points de suspension",
        "{{ o.titre|typographie }}",
        "",
    ),
    "majuscule": ("Première lettre en majuscule", "{{ s.nom|majuscule }}", "L'État"),
    "valeur": (
        "Valeur avec son unité : %, € ou une unité libre",
        "{{ i.cible_2030|valeur(i.unite) }}",
        "46,8 %",
    ),
    "texte": (
        "Texte libre en paragraphes : une ligne vide sépare deux paragraphes, une ligne qui "
        "commence par « - » devient une puce. À placer seul dans son paragraphe",
        "{{ contrat.preambule|texte }}",
        "",
    ),
    "puces": (
        "Liste de textes en liste à puces (un paragraphe par élément). À placer seul dans son "
        "paragraphe",
        "{{ q.priorites_habitants|puces }}",
        "",
    ),
}
JINJA_FILTRES_DOC: dict[str, str] = {
    "default": 'valeur de remplacement si la valeur est vide : {{ x|default("—", true) }}',
    "length": "nombre d'éléments d'une liste : {{ territoire.qpv|length }}",
    "join": 'éléments d\'une liste reliés : {{ o.priorites_libelles|join(", ") }}',
    "first": "premier élément d'une liste",
    "last": "dernier élément d'une liste",
    "sort": 'liste triée ; sort(attribute="nom") trie sur un champ',
    "selectattr": (
        'éléments dont un champ vérifie un test : selectattr("type", "equalto", "commune")'
    ),
    "rejectattr": "l'inverse de selectattr",
    "map": 'un champ de chaque élément : map(attribute="nom")|join(", ")',
    "sum": 'somme ; sum(attribute="montant") additionne un champ',
    "groupby": "regroupe une liste par la valeur d'un champ",
    "upper": "en majuscules",
    "lower": "en minuscules",
    "capitalize": "première lettre en majuscule, les autres en minuscules (préférer majuscule)",
    "replace": 'remplace un texte par un autre : replace("a", "b")',
    "truncate": "coupe un texte trop long : truncate(80)",
    "round": "arrondi : round(1)",
    "int": "nombre entier",
    "unique": "éléments sans doublons",
    "reverse": "liste à l'envers",
    "list": "convertit en liste",
    "min": "plus petit élément",
    "max": "plus grand élément",
    "trim": "enlève les espaces au début et à la fin",
}
FORBIDDEN_FILTERS = {
    "safe": "désactive l'échappement : un « & » ou un « < » dans la description casserait le "
    "document",
}


def _type_of(values: list) -> str:
    from markupsafe import Markup

    known = [v for v in values if v is not None]
    if not known:
        return "vide"
    sample = known[0]
    if isinstance(sample, Markup):
        return "réservé"
    if isinstance(sample, bool):
        return "oui/non"
    if isinstance(sample, str):
        return "texte"
    if isinstance(sample, int):
        return "nombre entier"
    if isinstance(sample, float | Decimal):
        return "nombre"
    if isinstance(sample, dict):
        return "table par code" if is_map(sample) else "objet"
    if isinstance(sample, list):
        inner = [x for v in known for x in v]
        return f"liste ({_type_of(inner)})" if inner and not isinstance(inner[0], dict) else "liste"
    return "valeur"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def describe(path: CtxPath, values: list, fields: dict, copies: dict) -> tuple[str, str, str]:
    """(type, description, example) of a context path, for the reference."""
    text = path_text(path)
    info = fields.get(path)
    last = str(path[-1]) if path else ""
    if text in CALCULES:
        description, example = CALCULES[text]
        if info is not None:
            return info.kind, description, example or ", ".join(info.examples)
        return _type_of(values), description, example
    if info is not None:
        description = info.title
        if info.description:
            description += " — " + info.description
        if info.labels:
            description += " Valeurs : " + ", ".join(f"{k} ({v})" for k, v in info.labels) + "."
        return info.kind, description, ", ".join(info.examples)
    if last in NAMED_KEYS:
        return _type_of(values), NAMED_KEYS[last], ""
    source = copies.get(path)
    origin = fields.get(source) if source else None
    if origin is not None and source[-1] == last:
        return origin.kind, f"{origin.title} (comme {path_text(source)})", ""
    if last in LAST_KEYS:
        return _type_of(values), LAST_KEYS[last], ""
    if origin is not None and all(isinstance(v, str) for v in values):
        return _type_of(values), f"{origin.title} (comme {path_text(source)})", ""
    if last == ITEM:
        return _type_of(values), "Chaque élément de la liste", ""
    return _type_of(values), "Valeur calculée par l'outil (voir generator/context.py)", ""


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
        "<!-- Fichier produit par « cdv templates vars » à partir du schéma et de l'outil : ne pas",
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
        "`cdv templates check` vérifie chaque balise des modèles contre cette liste.",
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
    return "\n".join(lines) + "\n"


def _jinja_filters() -> list[str]:
    from jinja2.filters import FILTERS

    return list(FILTERS)
