"""Amounts in euros as people write them, read into a Decimal or refused with the reason.

`parse_amount` is a pure function shared by the spreadsheet import and by anything else that reads
an amount typed by a person (a YAML `montant: 150.000` is as ambiguous as a spreadsheet cell).

Accepted: numbers (from a spreadsheet cell), « 150000 », « 150 000 » (spaces, no-break spaces,
narrow no-break spaces or apostrophes between groups of three digits), « 150 000,50 »,
« 150000.5 », « 1.234.567 » (several dots: thousands), with or without « € », « EUR » or
« euros ». Refused, with a French reason: a negative amount, more than two decimals, a single
separator followed by exactly three digits (« 150.000 », « 150,000 »: thousands or decimals?),
both a comma and a dot (« 1,234.56 », « 1.234,56 ») unless the caller says which one is the
decimal separator, and anything that is not a number.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

__all__ = ["AmountError", "parse_amount"]

CENT = Decimal("0.01")
_CURRENCY = re.compile(r"(?i)\s*(€|eur(?:os?)?)\s*")
_GROUP_SPACES = "\u0020\u00a0\u202f\u2009\u2007'’"
_DIGITS = re.compile(r"\d+")


class AmountError(ValueError):
    """An amount that cannot be read without guessing; `reason` is French, for the user."""

    def __init__(self, reason: str, value: object = None):
        super().__init__(reason)
        self.reason = reason
        self.value = value


def parse_amount(value: object, decimal: str | None = None) -> Decimal | None:
    """The amount in euros written in `value`, or None for an empty cell.

    `decimal` is the decimal separator when the source says it (« , » or « . »); without it
    a form that could be read two ways is refused.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError("une case cochée (vrai/faux) n'est pas un montant", value)
    if isinstance(value, int):
        return _checked(Decimal(value), value)
    if isinstance(value, float):
        return _from_float(value)
    if isinstance(value, Decimal):
        return _checked(value, value)
    if not isinstance(value, str):
        raise AmountError(f"« {value} » n'est pas un montant", value)
    return _from_text(value, decimal)


def _from_float(value: float) -> Decimal:
    if math.isnan(value) or math.isinf(value):
        raise AmountError("la case ne contient pas un nombre", value)
    exact = Decimal(repr(value))
    cents = exact.quantize(CENT)
    if abs(exact - cents) > Decimal("0.000001"):
        raise AmountError(
            f"« {value} » a plus de deux décimales : un montant en euros s'arrête aux centimes",
            value,
        )
    return _checked(cents, value)


def _checked(amount: Decimal, original: object) -> Decimal:
    if amount < 0:
        raise AmountError(
            f"« {original} » est négatif : un montant de financement est positif (une baisse "
            "s'écrit en corrigeant le montant de l'année)",
            original,
        )
    if amount != amount.quantize(CENT):
        raise AmountError(
            f"« {original} » a plus de deux décimales : un montant en euros s'arrête aux centimes",
            original,
        )
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount


def _from_text(text: str, decimal: str | None) -> Decimal | None:
    original = text
    text = text.strip()
    if not text or text in {"-", "–", "—"}:
        return None
    text = _CURRENCY.sub("", text).strip()
    if text.startswith("-") or (text.startswith("(") and text.endswith(")")):
        raise AmountError(
            f"« {original.strip()} » est négatif : un montant de financement est positif",
            original,
        )
    if text.startswith("+"):
        text = text[1:]
    # spaces between digit groups: « 150 000 » (all groups after the first of three digits)
    if any(ch in text for ch in _GROUP_SPACES):
        parts = re.split(f"[{_GROUP_SPACES}]+", text)
        if not (
            parts[0]
            and _DIGITS.fullmatch(parts[0])
            and len(parts[0]) <= 3
            and all(re.fullmatch(r"\d{3}([.,]\d*)?", p) for p in parts[1:])
        ):
            raise AmountError(
                f"« {original.strip()} » n'est pas un montant lisible (les espaces séparent les "
                "milliers : « 150 000 » ou « 150 000,50 »)",
                original,
            )
        text = "".join(parts)
        grouped = True
    else:
        grouped = False
    if not re.fullmatch(r"[\d.,]+", text) or not re.search(r"\d", text):
        raise AmountError(f"« {original.strip()} » n'est pas un montant", original)
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        return _mixed(text, original, decimal)
    sep = "," if commas else "." if dots else None
    if sep is None:
        return _checked(Decimal(text), original.strip())
    count = commas or dots
    head, _, tail = text.rpartition(sep)
    if count > 1:
        # several identical separators: thousands (« 1.234.567 »), never decimals
        groups = text.split(sep)
        if decimal == sep or not _thousands(groups):
            raise AmountError(
                f"« {original.strip()} » n'est pas un montant lisible (séparateurs de milliers "
                "mal placés)",
                original,
            )
        return _checked(Decimal("".join(groups)), original.strip())
    if not head or not tail:
        raise AmountError(f"« {original.strip()} » n'est pas un montant", original)
    if decimal is not None and sep != decimal:
        # the source says this separator groups thousands
        if len(tail) != 3 or len(head) > 3 or grouped:
            raise AmountError(
                f"« {original.strip()} » : « {sep} » sépare ici les milliers et doit être suivi "
                "de trois chiffres",
                original,
            )
        return _checked(Decimal(head + tail), original.strip())
    if len(tail) == 3 and decimal is None and not grouped:
        raise AmountError(
            f"« {original.strip()} » est ambigu : « {sep} » suivi de trois chiffres peut séparer "
            f"les milliers ({head}{tail} €) ou les décimales ({head},{tail} €) ; écrivez "
            f"« {_spaced(head + tail)} » ou « {head},{tail[:2]} »",
            original,
        )
    return _checked(_decimal(f"{head}.{tail}", original), original.strip())


def _mixed(text: str, original: str, decimal: str | None) -> Decimal:
    """Both a comma and a dot: decidable only when the source names its decimal separator."""
    if decimal is None:
        raise AmountError(
            f"« {original.strip()} » mêle une virgule et un point : les milliers et les "
            "décimales ne se devinent pas (« 1,234.56 » à l'anglaise ou « 1.234,56 » à "
            "l'allemande) ; écrivez « 1 234,56 », ou indiquez « separateur_decimal » dans le "
            "modèle de colonnes",
            original,
        )
    thousands = "." if decimal == "," else ","
    if text.count(decimal) != 1:
        raise AmountError(f"« {original.strip()} » n'est pas un montant lisible", original)
    head, _, tail = text.partition(decimal)
    if thousands in tail or not _thousands(head.split(thousands)):
        raise AmountError(
            f"« {original.strip()} » n'est pas un montant lisible (avec « {decimal} » pour les "
            f"décimales, « {thousands} » ne sépare que des milliers)",
            original,
        )
    return _checked(_decimal(head.replace(thousands, "") + "." + tail, original), original.strip())


def _thousands(groups: list[str]) -> bool:
    return (
        1 <= len(groups[0]) <= 3
        and groups[0].isdigit()
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    )


def _decimal(text: str, original: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise AmountError(f"« {original.strip()} » n'est pas un montant", original) from None


def _spaced(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    return " ".join([digits, *out])
