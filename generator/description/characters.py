"""Characters that a description may not hold, and text made safe for XML and for a terminal.

One place for the character classes: the reader refuses them at load (with the line), the
writer of XML parts never lets one through whatever its input, and the command line never
prints one raw.
"""

from __future__ import annotations

import re
import unicodedata

# Characters XML 1.0 forbids (controls but tab and line ends, lone surrogates, U+FFFE/U+FFFF):
# one of them in a part makes the whole .docx unreadable.
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Unicode non-characters (U+FDD0-U+FDEF and the last two code points of every plane): never
# text, usually the debris of a broken conversion.
_NONCHARACTERS = re.compile(
    "[\ufdd0-\ufdef\ufffe\uffff"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
    )
    + "]"
)

# Bidirectional embeddings, overrides and isolates: they make the text shown differ from the
# text stored (« Trojan Source »).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")

# Controls a terminal acts upon (C0 but tab and newline, DEL, C1: ESC, CSI, OSC, BEL, \r...).
_TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Every character `forbidden_character` refuses, in one class: a text without any (nearly all
# of them) is cleared by one regular-expression search instead of a loop over its characters.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
    + _NONCHARACTERS.pattern[1:-1]
    + BIDI_CONTROLS
    + "]"
)


def forbidden_character(text: str) -> tuple[int, str] | None:
    """The first character a description may not hold: (offset, French explanation), or None.

    Refused: controls other than tab and line ends (XML forbids most of them, and the others
    act on a terminal), Unicode non-characters, and bidirectional controls.
    """
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    start = found.start()
    for index, char in enumerate(text[start:], start):
        code = ord(char)
        if char in "\t\n\r":
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F:
            return index, (
                f"caractère de contrôle invisible {codepoint(char)} (copié depuis Word, un PDF "
                "ou un terminal ?) : supprimez-le ; pour un saut de ligne, utilisez une ligne vide"
            )
        if _NONCHARACTERS.match(char) or 0xD800 <= code <= 0xDFFF:
            return index, (
                f"non-caractère Unicode {codepoint(char)} (reste d'une conversion abîmée ?) : "
                "ce n'est pas du texte et il rendrait le document Word illisible ; supprimez-le"
            )
        if char in BIDI_CONTROLS:
            # An error, not a warning: in a signed contract, the name or sum shown must be the
            # one stored; right-to-left names (arabe, hébreu) display correctly without these
            # characters, so removing them never loses anything.
            return index, (
                f"caractère de contrôle du sens d'écriture {codepoint(char)} "
                f"({unicodedata.name(char, '?').lower()}) : il fait afficher le texte dans un "
                "autre ordre que celui écrit ; supprimez-le (un texte en arabe ou en hébreu "
                "s'affiche correctement sans lui)"
            )
    return None


def strip_forbidden(text: str) -> str:
    """The text without the characters `forbidden_character` refuses (tab and line ends kept)."""
    text = XML_ILLEGAL.sub("", text)
    text = _NONCHARACTERS.sub("", text)
    text = _BIDI.sub("", text)
    return re.sub("[\x7f-\x9f]", "", text)


def xml_safe(text: str) -> str:
    """The text without the characters XML forbids (not escaped: see the caller's escaping)."""
    return XML_ILLEGAL.sub("", text)


def codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def terminal_safe(text: str, keep_styles: bool = False, json: bool = False) -> str:
    """Any text, safe to print: controls (ESC, BEL, \\r...), bidirectional controls and
    non-characters are shown as `\\x1b`, `\\u202e`, never sent raw; newlines and tabs kept.

    `keep_styles`: the colour sequences the command itself added (ESC [ … m) are kept, every
    other control is shown; `json`: shown as JSON escapes (`\\u001b`), so JSON stays valid.
    """

    def show(match: re.Match) -> str:
        code = ord(match.group())
        if json or code > 0xFF:
            return f"\\u{code:04x}"
        return f"\\x{code:02x}"

    def clean(part: str) -> str:
        return _SHOWN.sub(show, part)

    text = str(text)
    if not keep_styles:
        return clean(text)
    pieces = _STYLE.split(text)
    styles = _STYLE.findall(text)
    out = [clean(pieces[0])]
    for style, piece in zip(styles, pieces[1:], strict=True):
        out.append(style + clean(piece))
    return "".join(out)


_SHOWN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff\ufffe\uffff]")
_STYLE = re.compile("\x1b\\[[0-9;]*m")
