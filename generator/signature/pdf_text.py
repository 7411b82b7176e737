"""Text and objects of the pages the package draws itself (index page, watermark): text in
WinAnsi encoding, drawn in an embedded TrueType face (`embedded_font`) whose widths give the
wrapping; PDF syntax of strings and numbers, content streams.
"""

from __future__ import annotations

# --- text ----------------------------------------------------------------------------------------

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
    """Width of `text` in points, in the embedded face the page is drawn with."""
    from generator.signature.embedded_font import faces

    face = faces()[bold]
    return sum(face.width(b) for b in winansi(text)) * size / 1000


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


def page_font(writer, bold: bool):
    """Add the embedded face (regular or bold, WinAnsi encoding) to the writer; its reference."""
    from generator.signature.embedded_font import add_font, faces

    return add_font(writer, faces()[bold])
