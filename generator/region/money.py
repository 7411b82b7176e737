"""The one door of the regional synthesis to the money of a territory.

Every euro the synthesis shows comes from `money_rows` (one row per operation, funder and year)
and `territory_totals`. Today they read the format-1 `financements.lignes`; when the ledger
(`generator.ledger`) lands, only the bodies of these two functions change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

NATURE_LABELS = {
    "specifique": "Crédits spécifiques",
    "droit_commun": "Droit commun",
    "investissement": "Investissement",
}
MODE_UNKNOWN = "non renseigné"
STATUS_LABELS = {"notifie": "notifié", "previsionnel": "prévisionnel"}


@dataclass(frozen=True)
class MoneyRow:
    """One funder's amount of one operation in one year (the flat ledger of the region)."""

    territory: str
    operation: str
    label: str
    nature: str
    funder: str
    funder_name: str
    funder_type: str
    programme: str
    orientation: str
    qpv: str  # a QPV code, or "" when the operation is intercommunal
    mode: str
    year: int
    amount: Decimal
    status: str
    beneficiary: str  # an actor id of the territory, or ""


def _dec(value) -> Decimal:
    return Decimal(str(value)) if isinstance(value, int | float) else Decimal(0)


def money_rows(name: str, data: dict) -> list[MoneyRow]:
    """The flat ledger of one territory, in the order of its description."""
    signatories = {s.get("id"): s for s in data.get("signataires") or [] if isinstance(s, dict)}
    rows = []
    for line in (data.get("financements") or {}).get("lignes") or []:
        if not isinstance(line, dict) or not isinstance(line.get("annee"), int):
            continue
        funder = str(line.get("financeur") or "")
        sig = signatories.get(funder) or {}
        label = str(line.get("dispositif") or line.get("programme") or "")
        rows.append(
            MoneyRow(
                territory=name,
                operation=f"{funder}/{line.get('programme') or ''}/{label}",
                label=label,
                nature=str(line.get("type") or ""),
                funder=funder,
                funder_name=str(sig.get("nom") or funder),
                funder_type=str(sig.get("type") or "autre"),
                programme=str(line.get("programme") or ""),
                orientation=str(line.get("orientation") or ""),
                qpv=str(line.get("qpv") or ""),
                mode=MODE_UNKNOWN,
                year=line["annee"],
                amount=_dec(line.get("montant")),
                status=STATUS_LABELS.get(line.get("statut"), str(line.get("statut") or "")),
                beneficiary="",
            )
        )
    return rows


@dataclass(frozen=True)
class Totals:
    """The money of one territory, summed the way the regional tables read it."""

    total: Decimal
    by_nature: dict[str, Decimal]
    by_funder_type: dict[str, Decimal]
    by_year: dict[int, Decimal]
    by_mode: dict[str, Decimal]
    by_programme: dict[str, Decimal]
    by_qpv: dict[str, Decimal]  # "" = intercommunal
    by_orientation: dict[str, Decimal]


def territory_totals(rows: list[MoneyRow]) -> Totals:
    """Sums of one territory's rows (the ledger's aggregations once it lands)."""
    groups: dict[str, dict] = {k: defaultdict(Decimal) for k in Totals.__dataclass_fields__}
    total = Decimal(0)
    for row in rows:
        total += row.amount
        groups["by_nature"][row.nature] += row.amount
        groups["by_funder_type"][row.funder_type] += row.amount
        groups["by_year"][row.year] += row.amount
        groups["by_mode"][row.mode] += row.amount
        groups["by_programme"][row.programme] += row.amount
        groups["by_qpv"][row.qpv] += row.amount
        groups["by_orientation"][row.orientation] += row.amount
    return Totals(
        total=total,
        **{k: dict(v) for k, v in groups.items() if k != "total"},
    )
