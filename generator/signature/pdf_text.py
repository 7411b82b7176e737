"""Text and objects of the pages the package draws itself (index page, watermark): Helvetica,
one of the 14 standard fonts, in WinAnsi encoding; widths, wrapping, PDF syntax of strings
and numbers, content streams.
"""

from __future__ import annotations

# --- text ----------------------------------------------------------------------------------------

# Advance widths (1/1000 em) of the WinAnsi characters 32 to 255, from Adobe's Core 14 AFM
# metrics (Helvetica.afm, Helvetica-Bold.afm, Copyright (c) 1985-1997 Adobe Systems Incorporated).
_WIDTHS = {
    False: [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584, 556, 556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333,
        1000, 0, 611, 0, 0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500,
        667, 278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400,
        584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, 667, 667, 667,
        667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778,
        778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889,
        500, 556, 556, 556, 556, 278, 278, 278, 278, 556, 556, 556, 556, 556, 556, 556, 584, 611,
        556, 556, 556, 556, 500, 556, 500,
    ],
    True: [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
        722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
        611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
        500, 389, 280, 389, 584, 556, 556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333,
        1000, 0, 611, 0, 0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500,
        667, 278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, 400,
        584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, 722, 722, 722,
        722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, 722, 722, 778, 778, 778,
        778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, 556, 556, 556, 556, 556, 556, 889,
        556, 556, 556, 556, 556, 278, 278, 278, 278, 611, 611, 611, 611, 611, 611, 611, 584, 611,
        611, 611, 611, 611, 556, 611, 556,
    ],
}  # fmt: skip
# Characters outside WinAnsi that French text commonly holds, and what stands for them.
_SUBSTITUTES = {
    "\u202f": "\u00a0",  # narrow no-break space (amounts) -> no-break space
    "\u2009": " ",
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2032": "'",
    "\u0152": "Œ",
}


def winansi(text: str) -> bytes:
    """The text in WinAnsi encoding (what the standard fonts read); unknown characters -> ?."""
    text = "".join(_SUBSTITUTES.get(ch, ch) for ch in text)
    text = "".join(" " if ch in "\r\n\t" else ch for ch in text)
    return text.encode("cp1252", errors="replace")


def text_width(text: str, size: float, bold: bool = False) -> float:
    widths = _WIDTHS[bold]
    return sum(widths[b - 32] if b >= 32 else 0 for b in winansi(text)) * size / 1000


def pdf_string(text: str) -> bytes:
    """A PDF literal string for `text`, escaped."""
    data = winansi(text)
    data = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + data + b")"


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Split `text` into lines no wider than `width` (a word longer than a line is cut)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, size, bold) > width and len(word) > 1:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size, bold) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def pdf_number(value: float) -> str:
    """A number as PDF content streams write it: at most 3 decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- objects -------------------------------------------------------------------------------------


def add_stream(writer, data: bytes, extra: dict | None = None):
    """Add a (compressed) stream to the writer; returns its indirect reference."""
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    if extra:
        stream.update(extra)
    try:
        stream = stream.flate_encode()
    except Exception:  # pragma: no cover - flate is always available
        pass
    return writer._add_object(stream)


def standard_font(writer, bold: bool):
    """Add Helvetica (or Helvetica-Bold), WinAnsi encoding, to the writer; its reference."""
    from pypdf.generic import DictionaryObject, NameObject

    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica-Bold" if bold else "/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
