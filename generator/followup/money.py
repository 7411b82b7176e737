"""The one door of the follow-up to the planned money of the contract.

Everything the follow-up needs from the financing (the operations with their planned and
notified amounts for a year, the planned totals per orientation, funder and QPV) comes from
here. The ledger (`generator.ledger`, format 2) is not on the main branch yet: until it lands,
these functions read the operations of a format-2 description as they are written, and group
the lines of a format-1 description into operations the way the format-1 conversion does (one
operation per funder, programme, scheme, nature, orientation and QPV, named after its scheme).
When the ledger lands, the bodies below become calls to `Ledger` and nothing else changes.
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
    if data.get("format") == 2:
        return _format_2(data, year)
    return _format_1(data, year)


def _format_2(data: dict, year: int) -> dict[str, PlannedOperation]:
    out: dict[str, PlannedOperation] = {}
    financing = data.get("financements") or {}
    for op in financing.get("operations") or []:
        if not isinstance(op, dict) or not isinstance(op.get("id"), str):
            continue
        planned = notified = Decimal(0)
        status = None
        funders = []
        for funder in op.get("financeurs") or []:
            funders.append(funder.get("financeur"))
            if funder.get("forme") == "pret":
                continue
            for entry in funder.get("annees") or []:
                if entry.get("annee") != year:
                    continue
                amount = _amount(entry.get("montant"))
                planned += amount
                if entry.get("statut") in NOTIFIED:
                    notified += amount
                status = _later(status, entry.get("statut"))
        shares = op.get("repartition")
        qpv = (
            tuple(s.get("qpv") for s in shares if isinstance(s, dict))
            if isinstance(shares, list)
            else ()
        )
        out[op["id"]] = PlannedOperation(
            op["id"],
            str(op.get("intitule") or op["id"]),
            str(op.get("nature") or ""),
            op.get("orientation"),
            qpv,
            tuple(dict.fromkeys(f for f in funders if f)),
            planned,
            notified,
            status,
        )
    return out


def _format_1(data: dict, year: int) -> dict[str, PlannedOperation]:
    financing = data.get("financements") or {}
    groups: dict[tuple, dict] = {}
    used: set[str] = set()
    for line in financing.get("lignes") or []:
        if not isinstance(line, dict):
            continue
        key = tuple(
            str(line.get(k))
            for k in ("financeur", "programme", "dispositif", "type", "orientation", "qpv")
        )
        group = groups.get(key)
        if group is None:
            label = _COUNT.sub(" ", str(line.get("dispositif") or "")).strip()
            op_id = _new_id(used, _slug(label), _slug(f"{label}-{line.get('financeur')}"))
            group = groups[key] = {
                "id": op_id,
                "label": label or op_id,
                "nature": str(line.get("type") or ""),
                "orientation": line.get("orientation"),
                "qpv": (line["qpv"],) if line.get("qpv") else (),
                "funders": (line.get("financeur"),),
                "planned": Decimal(0),
                "notified": Decimal(0),
                "status": None,
            }
        if line.get("annee") != year:
            continue
        amount = _amount(line.get("montant"))
        group["planned"] += amount
        status = _FORMAT_1_STATUS.get(line.get("statut"), "programme")
        if status in NOTIFIED:
            group["notified"] += amount
        group["status"] = _later(group["status"], status)
    return {g["id"]: PlannedOperation(**g) for g in groups.values()}


def _new_id(used: set[str], *candidates: str) -> str:
    for candidate in candidates:
        if candidate and candidate not in used:
            used.add(candidate)
            return candidate
    base, n = candidates[-1] or "operation", 2
    while f"{base}-{n}" in used:
        n += 1
    used.add(f"{base}-{n}")
    return f"{base}-{n}"


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
