"""The one door of the regional synthesis to the money of a territory: its ledger.

Every euro the synthesis shows comes from `generator.ledger` (the registre des opérations of the
format 2): `money_rows` lists its entries (one row per operation, funder and year, loans
included with their form) and `territory_totals` reads its aggregations. The region's figures
are the sums of the territories' ledger figures; nothing here adds up a YAML amount itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from generator.ledger.model import Ledger

NATURE_LABELS = {
    "specifique": "Crédits spécifiques",
    "droit_commun": "Droit commun",
    "investissement": "Investissement",
}
FORM_LABELS = {
    "subvention": "Subvention",
    "pret": "Prêt",
    "fonds_propres": "Fonds propres",
    "valorisation": "Valorisation",
}
STATUS_LABELS = {
    "demande": "demandé",
    "programme": "programmé",
    "notifie": "notifié",
    "engage": "engagé",
    "verse": "versé",
    "solde": "soldé",
}
UNKNOWN = "non renseigné"


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
    form: str
    counted: bool  # False for a loan: never added to the money totals
    programme: str
    orientation: str
    qpv: str  # the QPV codes of the operation's shares, or "" when it is intercommunal
    mode: str
    year: int
    amount: Decimal
    paid: Decimal | None
    status: str
    beneficiary: str  # the actor id of the beneficiary (beneficiaire.acteur), or ""


def funders_of(data: dict) -> dict[str, dict]:
    """Signatories and financing partners by id (a funder is one or the other)."""
    out: dict[str, dict] = {}
    for key in ("partenaires", "signataires"):
        for item in data.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out[item["id"]] = item
    return out


def money_rows(name: str, ledger: Ledger, funders: dict[str, dict]) -> list[MoneyRow]:
    """The flat ledger of one territory, in the order of its description."""
    from generator.ledger.model import COUNTED_FORMS

    rows = []
    for entry in ledger.entries(forms=None):
        op, contribution, year = entry.operation, entry.contribution, entry.year
        funder = funders.get(contribution.funder) or {}
        beneficiary = op.beneficiary or {}
        rows.append(
            MoneyRow(
                territory=name,
                operation=op.id,
                label=op.label,
                nature=op.nature,
                funder=contribution.funder,
                funder_name=str(funder.get("nom") or contribution.funder),
                funder_type=str(funder.get("type") or "autre"),
                form=contribution.form,
                counted=contribution.form in COUNTED_FORMS,
                programme=op.programme or "",
                orientation=op.orientation or "",
                qpv=", ".join(op.qpv),
                mode=op.mode or "",
                year=year.year,
                amount=year.amount,
                paid=year.paid,
                status=year.status,
                beneficiary=str(beneficiary.get("acteur") or ""),
            )
        )
    return rows


@dataclass(frozen=True)
class Totals:
    """The money of one territory as its ledger aggregates it (loans apart, never added)."""

    total: Decimal
    loans: Decimal
    by_nature: dict[str, Decimal]
    by_funder_type: dict[str, Decimal]
    by_year: dict[int, Decimal]
    by_mode: dict[str, Decimal]
    by_programme: dict[str, Decimal]
    by_qpv: dict[str, Decimal]  # "" = the intercommunal part
    by_orientation: dict[str, Decimal]


def _flat(by_key: dict, unknown: str = "") -> dict:
    """{key: {year: amount}} of the ledger -> {key: amount over the years}."""
    out: dict = {}
    for key, years in by_key.items():
        key = unknown if key is None else key
        out[key] = out.get(key, Decimal(0)) + sum(years.values(), Decimal(0))
    return out


def territory_totals(ledger: Ledger, funders: dict[str, dict]) -> Totals:
    """The ledger's aggregations of one territory, keyed the way the regional tables read them
    (funders by their kind, which is what territories share)."""
    by_funder_type: dict[str, Decimal] = {}
    for funder, amount in _flat(ledger.by_funder()).items():
        kind = str((funders.get(funder) or {}).get("type") or "autre")
        by_funder_type[kind] = by_funder_type.get(kind, Decimal(0)) + amount
    return Totals(
        total=ledger.total(),
        loans=_flat(ledger.by_form()).get("pret", Decimal(0)),
        by_nature=_flat(ledger.by_nature()),
        by_funder_type=by_funder_type,
        by_year=dict(ledger.by_year()),
        by_mode=_flat(ledger.by_mode(), UNKNOWN),
        by_programme=_flat(ledger.sum_by(lambda e: e.operation.programme), UNKNOWN),
        by_qpv=_flat(ledger.by_qpv()),
        by_orientation=_flat(ledger.by_orientation()),
    )
