"""What each context path holds, in French: the values the toolkit computes, keys that recur,
and the type, description and example of a path for the reference."""

from __future__ import annotations

from decimal import Decimal

from generator.maintenance.variables_paths import ITEM, CtxPath, is_map, path_text

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
    "doc.brouillon": (
        "oui si le document est produit malgré des erreurs (cdv produire --brouillon)",
        "",
    ),
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
    "glossaire": (
        "Le glossaire (annexe 7) : les sigles de glossaire.yaml du jeu de modèles que le texte "
        "des modèles ou la description emploient, par ordre alphabétique",
        "",
    ),
    "glossaire[].sigle": ("Le sigle", "CAF"),
    "glossaire[].signification": ("Sa signification", "Caisse d'allocations familiales"),
    "cadre": (
        "Le cadre juridique qui suit les QPV du territoire : métropole (décret n° 2023-1314, "
        "contrat 2024-2030) ou outre-mer (décret n° 2024-1212, contrat 2025-2030)",
        "",
    ),
    "cadre.outre_mer": ("Vrai si les QPV du contrat sont en outre-mer (codes QN97…)", ""),
    "cadre.mayotte": ("Vrai si les QPV du contrat sont à Mayotte (codes QN976…)", ""),
    "cadre.decret": (
        "Le décret qui fixe la liste des QPV",
        "décret n° 2023‑1314 du 28 décembre 2023",
    ),
    "cadre.decret_objet": (
        "Ce que fixe ce décret",
        "qui fixe la liste des quartiers prioritaires de la politique de la ville en métropole",
    ),
    "cadre.debut_liste": ("Date d'entrée en vigueur de la liste des QPV", "1er janvier 2024"),
    "cadre.periode": ("Période du contrat", "2024-2030"),
    "cadre.annee_debut": ("Première année du contrat", "2024"),
    "cadre.annee_fin": ("Dernière année du contrat", "2030"),
    "cadre.debut": ("Premier jour du contrat", "1er janvier 2024"),
    "cadre.fin": ("Dernier jour du contrat", "31 décembre 2030"),
    "signent": ("Les collectivités qui signent le contrat (département, région)", ""),
    "signent.departement": ("Vrai si un département signe le contrat", ""),
    "signent.region": ("Vrai si une région signe le contrat", ""),
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
    "tfpb[].numero": (
        "Numéro d'annexe de la convention : 2 s'il n'y en a qu'une, 2.1, 2.2… sinon (celui de "
        "l'index du dossier de signature)",
        "2.1",
    ),
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
    return _type_of(values), "Valeur calculée par l'outil (voir generator/documents/context.py)", ""
