"""Per-QPV indicator data (one row per QPV, one column per indicator) -> `diagnostic.indicateurs`.

Rows of QPV outside the territory are skipped (a national file holds every QPV) and counted in
the notes; a code that does not exist, or a value that is not a number, is a located problem.
"""

from __future__ import annotations

from generator.sheets.amounts import AmountError, parse_amount
from generator.sheets.convert import RowProblem, column_indexes
from generator.sheets.mapping import Mapping, normalize
from generator.sheets.reading import CellError, Table, column_letter
from generator.sheets.resolve import Resolver, Unresolved

__all__ = ["rows_to_indicators"]


def rows_to_indicators(table: Table, mapping: Mapping, resolver: Resolver):
    """(indicators, problems, notes, rows read, rows used)."""
    columns, _ = column_indexes(table, mapping)
    header = {normalize(t): i for i, t in enumerate(table.sheet.header) if t}
    notes = []
    wanted = []
    for ind in mapping.indicators:
        index = next((header[normalize(c)] for c in ind.columns if normalize(c) in header), None)
        if index is None:
            notes.append(f"colonne de l'indicateur « {ind.libelle} » absente : indicateur non lu")
        else:
            wanted.append((ind, index))
    if not wanted:
        raise ValueError(
            f"{table.path} : aucune colonne d'indicateur du modèle « {mapping.name} » dans le "
            "fichier ; colonnes du fichier : " + ", ".join(f"« {t} »" for t in table.sheet.header)
        )
    values: dict[str, dict[str, object]] = {ind.libelle: {} for ind, _ in wanted}
    problems, read, used, elsewhere = [], 0, 0, 0
    qpv_col = columns["qpv"]
    for number, cells in table.sheet.rows:
        read += 1
        raw = cells[qpv_col] if qpv_col < len(cells) else None
        if raw is None:
            continue
        try:
            code = resolver.qpv(str(raw))
        except Unresolved as exc:
            if "n'est pas un quartier du territoire" in exc.reason:
                elsewhere += 1
                continue
            problems.append(
                RowProblem(
                    table.sheet.name,
                    number,
                    column_letter(qpv_col + 1),
                    table.sheet.header[qpv_col],
                    exc.reason,
                )
            )
            continue
        used += 1
        for ind, index in wanted:
            cell = cells[index] if index < len(cells) else None
            try:
                if isinstance(cell, CellError):
                    raise AmountError(f"formule en erreur ({cell.code})")
                value = parse_amount(cell, decimal=mapping.decimal or ",")
            except AmountError as exc:
                problems.append(
                    RowProblem(
                        table.sheet.name,
                        number,
                        column_letter(index + 1),
                        table.sheet.header[index],
                        exc.reason.replace("montant", "nombre"),
                    )
                )
                continue
            if value is not None:
                values[ind.libelle][code] = value
    if elsewhere:
        notes.append(f"{elsewhere} ligne(s) de quartiers d'autres territoires ignorée(s)")
    out = []
    for ind, _ in wanted:
        entry: dict = {"libelle": ind.libelle}
        for key, value in (("unite", ind.unite), ("source", ind.source), ("annee", ind.annee)):
            if value is not None:
                entry[key] = value
        entry["qpv"] = {
            code: values[ind.libelle][code]
            for code in resolver.qpv_codes
            if code in values[ind.libelle]
        }
        if entry["qpv"]:
            out.append(entry)
    return out, problems, notes, read, used
