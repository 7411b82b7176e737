"""The tables of the follow-up, one list of rows each: the workbook has one sheet per table and
the documents show the same figures (both read them from the context)."""

from __future__ import annotations

from dataclasses import dataclass

EUROS, NUMBER, PERCENT, TEXT, DATE = "euros", "nombre", "pourcentage", "texte", "date"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    sheet: str  # sheet name (at most 31 characters, Excel's limit)
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]


def tables(context: dict) -> list[Table]:
    """Every table of the year's follow-up, in the order of the documents."""
    year = context["annee"]
    out = [
        Table(
            "Indicateurs",
            f"Indicateurs : trajectoire {year}",
            (
                Column("Indicateur"),
                Column("Unité"),
                Column("Référence", NUMBER),
                Column("Année de référence", NUMBER),
                Column(f"Valeur {year}", NUMBER),
                Column("Attendu sur la trajectoire", NUMBER),
                Column("Cible 2027", NUMBER),
                Column("Cible 2030", NUMBER),
                Column("Tendance"),
                Column("Source"),
            ),
            tuple(
                (
                    i["libelle"],
                    i["unite"],
                    i["reference"],
                    i["annee_reference"],
                    i["valeur"],
                    None if i["attendu"] is None else round(i["attendu"], 1),
                    i["cible_2027"],
                    i["cible_2030"],
                    i["tendance"],
                    i["source"],
                )
                for i in context["indicateurs"]
            ),
        ),
        Table(
            "Indicateurs par QPV",
            f"Indicateurs par quartier, {year}",
            (
                Column("Indicateur"),
                Column("Code QPV"),
                Column("Quartier"),
                Column("Valeur", NUMBER),
            ),
            tuple(
                (i["libelle"], q["code"], q["nom"], q["valeur"])
                for i in context["indicateurs"]
                for q in i["qpv"]
            ),
        ),
        Table(
            "Crédits par orientation",
            f"Crédits prévus et versés par orientation, {year}",
            (
                Column("Orientation"),
                Column("Prévu", EUROS),
                Column("Versé", EUROS),
                Column("Écart", EUROS),
                Column("Taux de versement", PERCENT),
            ),
            tuple(
                (r["titre"], r["prevu"], r["verse"], r["ecart"], _share(r["taux"]))
                for r in context["financement_orientations"]
            ),
        ),
        Table(
            "Opérations",
            f"Opérations : prévu, notifié, versé en {year}",
            (
                Column("Identifiant"),
                Column("Opération"),
                Column("Financeur"),
                Column("Prévu", EUROS),
                Column("Notifié", EUROS),
                Column("Versé", EUROS),
                Column("Écart", EUROS),
                Column("Statut"),
                Column("Avancement"),
            ),
            tuple(
                (
                    o["id"],
                    o["libelle"],
                    ", ".join(o["financeurs"]),
                    o["prevu"],
                    o["notifie"],
                    o["verse"],
                    o["ecart"],
                    o["statut"],
                    o["realisation"],
                )
                for o in context["operations"]
            ),
        ),
        Table(
            "Signataires",
            f"Crédits et engagements par signataire, {year}",
            (
                Column("Signataire"),
                Column("Prévu", EUROS),
                Column("Versé", EUROS),
                Column("Engagements", NUMBER),
                Column("Non renseignés", NUMBER),
            ),
            tuple(
                (s["nom"], s["prevu"], s["verse"], len(s["engagements"]), s["non_renseignes"])
                for s in context["signataires"]
            ),
        ),
        Table(
            "Engagements",
            f"État des engagements des signataires, {year}",
            (
                Column("Signataire"),
                Column("N°", NUMBER),
                Column("Engagement"),
                Column("État"),
                Column("Commentaire"),
            ),
            tuple(
                (s["nom"], c["numero"], c["libelle"], c["statut"], c["commentaire"] or c["realise"])
                for s in context["signataires"]
                for c in s["engagements"]
            ),
        ),
        Table(
            "Quartiers",
            f"Crédits par quartier, {year}",
            (
                Column("Code QPV"),
                Column("Quartier"),
                Column("Prévu", EUROS),
                Column("Versé", EUROS),
            ),
            tuple((q["code"], q["nom"], q["prevu"], q["verse"]) for q in context["quartiers"])
            + (
                (
                    "",
                    "Intercommunal",
                    context["intercommunal"]["prevu"],
                    context["intercommunal"]["verse"],
                ),
            ),
        ),
        Table(
            "TFPB",
            f"Abattement de TFPB et actions valorisées par bailleur, {year}",
            (
                Column("Bailleur"),
                Column("Logements", NUMBER),
                Column("Abattement estimé", EUROS),
                Column("Abattement obtenu", EUROS),
                Column("Actions prévues", EUROS),
                Column("Actions réalisées", EUROS),
                Column("Solde", EUROS),
                Column("Coût par logement", EUROS),
                Column("Couverture par l'abattement", PERCENT),
            ),
            tuple(
                (
                    r["nom"],
                    r["logements"],
                    r["abattement_estime"],
                    r["abattement_obtenu"],
                    r["prevu"],
                    r["realise"],
                    r["solde"],
                    r["cout_par_logement"],
                    _share(r["couverture"]),
                )
                for r in context["tfpb"] + [dict(context["tfpb_total"], nom="Total")]
            ),
        ),
        Table(
            "TFPB par axe",
            f"Actions TFPB par axe du cadre national, {year}",
            (
                Column("Bailleur"),
                Column("Axe"),
                Column("Prévu", EUROS),
                Column("Réalisé", EUROS),
                Column("Écart", EUROS),
            ),
            tuple(
                (r["nom"], a["axe"], a["prevu"], a["realise"], a["ecart"])
                for r in context["tfpb"] + [dict(context["tfpb_total"], nom="Total")]
                for a in r["axes"]
            ),
        ),
        Table(
            "Participation",
            f"Participation des habitants, {year}",
            (
                Column("Date", DATE),
                Column("Type"),
                Column("Intitulé"),
                Column("Quartier"),
                Column("Participants", NUMBER),
            ),
            tuple(
                (p["date"], p["type"], p["intitule"], p["quartier"], p["participants"])
                for p in context["participation"]
            ),
        ),
    ]
    return out


def _share(percent):
    """A percentage as Excel stores it (0.665 for 66,5 %)."""
    return None if percent is None else round(percent / 100, 4)
