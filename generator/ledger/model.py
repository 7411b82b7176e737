"""The ledger model: frozen dataclasses with Decimal money, and the aggregations of the tables.

Every total of every document comes from `Ledger.sum_by` (or a helper built on it), so a figure
is computed in one place. A loan (`forme: pret`) is never added to grants: the money totals count
the forms of `COUNTED_FORMS`, and loans are reported apart (`Ledger.by_form`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

YEARS = tuple(range(2024, 2031))
NATURES = ("specifique", "droit_commun", "investissement")
FORMS = ("subvention", "pret", "fonds_propres", "valorisation")
# Forms added together in the money totals; a loan is repaid: it is shown apart, never added.
COUNTED_FORMS = frozenset({"subvention", "fonds_propres", "valorisation"})
MODES = (
    "appel_a_projets",
    "cpo",
    "adultes_relais",
    "fonjep",
    "subvention_investissement",
    "autre",
)
STATUSES = ("demande", "programme", "notifie", "engage", "verse", "solde")
UNITS = ("postes", "etp", "places", "logements", "beneficiaires")
INTERCOMMUNAL = None  # the key of the intercommunal share in per-QPV tables
CENT = Decimal("0.01")


@dataclass(frozen=True)
class YearAmount:
    """One year of one funder's contribution to an operation."""

    year: int
    amount: Decimal
    status: str = "programme"
    paid: Decimal | None = None


@dataclass(frozen=True)
class Contribution:
    """One funder of an operation: its form, its scheme, and its amounts per year."""

    funder: str
    form: str = "subvention"
    scheme: str | None = None
    years: tuple[YearAmount, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((y.amount for y in self.years), Decimal(0))


@dataclass(frozen=True)
class Share:
    """The part of an operation allocated to one QPV (`qpv` None: intercommunal)."""

    qpv: str | None
    fraction: Decimal


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str


@dataclass(frozen=True)
class Operation:
    id: str
    label: str
    nature: str
    programme: str | None = None
    orientation: str | None = None
    secondary_orientations: tuple[str, ...] = ()
    shares: tuple[Share, ...] = (Share(INTERCOMMUNAL, Decimal(1)),)
    mode: str | None = None
    convention: dict | None = None
    beneficiary: dict | None = None
    quantities: tuple[Quantity, ...] = ()
    contributions: tuple[Contribution, ...] = ()

    @property
    def intercommunal(self) -> bool:
        return all(s.qpv is INTERCOMMUNAL for s in self.shares)

    @property
    def qpv(self) -> tuple[str, ...]:
        return tuple(s.qpv for s in self.shares if s.qpv is not INTERCOMMUNAL)

    @property
    def total(self) -> Decimal:
        """Money of the counted forms (loans excluded), all years."""
        return sum((c.total for c in self.contributions if c.form in COUNTED_FORMS), Decimal(0))

    @property
    def total_all_forms(self) -> Decimal:
        """Everything that finances the operation, loans included (an investment's cost)."""
        return sum((c.total for c in self.contributions), Decimal(0))

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y.year for c in self.contributions for y in c.years}))

    @property
    def funders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.funder for c in self.contributions))


@dataclass(frozen=True)
class Entry:
    """One (operation, contribution, year) line: the unit every aggregation adds up."""

    operation: Operation
    contribution: Contribution
    year: YearAmount

    @property
    def amount(self) -> Decimal:
        return self.year.amount


@dataclass(frozen=True)
class Ledger:
    """All the operations of a territory, and the aggregations the documents read."""

    operations: tuple[Operation, ...] = ()
    years: tuple[int, ...] = YEARS
    # association beneficiaries: operations whose beneficiary has an RNA number or is flagged
    _index: dict = field(default_factory=dict, compare=False, repr=False)

    def operation(self, op_id: str) -> Operation | None:
        if not self._index:
            self._index.update({op.id: op for op in self.operations})
        return self._index.get(op_id)

    def entries(
        self,
        *,
        forms: Iterable[str] | None = COUNTED_FORMS,
        operations: Iterable[str] | None = None,
        **filters,
    ) -> Iterator[Entry]:
        """Every line, for the given forms (None: all forms) and `nature=`, `funder=`, `year=`."""
        wanted_forms = None if forms is None else set(forms)
        wanted_ops = None if operations is None else set(operations)
        for op in self.operations:
            if wanted_ops is not None and op.id not in wanted_ops:
                continue
            if "nature" in filters and op.nature != filters["nature"]:
                continue
            for contribution in op.contributions:
                if wanted_forms is not None and contribution.form not in wanted_forms:
                    continue
                if "funder" in filters and contribution.funder != filters["funder"]:
                    continue
                for year in contribution.years:
                    if year.year not in self.years:
                        continue
                    if "year" in filters and year.year != filters["year"]:
                        continue
                    yield Entry(op, contribution, year)

    def total(self, **filters) -> Decimal:
        return sum((e.amount for e in self.entries(**filters)), Decimal(0))

    def sum_by(self, key: Callable[[Entry], object], **filters) -> dict[object, dict[int, Decimal]]:
        """{key: {year: amount}} over the entries selected by `filters` (see `entries`)."""
        out: dict[object, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for entry in self.entries(**filters):
            out[key(entry)][entry.year.year] += entry.amount
        return out

    def by_year(self, **filters) -> dict[int, Decimal]:
        out: dict[int, Decimal] = defaultdict(Decimal)
        for entry in self.entries(**filters):
            out[entry.year.year] += entry.amount
        return out

    def by_funder(self, **filters):
        return self.sum_by(lambda e: e.contribution.funder, **filters)

    def by_nature(self, **filters):
        return self.sum_by(lambda e: e.operation.nature, **filters)

    def by_form(self, **filters):
        """All forms apart (loans included, as their own key): never add the keys together."""
        filters.setdefault("forms", None)
        return self.sum_by(lambda e: e.contribution.form, **filters)

    def by_mode(self, **filters):
        return self.sum_by(lambda e: e.operation.mode, **filters)

    def by_orientation(self, **filters):
        """Main orientation of each operation (None: transversal)."""
        return self.sum_by(lambda e: e.operation.orientation, **filters)

    def by_qpv(self, **filters) -> dict[object, dict[int, Decimal]]:
        """Each QPV for its share (None: the intercommunal part); the shares of one line add up
        to the line exactly (cents rounded, the remainder on the last share)."""
        out: dict[object, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for entry in self.entries(**filters):
            for qpv, amount in split(entry.amount, entry.operation.shares):
                out[qpv][entry.year.year] += amount
        return out

    def quantities_by_unit(self, operations: Iterable[str] | None = None) -> dict[str, Decimal]:
        """Quantities added up per unit, never across units (each operation counted once)."""
        wanted = None if operations is None else set(operations)
        out: dict[str, Decimal] = {}
        for op in self.operations:
            if wanted is not None and op.id not in wanted:
                continue
            for quantity in op.quantities:
                out[quantity.unit] = out.get(quantity.unit, Decimal(0)) + quantity.value
        return {unit: out[unit] for unit in UNITS if unit in out}

    def association_funding(self) -> tuple[Decimal, Decimal]:
        """(through CPO, all) of the funding of operations whose beneficiary is an association
        (an RNA number, or `association: true`)."""
        cpo = total = Decimal(0)
        for entry in self.entries():
            beneficiary = entry.operation.beneficiary or {}
            if not (beneficiary.get("rna") or beneficiary.get("association")):
                continue
            total += entry.amount
            if entry.operation.mode == "cpo":
                cpo += entry.amount
        return cpo, total

    def cpo_share(self) -> Decimal | None:
        """Percentage of association funding through CPO (None: no association funding)."""
        cpo, total = self.association_funding()
        if not total:
            return None
        return (100 * cpo / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def split(amount: Decimal, shares: tuple[Share, ...]) -> list[tuple[str | None, Decimal]]:
    """`amount` spread over `shares`, rounded to the cent, adding up to `amount` exactly."""
    if len(shares) == 1:
        return [(shares[0].qpv, amount)]
    out = []
    rest = amount
    for share in shares[:-1]:
        part = (amount * share.fraction).quantize(CENT, rounding=ROUND_HALF_EVEN)
        if part == part.to_integral_value():
            part = part.quantize(Decimal(1))
        out.append((share.qpv, part))
        rest -= part
    out.append((shares[-1].qpv, rest))
    return out
