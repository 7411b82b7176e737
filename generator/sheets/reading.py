"""Read a spreadsheet (.xlsx or .csv) into rows of cells, saying how it was read.

An .xlsx is read in one streaming pass over its XML (`sheets.xlsx`), formula cells with their
cached values (an error value such as « #REF! » is kept as a `CellError`, for the caller to
locate); a merged header is found from the sheet's `mergeCells`. A .csv has its encoding (UTF-8 with or without
BOM, UTF-16 with BOM, Windows-1252, Latin-1) and its separator (« ; », « , », tabulation)
detected. Whatever is not a readable spreadsheet raises `SheetError` with a French message.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MAX_ROWS",
    "CellError",
    "Sheet",
    "SheetError",
    "Table",
    "column_letter",
    "read_table",
]

MAX_ROWS = 50_000
MAX_BYTES = 200 * 1024 * 1024
ERROR_VALUES = {"#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#SPILL!"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class SheetError(Exception):
    """A file that cannot be read as a spreadsheet (French message, located when possible)."""


@dataclass(frozen=True)
class CellError:
    """A formula cell whose cached value is an error (#REF!, #DIV/0!…)."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class Sheet:
    """One sheet: its header (row `header_row`) and its data rows, numbered as in the file."""

    name: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, list]] = field(default_factory=list)


@dataclass
class Table:
    """What was read from one file, and how."""

    path: Path
    kind: str  # "xlsx" or "csv"
    sheet: Sheet
    encoding: str | None = None
    separator: str | None = None

    @property
    def how(self) -> str:
        """« lu comme CSV, encodage Windows-1252, séparateur ; »"""
        if self.kind == "csv":
            sep = {"\t": "tabulation", ";": "point-virgule (;)", ",": "virgule (,)"}
            return f"lu comme CSV, encodage {self.encoding}, séparateur {sep[self.separator]}"
        return f"lu comme classeur Excel (.xlsx), feuille « {self.sheet.name} »"


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: Path, sheet: str | None = None, header_row: int | None = None) -> Table:
    """Read `path` (the sheet named `sheet`, or the first one) with its header row."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(8)
    except FileNotFoundError:
        raise SheetError(f"{path} : fichier introuvable") from None
    except IsADirectoryError:
        raise SheetError(f"{path} est un dossier, pas un fichier de tableur") from None
    except OSError as exc:
        raise SheetError(f"{path} : lecture impossible ({exc.strerror})") from None
    if size > MAX_BYTES:
        raise SheetError(
            f"{path} : fichier trop gros ({size // (1024 * 1024)} Mo) : un extrait pour un "
            "contrat de ville tient en quelques Mo ; filtrez-le sur votre territoire"
        )
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, sheet, header_row)
    if head.startswith(_OLE_MAGIC):
        raise SheetError(_ole_message(path))
    if head.startswith(b"%PDF"):
        raise SheetError(
            f"{path} est un PDF, pas un tableur : exportez le tableau en .xlsx ou .csv"
        )
    if size == 0:
        raise SheetError(f"{path} : le fichier est vide")
    return _read_csv(path, header_row)


# --------------------------------------------------------------------------- xlsx


def _ole_message(path: Path) -> str:
    data = path.read_bytes()
    if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data:
        return (
            f"{path} : classeur protégé par un mot de passe : l'outil ne peut pas le lire. "
            "Ouvrez-le dans Excel ou LibreOffice, retirez le mot de passe (Fichier › Informations "
            "› Protéger le classeur, ou Fichier › Propriétés › Sécurité), enregistrez une copie "
            "en .xlsx et importez la copie"
        )
    return (
        f"{path} : classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx (Fichier › "
        "Enregistrer sous › Classeur Excel) puis importez le fichier .xlsx"
    )


def _read_xlsx(path: Path, sheet_name: str | None, header_row: int | None) -> Table:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SheetError(f"{path} : archive abîmée, ni .xlsx ni .csv lisible") from None
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            kind = "un document Word" if "word/document.xml" in names else "une archive zip"
            raise SheetError(f"{path} est {kind}, pas un classeur .xlsx ni un fichier .csv")
    from generator.sheets.xlsx import sheet_parts, sheet_values

    try:
        with zipfile.ZipFile(path) as archive:
            sheets, date1904, rels = sheet_parts(archive)
            if not sheets:
                raise SheetError(f"{path} : le classeur n'a aucune feuille de calcul")
            if sheet_name is None:
                ws = sheets[0]
            elif sheet_name in [s.name for s in sheets]:
                ws = next(s for s in sheets if s.name == sheet_name)
            else:
                raise SheetError(
                    f"{path} : pas de feuille « {sheet_name} » ; feuilles du classeur : "
                    + ", ".join(f"« {s.name} »" for s in sheets)
                )
            rows = _xlsx_rows(path, ws.name, sheet_values(archive, ws, date1904, rels))
            merged = _merged_ranges(archive.read(ws.part))
    except SheetError:
        raise
    except Exception as exc:  # a broken package: missing part, bad XML, bad number
        raise SheetError(f"{path} : classeur illisible ({exc.__class__.__name__})") from None
    sheet = _with_header(path, ws.name, rows, header_row)
    for ref, (first_row, last_row, first_col, last_col) in merged:
        if first_row <= sheet.header_row <= last_row:
            raise SheetError(
                f"{path}, feuille « {ws.name} », ligne {sheet.header_row}, colonnes "
                f"{column_letter(first_col)} à {column_letter(last_col)} : en-tête fusionné "
                f"({ref}) : chaque colonne doit avoir son propre titre ; défusionnez ces "
                "cellules et donnez un titre à chaque colonne (ou indiquez « ligne_entete » "
                "dans le modèle de colonnes si les titres sont sur une autre ligne)"
            )
    return Table(path, "xlsx", sheet)


def _xlsx_rows(path: Path, title: str, values_by_row) -> list[tuple[int, list]]:
    out = []
    for number, values in values_by_row:
        cells = [
            CellError(v) if isinstance(v, str) and v in ERROR_VALUES else _clean(v) for v in values
        ]
        if any(c is not None for c in cells):
            out.append((number, cells))
            if len(out) > MAX_ROWS + 1:
                raise _too_many(path, title)
    return out


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merged_ranges(data: bytes) -> list[tuple[str, tuple[int, int, int, int]]]:
    """Merged ranges of a sheet, from its XML."""
    out = []
    for c1, r1, c2, r2 in _MERGE.findall(data):
        c2, r2 = c2 or c1, r2 or r1
        ref = f"{c1.decode()}{r1.decode()}:{c2.decode()}{r2.decode()}"
        out.append((ref, (int(r1), int(r2), _col_index(c1), _col_index(c2))))
    return out


# --------------------------------------------------------------------------- csv


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 (avec BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise SheetError(f"{path} : texte UTF-16 abîmé") from None
    if b"\x00" in data[:4096]:
        raise SheetError(
            f"{path} n'est pas un tableur lisible (ni .xlsx, ni texte .csv) : enregistrez le "
            "tableau en .xlsx ou en CSV"
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _sniff(text: str) -> str:
    sample = text.splitlines()[:30]
    best, best_score = None, (0, 0)
    for sep in (";", "\t", ","):
        counts = [len(r) for r in csv.reader(sample, delimiter=sep) if r]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = (consistent, counts[0])
        if score > best_score:
            best, best_score = sep, score
    return best or ";"


def _read_csv(path: Path, header_row: int | None) -> Table:
    data = path.read_bytes()
    text, encoding = _decode(path, data)
    if not text.strip():
        raise SheetError(f"{path} : le fichier est vide")
    control = re.search(r"[\x00-\x08\x0e-\x1f]", text[:65536])
    if control:
        raise SheetError(
            f"{path} n'est pas un tableur lisible (caractères binaires) : enregistrez le tableau "
            "en .xlsx ou en CSV"
        )
    separator = _sniff(text)
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        for number, values in enumerate(reader, start=1):
            cells = [_clean(v) for v in values]
            if any(c is not None for c in cells):
                rows.append((number, cells))
                if len(rows) > MAX_ROWS + 1:
                    raise _too_many(path, None)
    except csv.Error as exc:
        raise SheetError(f"{path}, ligne {reader.line_num} : CSV illisible ({exc})") from None
    sheet = _with_header(path, path.stem, rows, header_row)
    return Table(path, "csv", sheet, encoding=encoding, separator=separator)


# --------------------------------------------------------------------------- shared


def _clean(value):
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").strip() if "\u00a0" in value else value.strip()
        return value or None
    return value


def _too_many(path: Path, sheet: str | None) -> SheetError:
    where = f", feuille « {sheet} »" if sheet else ""
    return SheetError(
        f"{path}{where}, ligne {MAX_ROWS + 2} : plus de {MAX_ROWS:,} lignes".replace(",", " ")
        + " : c'est davantage qu'un contrat de ville n'en compte (extrait national ?) ; filtrez "
        "l'extrait sur votre contrat de ville (colonne du code du contrat) puis importez-le"
    )


def _with_header(path: Path, name: str, rows, header_row: int | None) -> Sheet:
    where = f"{path}, feuille « {name} »"
    if not rows:
        raise SheetError(f"{where} : la feuille est vide (aucune ligne)")
    if header_row is None:
        header_row = rows[0][0]
    found = [i for i, (number, _) in enumerate(rows) if number == header_row]
    if not found:
        raise SheetError(f"{where}, ligne {header_row} : ligne d'en-tête vide")
    position = found[0]
    cells = rows[position][1]
    header = []
    for col, value in enumerate(cells, start=1):
        if isinstance(value, CellError):
            raise SheetError(
                f"{where}, ligne {header_row}, colonne {column_letter(col)} : titre de colonne en "
                f"erreur ({value.code})"
            )
        header.append("" if value is None else str(value).strip())
    data = rows[position + 1 :]
    if len(data) > MAX_ROWS:
        raise _too_many(path, name)
    if not data:
        raise SheetError(
            f"{where} : la feuille n'a que sa ligne d'en-tête, aucune ligne de données"
        )
    return Sheet(name, header, header_row, data)
