"""What the conversion of format 1 guesses from the text the pilot wrote: identifiers, the form
of a contribution (« Prêt », « Fonds propres »), the award mode (« Adultes-relais », « CPO »), the
quantities squeezed into a label (« Adultes-relais (18 postes) »).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_QUANTITY = re.compile(
    r"\s*\((\d+(?:[.,]\d+)?)\s*(postes?|ETP|etp|places?|logements?|bénéficiaires?)\)", re.I
)
_UNIT = {
    "poste": "postes",
    "etp": "etp",
    "place": "places",
    "logement": "logements",
    "bénéficiaire": "beneficiaires",
}


def slug(text: str, words: int | None = None) -> str:
    """An identifier from a text: 60 characters at most (the ids of the operations made of the
    format-1 lines, which follow-up files already cite); `words`: only the first words."""
    text = str(text).replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if words is not None:
        text = "-".join(text.split("-")[:words])
    return text[:60].strip("-") or "operation"


def _norm(text) -> str:
    return slug(text) if isinstance(text, str) else ""


def _amount(value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Decimal(0)
    return Decimal(str(value))


def _plain(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _form(*texts) -> str:
    joined = " ".join(t for t in texts if isinstance(t, str)).lower()
    if re.search(r"\bpr[eê]ts?\b", joined):
        return "pret"
    if "fonds propres" in joined or "autofinancement" in joined:
        return "fonds_propres"
    if "valorisation" in joined:
        return "valorisation"
    return "subvention"


def _mode(label: str, nature: str, form: str) -> str | None:
    low = (label or "").lower()
    if "adultes-relais" in low or "adultes relais" in low:
        return "adultes_relais"
    if "fonjep" in low:
        return "fonjep"
    if re.search(r"\bcpo\b", low):
        return "cpo"
    if "appel à projets" in low or "appel a projets" in low:
        return "appel_a_projets"
    if nature == "investissement" and form == "subvention":
        return "subvention_investissement"
    return None


def _label_and_quantities(label: str) -> tuple[str, list[dict]]:
    quantities = []
    for match in _QUANTITY.finditer(label or ""):
        unit = match.group(2).lower().rstrip("s")
        value = Decimal(match.group(1).replace(",", "."))
        quantities.append({"valeur": _plain(value), "unite": _UNIT.get(unit, "postes")})
    return _QUANTITY.sub("", label or "").strip() or label, quantities


class _Ids:
    def __init__(self):
        self.used: set[str] = set()

    def new(self, *candidates: str) -> str:
        for candidate in candidates:
            if candidate and candidate not in self.used:
                self.used.add(candidate)
                return candidate
        base = candidates[-1] or "operation"
        n = 2
        while f"{base}-{n}" in self.used:
            n += 1
        self.used.add(f"{base}-{n}")
        return f"{base}-{n}"


def _dicts(value) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _equal_parts(n: int) -> list:
    if n <= 0:
        return []
    base = Decimal(100) / n
    parts = [_plain(base.quantize(Decimal("0.01"))) for _ in range(n - 1)]
    parts.append(_plain(Decimal(100) - sum((Decimal(str(p)) for p in parts), Decimal(0))))
    return parts
