"""The one door of the follow-up to the planned money of the contract.

Everything the follow-up needs from the financing (the operations with their planned and
notified amounts for a year, the planned totals per orientation, funder and QPV) comes from
here, and here from the ledger (`generator.ledger`): the operations of format 2, those that a
format-1 description is converted into (the same conversion as `cdv migrer`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

NOTIFIED = frozenset({"notifie", "engage", "verse", "solde"})
_FORMAT_1_STATUS = {"notifie": "notifie", "previsionnel": "programme"}
_COUNT = re.compile(r"\s*\((\d+(?:[.,]\d+)?)\s+(postes?|etp|places?)\)\s*", re.I)


@dataclass(frozen=True)
class PlannedOperation:
    """An operation of the financing, seen from one year."""

    id: str
    label: str
    nature: str
    orientation: str | None
    qpv: tuple[str, ...]
    funders: tuple[str, ...]
    planned: Decimal  # this year, every funder (loans excluded)
    notified: Decimal  # this year, the part notified, committed or paid
    status: str | None  # this year's status, the most advanced of its funders
    paid: Decimal | None = None  # this year, the `verse` amounts the ledger records (None: none)


def _slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _amount(value) -> Decimal:
    try:
        return Decimal(str(value))
    except Exception:  # noqa: BLE001 - the description's validation reports bad amounts
        return Decimal(0)


_ORDER = ("demande", "programme", "notifie", "engage", "verse", "solde")


def _later(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if _ORDER.index(a) >= _ORDER.index(b) else b


def operations(data: dict, year: int) -> dict[str, PlannedOperation]:
    """Every operation of the contract by id, with its amounts for `year` (0 if none)."""
    from generator.ledger.build import build_ledger
    from generator.ledger.convert import convert_format_1

    if data.get("format") != 2:  # a description loaded with convert=False, or raw data
        data = convert_format_1(data).data
    ledger = build_ledger(data)
    per_operation: dict[int, list] = defaultdict(list)
    for entry in ledger.entries(year=year):  # one pass over the lines of the year
        per_operation[id(entry.operation)].append(entry)
    out: dict[str, PlannedOperation] = {}
    for op in ledger.operations:
        if op.id in out:  # declared twice: the validation says so
            continue
        planned = notified = Decimal(0)
        paid = None
        status = None
        for entry in per_operation.get(id(op), ()):
            planned += entry.amount
            if entry.year.status in NOTIFIED:
                notified += entry.amount
            if entry.year.paid is not None:
                paid = (paid or Decimal(0)) + entry.year.paid
            status = _later(status, entry.year.status)
        out[op.id] = PlannedOperation(
            op.id,
            op.label,
            op.nature,
            op.orientation,
            op.qpv,
            op.funders,
            planned,
            notified,
            status,
            paid,
        )
    return out


def paid_of(op: PlannedOperation, item: dict | None) -> Decimal | None:
    """What `op` was paid in the year: the follow-up file's `verse` where the file gives the
    operation (`item`), else the `verse` amounts the ledger records; None when neither says.
    The one rule for the annual review and the mid-term evaluation alike."""
    if item is not None:
        value = item.get("verse")
        return Decimal(0) if value is None or isinstance(value, bool) else _amount(value)
    return op.paid


def planned_by(data: dict, year: int, key: str) -> dict[object, Decimal]:
    """Planned money of `year` per `orientation` or per `funder` (first funder of an operation
    in format 1, where each line has one)."""
    out: dict[object, Decimal] = defaultdict(Decimal)
    for op in operations(data, year).values():
        if key == "orientation":
            out[op.orientation] += op.planned
        else:
            out[op.funders[0] if op.funders else None] += op.planned
    return dict(out)
