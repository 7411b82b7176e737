"""Spreadsheet rows -> ledger operations (format 2 shape), through a column mapping.

`rows_to_operations` is pure: a `Table` read by `reading`, a `Mapping` and a `Resolver` in; the
operations (plain dicts, as they will be written in YAML), the rows it could not place (each with
its sheet, row, column and reason) and notes (columns not read, rows skipped) out. Rows of one
action (same identifier) become one operation with one funder entry per funder and one amount
per year; each operation records the file and the rows it came from.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.sheets.amounts import AmountError, parse_amount
from generator.sheets.mapping import Mapping, normalize
from generator.sheets.reading import CellError, Table, column_letter
from generator.sheets.resolve import Resolver, Unresolved

__all__ = ["Conversion", "RowProblem", "rows_to_operations", "slug"]

STATUSES = ("demande", "programme", "notifie", "engage", "verse", "solde")
NATURES = ("specifique", "droit_commun", "investissement")
MODES = ("appel_a_projets", "cpo", "adultes_relais", "fonjep", "subvention_investissement", "autre")
FORMS = ("subvention", "pret", "fonds_propres", "valorisation")
REQUIRED = ("intitule", "annee", "financeur", "montant")
_SPLIT = re.compile(r"\s*(?:[,;/+]|\bet\b)\s*")


@dataclass(frozen=True)
class RowProblem:
    """A row that could not be placed: where, and why."""

    sheet: str
    row: int
    column: str  # letter, or "" for the whole row
    title: str  # column title
    reason: str

    def format(self, file: str) -> str:
        where = f"{file}, feuille « {self.sheet} », ligne {self.row}"
        if self.column:
            where += f", colonne {self.column} (« {self.title} »)"
        return f"{where} : {self.reason}"


@dataclass
class Conversion:
    operations: list[dict] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_imported: int = 0


class _RowFailed(Exception):
    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason


def slug(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize(text)).strip("-")[:60] or "ligne"


def column_indexes(table: Table, mapping: Mapping) -> tuple[dict[str, int], list[str]]:
    """Field -> column index of the header; raises ValueError naming a missing column."""
    header = {normalize(title): i for i, title in enumerate(table.sheet.header) if title}
    found: dict[str, int] = {}
    for name, titles in mapping.columns.items():
        for title in titles:
            if normalize(title) in header:
                found[name] = header[normalize(title)]
                break
    missing = [n for n in REQUIRED if n not in found and n not in mapping.fixed]
    if mapping.target == "indicateurs":
        missing = [n for n in ("qpv",) if n not in found]
    if missing:
        import difflib

        lines = []
        for name in missing:
            titles = mapping.columns.get(name, ())
            close = difflib.get_close_matches(
                normalize(titles[0]) if titles else name, list(header), n=1, cutoff=0.6
            )
            hint = ""
            if close:
                original = table.sheet.header[header[close[0]]]
                hint = f" ; la colonne « {original} » est-elle la bonne ?"
            wanted = " ou ".join(f"« {t} »" for t in titles) or name
            lines.append(f"colonne {wanted} introuvable (champ « {name} »){hint}")
        present = ", ".join(f"« {t} »" for t in table.sheet.header if t)
        raise ValueError(
            f"{table.path}, feuille « {table.sheet.name} », ligne {table.sheet.header_row} : "
            + " ; ".join(lines)
            + f". Colonnes du fichier : {present}. Corrigez le titre de la colonne, ou le modèle "
            f"de colonnes « {mapping.name} »"
        )
    known = set(found.values())
    ignored = {normalize(t) for t in mapping.ignored}
    for extra in mapping.indicators or ():
        for title in extra.columns:
            if normalize(title) in header:
                known.add(header[normalize(title)])
    unread = [
        f"{column_letter(i + 1)} « {t} »"
        for i, t in enumerate(table.sheet.header)
        if t and i not in known and normalize(t) not in ignored
    ]
    return found, unread


def rows_to_operations(
    table: Table,
    mapping: Mapping,
    resolver: Resolver,
    source_file: str,
    period: tuple[int, int] = (2024, 2030),
) -> Conversion:
    columns, unread = column_indexes(table, mapping)
    result = Conversion()
    if unread:
        result.notes.append(
            "colonnes non prévues par le modèle, non lues : "
            + ", ".join(unread)
            + " (ajoutez-les à « ignorer » dans le modèle pour ne plus voir ce message)"
        )
    header = table.sheet.header
    operations: dict[str, dict] = {}
    seen: dict[tuple, int] = {}
    zero = 0
    for number, cells in table.sheet.rows:
        result.rows_read += 1

        def cell(name: str, _cells=cells):
            index = columns.get(name)
            if index is not None:
                value = _cells[index] if index < len(_cells) else None
                if isinstance(value, CellError):
                    raise _RowFailed(
                        name, f"formule en erreur ({value.code}) : corrigez la formule du tableur"
                    )
                if value is not None:
                    return value
            return mapping.fixed.get(name)

        try:
            line = _read_row(cell, mapping, resolver, period)
        except _RowFailed as failed:
            index = columns.get(failed.name)
            result.problems.append(
                RowProblem(
                    table.sheet.name,
                    number,
                    column_letter(index + 1) if index is not None else "",
                    header[index] if index is not None else "",
                    failed.reason,
                )
            )
            continue
        if line is None:
            zero += 1
            continue
        op_id = line.pop("id")
        key = (op_id, line["financeur"], line["forme"], line["annee"]["annee"])
        if key in seen:
            result.problems.append(
                RowProblem(
                    table.sheet.name,
                    number,
                    "",
                    "",
                    f"même action ({op_id}), même financeur et même année que la ligne "
                    f"{seen[key]} : regroupez les deux lignes en une seule",
                )
            )
            continue
        seen[key] = number
        _add(operations, op_id, line, number, table, source_file)
        result.rows_imported += 1
    if zero:
        result.notes.append(f"{zero} ligne(s) sans montant (0 €) ignorée(s)")
    result.operations = list(operations.values())
    return result


def _read_row(cell, mapping: Mapping, resolver: Resolver, period) -> dict | None:
    def text(name: str) -> str | None:
        value = cell(name)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip() or None

    def choice(name: str, allowed: tuple[str, ...]) -> str | None:
        raw = text(name)
        if raw is None:
            return None
        value = mapping.translate(name, raw)
        if value is None and raw in allowed:
            value = raw
        if value is None and normalize(raw).replace(" ", "_") in allowed:
            value = normalize(raw).replace(" ", "_")
        if value not in allowed:
            raise _RowFailed(
                name,
                f"{name} « {raw} » non prévu ; valeurs possibles : {', '.join(allowed)} (ou une "
                f"correspondance « {name} » dans le modèle de colonnes)",
            )
        return value

    intitule = text("intitule")
    if intitule is None:
        raise _RowFailed("intitule", "intitulé vide : chaque action a un intitulé")
    try:
        amount = parse_amount(cell("montant"), decimal=mapping.decimal)
    except AmountError as exc:
        raise _RowFailed("montant", exc.reason) from None
    if amount is None:
        raise _RowFailed("montant", "montant vide")
    if amount == 0:
        return None
    try:
        paid = parse_amount(cell("verse"), decimal=mapping.decimal)
    except AmountError as exc:
        raise _RowFailed("verse", exc.reason) from None
    year = _year(cell("annee"), period)
    funder_text = text("financeur")
    if funder_text is None:
        raise _RowFailed("financeur", "financeur vide")
    funder = mapping.translate("financeur", funder_text)
    if funder is None:
        try:
            funder = resolver.funder(funder_text)
        except Unresolved as exc:
            raise _RowFailed("financeur", exc.reason) from None
    orientation = None
    if (raw := text("orientation")) is not None:
        orientation = mapping.translate("orientation", raw)
        if orientation is None:
            try:
                orientation = resolver.orientation(raw)
            except Unresolved as exc:
                raise _RowFailed("orientation", exc.reason) from None
    qpvs = []
    if (raw := text("qpv")) is not None:
        for part in (p for p in _SPLIT.split(raw) if p):
            try:
                code = resolver.qpv(str(mapping.translate("qpv", part) or part))
            except Unresolved as exc:
                raise _RowFailed("qpv", exc.reason) from None
            if code not in qpvs:
                qpvs.append(code)
    status = choice("statut", STATUSES) or "programme"
    raw_id = text("id")
    op_id = slug(raw_id if raw_id else intitule)
    if not op_id.startswith(mapping.id_prefix):
        op_id = mapping.id_prefix + op_id
    year_amount: dict = {"annee": year, "montant": amount, "statut": status}
    if paid is not None:
        year_amount["verse"] = paid
    beneficiary = {}
    if (name := text("beneficiaire")) is not None:
        beneficiary["nom"] = name
    if (siren := text("siren")) is not None:
        siren = re.sub(r"\s", "", siren)
        if not re.fullmatch(r"\d{9}", siren):
            raise _RowFailed("siren", f"SIREN « {siren} » : il faut neuf chiffres")
        beneficiary["siren"] = siren
    if (rna := text("rna")) is not None:
        beneficiary["rna"] = rna
    return {
        "id": op_id,
        "intitule": intitule,
        "nature": choice("nature", NATURES) or "specifique",
        "programme": text("programme"),
        "orientation": orientation,
        "qpv": qpvs,
        "mode": choice("mode", MODES) or "appel_a_projets",
        "beneficiaire": beneficiary or None,
        "financeur": funder,
        "forme": choice("forme", FORMS) or "subvention",
        "dispositif": text("dispositif"),
        "annee": year_amount,
    }


def _year(value, period: tuple[int, int]) -> int:
    if isinstance(value, _dt.datetime | _dt.date):
        year = value.year
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 20000 <= value <= 80000:
            as_date = _dt.date(1899, 12, 30) + _dt.timedelta(days=int(value))
            raise _RowFailed(
                "annee",
                f"« {int(value)} » est une date enregistrée comme un nombre "
                f"({as_date.day:02d}/{as_date.month:02d}/{as_date.year}) : écrivez l'année "
                f"({as_date.year}) ou donnez à la cellule le format Date",
            )
        if not float(value).is_integer():
            raise _RowFailed("annee", f"« {value} » n'est pas une année")
        year = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        year = int(value)
    elif isinstance(value, str) and (m := re.fullmatch(r"\s*\d{1,2}/\d{1,2}/(\d{4})\s*", value)):
        year = int(m.group(1))
    elif value is None:
        raise _RowFailed("annee", "année vide")
    else:
        raise _RowFailed("annee", f"« {value} » n'est pas une année (attendu : 2024, 2025…)")
    if not period[0] <= year <= period[1]:
        raise _RowFailed(
            "annee", f"année {year} hors de la période du contrat ({period[0]}-{period[1]})"
        )
    return year


def _add(operations: dict, op_id: str, line: dict, number: int, table: Table, source: str):
    op = operations.get(op_id)
    if op is None:
        op = {"id": op_id, "intitule": line["intitule"], "nature": line["nature"]}
        for key in ("programme", "orientation"):
            if line[key]:
                op[key] = line[key]
        op["repartition"] = _shares(line["qpv"])
        op["mode"] = line["mode"]
        if line["beneficiaire"]:
            op["beneficiaire"] = line["beneficiaire"]
        op["financeurs"] = []
        op["source"] = {"fichier": source, "feuille": table.sheet.name, "lignes": []}
        if table.kind == "csv":
            del op["source"]["feuille"]
        operations[op_id] = op
    op["source"]["lignes"].append(number)
    for entry in op["financeurs"]:
        if entry["financeur"] == line["financeur"] and entry["forme"] == line["forme"]:
            break
    else:
        entry = {"financeur": line["financeur"], "forme": line["forme"]}
        if line["dispositif"]:
            entry["dispositif"] = line["dispositif"]
        entry["annees"] = []
        op["financeurs"].append(entry)
    entry["annees"].append(line["annee"])
    entry["annees"].sort(key=lambda y: y["annee"])


def _shares(codes: list[str]):
    if not codes:
        return "intercommunale"
    if len(codes) == 1:
        return [{"qpv": codes[0], "part": 100}]
    base = (Decimal(100) / len(codes)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    parts = [base] * len(codes)
    parts[-1] = Decimal(100) - base * (len(codes) - 1)
    return [
        {"qpv": c, "part": int(p) if p == p.to_integral_value() else p}
        for c, p in zip(codes, parts, strict=True)
    ]
