"""French administrative formatting helpers, registered as Jinja filters (see ``FILTRES``).

All functions are pure. Conventions, applied everywhere:

* thousands separator: U+202F NARROW NO-BREAK SPACE (``1 234 567``), as Babel/CLDR gives it;
* before a unit (``€``, ``%``): U+00A0 NO-BREAK SPACE (``12 €``, ``12,5 %``), also as CLDR does;
* negative numbers use the real minus sign U+2212 (``−1 234 €``), never the hyphen;
* rounding is half-up (``0,005 € → 0,01 €``), done on ``Decimal`` values (floats go through
  ``str`` so ``0.1 + 0.2`` never shows its binary noise);
* amounts in words use the traditional spelling (« deux cent un », not « deux-cent-un »);
* ``None`` (and blank strings) give ``""`` so optional YAML fields render as nothing.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from babel.dates import format_date
from babel.numbers import format_decimal
from num2words import num2words

LOCALE = "fr_FR"
ESPACE_FINE = "\u202f"  # thousands separator
ESPACE_INSECABLE = "\u00a0"  # before € and %, inside « », before : ; ! ?
MOINS = "\u2212"  # minus sign

Nombre = int | float | Decimal | str


# --------------------------------------------------------------------------- numbers


def _decimal(value: Nombre) -> Decimal:
    """Convert a number or a numeric string (``"1 234,5"``, ``"-12.50"``) to a finite Decimal."""
    if isinstance(value, bool):
        raise TypeError(f"un booléen n'est pas un nombre : {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, numbers.Integral):
        result = Decimal(int(value))
    elif isinstance(value, numbers.Real):
        result = Decimal(str(float(value)))
    elif isinstance(value, str):
        text = value.strip().replace(MOINS, "-")
        for space in (" ", ESPACE_INSECABLE, ESPACE_FINE):
            text = text.replace(space, "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"nombre illisible : {value!r}") from None
    else:
        raise TypeError(f"nombre attendu, reçu {type(value).__name__} : {value!r}")
    if not result.is_finite():
        raise ValueError(f"nombre non fini : {value!r}")
    return result


def _vide(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _arrondi(value: Decimal, decimals: int) -> Decimal:
    context = Context(prec=max(28, value.adjusted() + decimals + 2))  # any finite value
    result = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=context)
    return abs(result) if result == 0 else result  # no "−0"


def _format(value: Decimal, decimals: int | None) -> str:
    """Group and sign an already meaningful Decimal; ``decimals=None`` means up to 3, no zeros."""
    # enough digits for any finite value (the default 28 fail on 10**27 with 3 decimals)
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + 8)
        return _format_exact(value, decimals)


def _format_exact(value: Decimal, decimals: int | None) -> str:
    if decimals is None:
        value = _arrondi(value, 3) if value.as_tuple().exponent < -3 else value
        pattern = "#,##0.###"
    else:
        value = _arrondi(value, decimals)
        pattern = "#,##0." + "0" * decimals if decimals > 0 else "#,##0"
    text = format_decimal(abs(value), format=pattern, locale=LOCALE)
    text = text.replace(ESPACE_INSECABLE, ESPACE_FINE)  # older CLDR grouped with U+00A0
    return (MOINS if value < 0 else "") + text


def nombre(value: Nombre | None, decimals: int | None = None) -> str:
    """French number: ``1 234,5``; integers without decimals.

    ``decimals=None`` keeps up to three decimals and drops trailing zeros; an integer value
    fixes the number of decimals (``nombre(2, 1) == "2,0"``).
    """
    if _vide(value):
        return ""
    return _format(_decimal(value), decimals)


def montant(value: Nombre | None, cents: bool | str = "auto") -> str:
    """Amount in euros: ``1 234 567 €``, ``1 234,50 €``, ``−12 €``.

    ``cents="auto"`` shows two decimals only when the rounded amount has cents (never ``,00``);
    ``True`` always shows them; ``False`` rounds to the euro.
    """
    if _vide(value):
        return ""
    if cents not in ("auto", True, False):
        raise ValueError(f"cents doit valoir 'auto', True ou False : {cents!r}")
    amount = _arrondi(_decimal(value), 2)
    if cents is False or (cents == "auto" and amount == amount.to_integral_value()):
        decimals = 0
    else:
        decimals = 2
    return _format(amount, decimals) + ESPACE_INSECABLE + "€"


def pourcentage(value: Nombre | None, decimals: int | None = None) -> str:
    """Percentage, the value being already in percent: ``12.5 → "12,5 %"``."""
    if _vide(value):
        return ""
    return nombre(value, decimals) + ESPACE_INSECABLE + "%"


def pluriel(count: Nombre | None, singulier: str, pluriel: str | None = None) -> str:
    """``"3 logements"``; French singular below 2 (``"0 logement"``, ``"1,5 million"``)."""
    if _vide(count):
        return ""
    forme = singulier if abs(_decimal(count)) < 2 else (pluriel or singulier + "s")
    return f"{nombre(count)} {forme}"


_en_chiffres = pluriel

# Counts written in words in running text (French administrative usage: one to ten)
COMPTE_EN_LETTRES = 10


def compte(
    count: Nombre | None, singulier: str, pluriel: str | None = None, genre: str = "m"
) -> str:
    """A count of things in a sentence: ``"trois quartiers"``, ``"une orientation"`` (genre
    ``"f"``), ``"aucun indicateur"``, digits above ten (``"12 logements"``).

    Not for amounts, table cells or article numbers: those stay in digits (`pluriel`).
    """
    if _vide(count):
        return ""
    value = _decimal(count)
    if value != value.to_integral_value() or not 0 <= value <= COMPTE_EN_LETTRES:
        return _en_chiffres(count, singulier, pluriel)
    entier = int(value)
    feminin = genre.lower().startswith("f")
    if entier == 0:
        return f"{'aucune' if feminin else 'aucun'} {singulier}"
    if entier == 1:
        return f"{'une' if feminin else 'un'} {singulier}"
    return f"{_en_lettres(entier)} {pluriel or singulier + 's'}"


# --------------------------------------------------------------------------- words

_GRAND_NOMBRE = re.compile(r"(?:illion|illiard)s?$")


def _en_lettres(entier: int) -> str:
    """Cardinal number, traditional spelling (num2words gets integers right)."""
    return num2words(entier, lang="fr")


def montant_lettres(value: Nombre | None) -> str:
    """Amount in words: « deux millions d'euros », « douze euros et cinquante centimes ».

    Below one euro only the cents are written (« cinquante centimes »); negative amounts
    start with « moins ».
    """
    if _vide(value):
        return ""
    amount = _arrondi(_decimal(value), 2)
    signe = "moins " if amount < 0 else ""
    euros, centimes = divmod(int(abs(amount) * 100), 100)
    parties = []
    if euros or not centimes:
        mots = _en_lettres(euros)
        if euros < 2:
            unite = "euro"
        elif _GRAND_NOMBRE.search(mots):
            unite = "d'euros"
        else:
            unite = "euros"
        parties.append(f"{mots} {unite}")
    if centimes:
        parties.append(f"{_en_lettres(centimes)} centime{'s' if centimes >= 2 else ''}")
    return signe + " et ".join(parties)


# --------------------------------------------------------------------------- dates


def _date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            try:
                return dt.datetime.fromisoformat(text).date()
            except ValueError:
                raise ValueError(f"date ISO attendue (AAAA-MM-JJ) : {value!r}") from None
    raise TypeError(f"date attendue, reçu {type(value).__name__} : {value!r}")


def date_fr(value: dt.date | str | None) -> str:
    """``"1er mai 2024"``, ``"25 mai 2024"``; accepts dates, datetimes and ISO strings."""
    if _vide(value):
        return ""
    jour = _date(value)
    numero = "1er" if jour.day == 1 else str(jour.day)
    return f"{numero} {format_date(jour, 'MMMM', locale=LOCALE)} {jour.year}"


def mois_annee(value: dt.date | str | None) -> str:
    """``"mai 2024"``."""
    if _vide(value):
        return ""
    jour = _date(value)
    return f"{format_date(jour, 'MMMM', locale=LOCALE)} {jour.year}"


# --------------------------------------------------------------------------- text


def guillemets(text: str | None) -> str:
    """``« text »`` with no-break spaces inside."""
    if text is None:
        return ""
    return f"«{ESPACE_INSECABLE}{text.strip()}{ESPACE_INSECABLE}»"


# URLs and e-mail addresses are left untouched by ``typographie``.
_URL = (
    r"(?P<url>(?<![\w.+-])(?:(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+))"
)
_REGLES = [
    # three dots (and only three) become an ellipsis
    (re.compile(_URL + r"|(?<!\.)\.\.\.(?!\.)", re.I), "…"),
    # ordinary spaces before ; : ! ? and » become one no-break space
    (re.compile(_URL + r"|(?<=\S)[ \t]+(?=[;:!?»])", re.I), ESPACE_INSECABLE),
    # ordinary spaces after « become one no-break space
    (re.compile(_URL + r"|(?<=«)[ \t]+", re.I), ESPACE_INSECABLE),
    # missing space inside « »
    (re.compile(_URL + r"|(?<=«)(?=[^\s»])|(?<=[^\s«])(?=»)", re.I), ESPACE_INSECABLE),
    # an ordinary space between a number and % or € becomes a no-break space
    (re.compile(_URL + r"|(?<=\d)[ \t]+(?=[%€])", re.I), ESPACE_INSECABLE),
    # missing space before ; : ! ? when the sign ends a word (so not 14:30, 1:2, http://)
    (
        re.compile(_URL + r"|(?<=[^\s(\[«\"'“‘;:!?])(?=[;:!?]+(?:\s|$))", re.I),
        ESPACE_INSECABLE,
    ),
]


def typographie(text: str | None) -> str:
    """Conservative French punctuation spacing for free text.

    Puts a no-break space (U+00A0) before ``; : ! ?`` and ``»`` and after ``«``: ordinary
    spaces there are replaced, a missing space is inserted only when the sign ends a word
    (followed by a space or the end), so times (14:30), ratios (1:2) and URLs stay as they
    are. Existing no-break spaces (U+00A0, U+202F) are kept. ``...`` becomes ``…``.
    """
    if text is None:
        return ""
    for regle, remplacement in _REGLES:
        text = regle.sub(lambda m, r=remplacement: m.group("url") or r, text)
    return text


_PUCE = re.compile(r"^\s*[-•–](?:\s+(.*))?$")


def paragraphes(text: str | None) -> list[dict]:
    """Split free text into document blocks.

    A blank line separates paragraphs, a single newline is a line break, consecutive lines
    starting with ``- ``, ``• `` or ``– `` form a bulleted list (an indented line right after
    an item continues it). Returns ``[{"type": "paragraphe", "lignes": [...]},
    {"type": "liste", "elements": [...]}]``.
    """
    blocs: list[dict] = []
    courant: dict | None = None
    for brute in nettoyer(text or "").split("\n"):
        ligne = brute.rstrip()
        puce = _PUCE.match(ligne)
        if not ligne.strip():
            courant = None
        elif puce:
            if courant is None or courant["type"] != "liste":
                courant = {"type": "liste", "elements": []}
                blocs.append(courant)
            if puce.group(1):
                courant["elements"].append(puce.group(1).strip())
        elif courant and courant["type"] == "liste" and ligne[0].isspace() and courant["elements"]:
            courant["elements"][-1] += " " + ligne.strip()
        else:
            if courant is None or courant["type"] != "paragraphe":
                courant = {"type": "paragraphe", "lignes": []}
                blocs.append(courant)
            courant["lignes"].append(ligne.strip())
    return [bloc for bloc in blocs if bloc.get("lignes") or bloc.get("elements")]


_SAUTS = str.maketrans({"\u2028": "\n", "\u2029": "\n", "\u0085": "\n", "\t": " "})
_INVISIBLES = {"\u200b", "\ufeff"}


def nettoyer(text: str | None) -> str:
    """Remove copy-paste debris: control characters (Cc) except ``\\n``, zero-width spaces.

    ``\\r\\n``, ``\\r``, U+2028, U+2029 and U+0085 become ``\\n``; ``\\t`` becomes a space.
    Emoji (including ZWJ sequences) and right-to-left text are kept intact.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SAUTS)
    return "".join(
        c for c in text if c == "\n" or (c not in _INVISIBLES and unicodedata.category(c) != "Cc")
    )


FILTRES = {
    "montant": montant,
    "montant_lettres": montant_lettres,
    "date_fr": date_fr,
    "mois_annee": mois_annee,
    "pourcentage": pourcentage,
    "nombre": nombre,
    "pluriel": pluriel,
    "compte": compte,
    "guillemets": guillemets,
    "typographie": typographie,
}
