"""The filters a template can use: the toolkit's own, the useful ones of Jinja, the forbidden
ones, each described in French."""

from __future__ import annotations

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
    "compte": (
        "Nombre de choses dans une phrase : en lettres de un à dix, « aucun » pour zéro, en "
        'chiffres au-delà ; compte("orientation", "orientations", "f") au féminin ; pas pour '
        "un montant ni une cellule de tableau (pluriel)",
        '{{ territoire.qpv|length|compte("quartier prioritaire", "quartiers prioritaires") }}',
        "trois quartiers prioritaires",
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
        "Valeur avec son unité : %, € ou une unité libre ; une donnée manquante donne son "
        "libellé (« n.d. », « secret statistique », « s.o. »)",
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


def _jinja_filters() -> list[str]:
    from jinja2.filters import FILTERS

    return list(FILTERS)
