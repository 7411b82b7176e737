"""A loaded description -> the workbook of its ledger and of every table of the financial annex.

`export_tables` builds plain `SheetTable`s from the figures of `money` (the same the documents
print): the ledger (one row per funder and year of each operation, with the source rows of an
imported one), the detail by year, and the tables by nature, funder, funder and nature,
orientation and QPV, each with a totals row of formulas. `export_workbook` gives the bytes.
"""

from __future__ import annotations

from generator.sheets import money
from generator.sheets.workbook import Column, SheetTable, workbook_bytes

__all__ = ["export_tables", "export_workbook"]


def _years_table(name: str, first: str, table: dict, years: list[int]) -> SheetTable:
    columns = [Column(first)] + [Column(str(y), "euro", True) for y in years]
    columns.append(Column("Total", "euro", True))
    rows = [[line["libelle"], *line["montants"], line["total"]] for line in table["lignes"]]
    return SheetTable(name, columns, rows, total_label="Total")


def export_tables(data: dict) -> list[SheetTable]:
    finances = money.annex_tables(data)
    years = finances["annees"]
    ledger = SheetTable(
        "Registre",
        [
            Column("Opération"),
            Column("Intitulé"),
            Column("Année", "integer"),
            Column("Financeur"),
            Column("Nature"),
            Column("Programme"),
            Column("Orientation"),
            Column("QPV"),
            Column("Statut"),
            Column("Montant", "euro", True),
            Column("Versé", "euro", True),
            Column("Source"),
        ],
        [
            [
                e["operation"],
                e["intitule"],
                e["annee"],
                e["financeur"],
                e["nature"],
                e["programme"],
                e["orientation"],
                e["qpv"],
                e["statut"],
                e["montant"],
                e["verse"],
                e["source"],
            ]
            for e in money.ledger_entries(data, finances)
        ],
        total_label="Total",
    )
    detail = SheetTable(
        "Détail par année",
        [
            Column("Année", "integer"),
            Column("Financeur"),
            Column("Dispositif"),
            Column("Nature"),
            Column("Orientation"),
            Column("QPV"),
            Column("Statut"),
            Column("Montant", "euro", True),
        ],
        [
            [
                line["annee"],
                line.get("financeur_nom") or "",
                line.get("dispositif") or "",
                line.get("type_libelle") or "",
                line.get("orientation_titre") or "Transversal",
                line.get("qpv_libelle") or "Intercommunal",
                line.get("statut_libelle") or "",
                line["montant_dec"],
            ]
            for line in finances["lignes"]
        ],
        total_label="Total",
    )
    by_funder_type = SheetTable(
        "Par financeur et nature",
        [Column("Financeur"), Column("Nature")]
        + [Column(str(y), "euro", True) for y in years]
        + [Column("Total", "euro", True)],
        [
            [row["libelle"], row["type_libelle"], *row["montants"], row["total"]]
            for row in finances["par_financeur_et_type"]
        ],
        total_label="Total",
    )
    return [
        ledger,
        detail,
        _years_table("Par nature", "Nature du crédit", finances["par_type"], years),
        _years_table("Par financeur", "Financeur", finances["par_financeur"], years),
        by_funder_type,
        _years_table("Par orientation", "Orientation", finances["par_orientation"], years),
        _years_table("Par QPV", "Quartier", finances["par_qpv"], years),
    ]


def export_workbook(data: dict, title: str = "") -> bytes:
    return workbook_bytes(export_tables(data), title=title)
