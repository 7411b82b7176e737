"""The tables of the synthesis as plain data, shared by the Word synthesis and the workbook
(so that both show the same figures): cells are text, integers or Decimal euros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from generator.region.checks import CrossCheck
from generator.region.figures import Region, TerritoryFigures, labels
from generator.region.money import FORM_LABELS, NATURE_LABELS, STATUS_LABELS, Totals

TFPB_YEARS = range(2025, 2031)
# the document properties of the synthesis's .docx and .xlsx
PROPERTIES = {
    "core": {
        "title": "Synthèse régionale des contrats de ville",
        "author": "cdv",
        "language": "fr-FR",
    },
    "custom": {"outil": "cdv synthese"},
}


@dataclass(frozen=True)
class Euros:
    """A money cell (formatted in Word, a number in the workbook)."""

    value: Decimal


class Year(int):
    """A year cell: a number in the workbook, written « 2024 » (never « 2 024 ») in Word."""


@dataclass
class Table:
    title: str
    sheet: str  # workbook sheet name (31 characters at most)
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def _money_table(title: str, sheet: str, head: str, values: dict, names=None) -> Table:
    table = Table(title, sheet, [head, "Montant (€)"])
    for key in sorted(values, key=lambda k: (-values[k], str(k))):
        label = names.get(key, key) if names else key
        table.rows.append([label or "non renseigné", Euros(values[key])])
    table.rows.append(["Total", Euros(sum(values.values(), Decimal(0)))])
    return table


def _year_table(title: str, sheet: str, values: dict) -> Table:
    table = Table(title, sheet, ["Année", "Montant (€)"])
    for year in sorted(values):
        table.rows.append([Year(year), Euros(values[year])])
    table.rows.append(["Total", Euros(sum(values.values(), Decimal(0)))])
    return table


def frame(name: str, totals: Totals | Region, prefix: str = "") -> list[Table]:
    """The money frame, the same for the region and for each territory."""
    funders = labels()["signataire"]
    return [
        _money_table(
            f"{prefix}Financements par nature",
            "Par nature",
            "Nature",
            totals.by_nature,
            NATURE_LABELS,
        ),
        _money_table(
            f"{prefix}Financements par financeur",
            "Par financeur",
            "Financeur",
            totals.by_funder_type,
            funders,
        ),
        _year_table(f"{prefix}Financements par année", "Par année", totals.by_year),
        _money_table(
            f"{prefix}Financements par mode d'attribution",
            "Par mode",
            "Mode d'attribution",
            totals.by_mode,
            labels()["mode"],
        ),
        _money_table(
            f"{prefix}Financements par programme",
            "Par programme",
            "Programme",
            totals.by_programme,
        ),
    ]


def tfpb_table(region: Region, only: str | None = None) -> Table:
    table = Table(
        "Abattement de TFPB par bailleur",
        "TFPB par bailleur",
        [
            "Bailleur",
            "Territoires",
            "Logements en QPV",
            "Abattement estimé 2025-2030 (€)",
            "Actions valorisées 2025-2030 (€)",
        ],
    )
    for name, members in region.tfpb_by_landlord():
        members = [m for m in members if only is None or m.territory == only]
        if not members:
            continue
        table.rows.append(
            [
                name,
                ", ".join(sorted({m.territory for m in members})),
                sum(m.dwellings for m in members),
                Euros(
                    sum((m.abatement.get(y, 0) for m in members for y in TFPB_YEARS), Decimal(0))
                ),
                Euros(sum((m.actions.get(y, 0) for m in members for y in TFPB_YEARS), Decimal(0))),
            ]
        )
    return table


def per_head(amount: Decimal, population: int) -> Decimal:
    """Euros per inhabitant of the QPV, to the cent (0 without a population)."""
    return (amount / population).quantize(Decimal("0.01")) if population else Decimal(0)


def key_figures(region: Region) -> Table:
    nature = region.by_nature
    abatement = sum(
        (
            m.abatement.get(y, 0)
            for _, ms in region.tfpb_by_landlord()
            for m in ms
            for y in TFPB_YEARS
        ),
        Decimal(0),
    )
    return Table(
        "Chiffres régionaux",
        "Région",
        ["Indicateur", "Valeur"],
        [
            ["Contrats de ville", len(region.territories)],
            ["Quartiers prioritaires (QPV)", len(region.qpv)],
            ["Habitants des QPV", region.population],
            ["Acteurs recensés", len(region.actors)],
            ["Financements, toutes natures (€)", Euros(region.total)],
            [
                "Financements par habitant des QPV (€)",
                Euros(per_head(region.total, region.population)),
            ],
            ["Crédits spécifiques (€)", Euros(nature.get("specifique", Decimal(0)))],
            ["Droit commun (€)", Euros(nature.get("droit_commun", Decimal(0)))],
            ["Investissement (€)", Euros(nature.get("investissement", Decimal(0)))],
            ["Abattement de TFPB estimé 2025-2030 (€)", Euros(abatement)],
            ["Prêts, à part des financements (€)", Euros(region.loans)],
        ],
    )


def territory_key_figures(t: TerritoryFigures) -> Table:
    nature = t.totals.by_nature
    return Table(
        f"{t.epci}",
        "",
        ["Indicateur", "Valeur"],
        [
            ["Dossier", t.name],
            ["Quartiers prioritaires (QPV)", len(t.qpv)],
            ["Habitants des QPV", t.population],
            ["Acteurs recensés", len(t.actors)],
            ["Financements, toutes natures (€)", Euros(t.totals.total)],
            [
                "Financements par habitant des QPV (€)",
                Euros(per_head(t.totals.total, t.population)),
            ],
            ["Crédits spécifiques (€)", Euros(nature.get("specifique", Decimal(0)))],
            ["Droit commun (€)", Euros(nature.get("droit_commun", Decimal(0)))],
            ["Investissement (€)", Euros(nature.get("investissement", Decimal(0)))],
            ["Description valide", "oui" if t.valid else "non (erreurs à corriger)"],
        ],
    )


def territories_table(region: Region) -> Table:
    table = Table(
        "Les contrats",
        "Territoires",
        [
            "Territoire",
            "EPCI",
            "QPV",
            "Habitants des QPV",
            "Acteurs",
            "Financements (€)",
            "Crédits spécifiques (€)",
            "Droit commun (€)",
            "Investissement (€)",
            "Valide",
        ],
    )
    for t in region.territories:
        n = t.totals.by_nature
        table.rows.append(
            [
                t.name,
                t.epci,
                len(t.qpv),
                t.population,
                len(t.actors),
                Euros(t.totals.total),
                Euros(n.get("specifique", Decimal(0))),
                Euros(n.get("droit_commun", Decimal(0))),
                Euros(n.get("investissement", Decimal(0))),
                "oui" if t.valid else "non",
            ]
        )
    return table


def matrix(title: str, sheet: str, head: str, table: dict, names: dict, region: Region) -> Table:
    """A full cross table (rows × territories), for the workbook."""
    out = Table(title, sheet, [head] + [t.name for t in region.territories] + ["Total"])
    for key, row in table.items():
        values = [row[t.name] for t in region.territories]
        out.rows.append([names.get(key, key), *values, sum(values)])
    return out


def summary(title: str, sheet: str, head: str, table: dict, names: dict, unit: str) -> Table:
    """The same cross table, one line per row, for a page of the Word synthesis."""
    out = Table(title, sheet, [head, "Territoires", unit, "Territoires concernés"])
    for key, row in table.items():
        present = [name for name, value in row.items() if value]
        out.rows.append([names.get(key, key), len(present), sum(row.values()), ", ".join(present)])
    return out


def themes_tables(region: Region) -> tuple[Table, Table]:
    table, names = region.themes_by_territory(), labels()["theme"]
    return (
        summary("Thèmes des acteurs par territoire", "Thèmes", "Thème", table, names, "Acteurs"),
        matrix("Thèmes × territoires (nombre d'acteurs)", "Thèmes", "Thème", table, names, region),
    )


def signatories_tables(region: Region) -> tuple[Table, Table]:
    table, names = region.signatories_by_territory(), labels()["signataire"]
    return (
        summary(
            "Signataires par territoire", "Signataires", "Signataire", table, names, "Signataires"
        ),
        matrix("Signataires × territoires", "Signataires", "Signataire", table, names, region),
    )


def shared_actors_table(region: Region) -> Table:
    table = Table(
        "Acteurs présents dans plusieurs territoires",
        "Acteurs partagés",
        ["Acteur", "SIREN ou RNA", "Territoires", "Nombre de territoires"],
    )
    for name, members in region.shared_actors():
        territories = sorted({a.territory for a in members})
        number = members[0].siren or members[0].rna
        table.rows.append([name, number, ", ".join(territories), len(territories)])
    return table


def actors_table(region: Region, only: str | None = None) -> Table:
    kinds, themes = labels()["acteur"], labels()["theme"]
    table = Table(
        "Acteurs",
        "Acteurs",
        [
            "Territoire",
            "Acteur",
            "Nature",
            "SIREN",
            "RNA",
            "QPV",
            "Thèmes",
            "Financements reçus (€)",
        ],
    )
    for a in region.actors:
        if only is None or a.territory == only:
            table.rows.append(
                [
                    a.territory,
                    a.name,
                    kinds.get(a.kind, a.kind),
                    a.siren,
                    a.rna,
                    ", ".join(a.qpv) or "tout le territoire",
                    ", ".join(themes.get(t, t) for t in a.themes),
                    Euros(a.funding),
                ]
            )
    return table


def operations_table(region: Region) -> Table:
    table = Table(
        "Opérations de tous les territoires (une ligne par opération, financeur et année)",
        "Opérations",
        [
            "Territoire",
            "Opération",
            "Intitulé",
            "Nature",
            "Financeur",
            "Type de financeur",
            "Forme",
            "Compté dans les totaux",
            "Programme",
            "Orientation",
            "QPV",
            "Mode d'attribution",
            "Bénéficiaire (acteur)",
            "Année",
            "Montant (€)",
            "Versé (€)",
            "Statut",
        ],
    )
    funders, modes = labels()["signataire"], labels()["mode"]
    for t in region.territories:
        for r in t.rows:
            table.rows.append(
                [
                    r.territory,
                    r.operation,
                    r.label,
                    NATURE_LABELS.get(r.nature, r.nature),
                    r.funder_name,
                    funders.get(r.funder_type, r.funder_type),
                    FORM_LABELS.get(r.form, r.form),
                    "oui" if r.counted else "non (prêt)",
                    r.programme,
                    r.orientation,
                    r.qpv or "intercommunal",
                    modes.get(r.mode, r.mode) or "non renseigné",
                    r.beneficiary,
                    r.year,
                    Euros(r.amount),
                    Euros(r.paid) if r.paid is not None else "",
                    STATUS_LABELS.get(r.status, r.status),
                ]
            )
    return table


def warnings_table(checks: list[CrossCheck]) -> Table:
    table = Table("Avertissements", "Avertissements", ["Sujet", "Territoires", "Message"])
    for check in checks:
        table.rows.append([check.kind, ", ".join(check.territories), check.message])
    return table
