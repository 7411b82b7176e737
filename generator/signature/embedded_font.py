"""The font of the pages the package draws itself (the index page): a TrueType font embedded
in the PDF, so that every font of the package is embedded, as a signed document requires.

The font is the one LibreOffice gives the documents' Arial (Liberation Sans, metric-compatible
with Arial and Helvetica), or Arial itself, or — always there, shipped with matplotlib —
DejaVu Sans. It is embedded as a subset of the WinAnsi characters (the same whatever the text:
the same package bytes from run to run), and its widths come from the font itself.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIRST_CHAR, LAST_CHAR = 32, 255

# (regular, bold) candidates, best first
_CANDIDATES = [
    ("liberation2/LiberationSans-Regular.ttf", "liberation2/LiberationSans-Bold.ttf"),
    ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
]


def _font_folders() -> list[Path]:
    folders = [
        Path("/usr/share/fonts/truetype"),
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts/Supplemental"),
    ]
    windows = os.environ.get("WINDIR")
    if windows:
        folders.append(Path(windows) / "Fonts")
    # LibreOffice ships Liberation fonts on Windows and macOS: beside the soffice that
    # CDV_SOFFICE names (see signature.pdf) or that is on the PATH
    soffice = os.environ.get("CDV_SOFFICE") or shutil.which("soffice")
    if soffice:
        program = Path(soffice).resolve().parent
        folders += [program.parent / "share" / "fonts" / "truetype", program / "fonts"]
    return folders


def font_files() -> tuple[Path, Path]:
    """The (regular, bold) TrueType files the index page embeds."""
    for regular, bold in _CANDIDATES:
        for folder in _font_folders():
            if (folder / regular).is_file() and (folder / bold).is_file():
                return folder / regular, folder / bold
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class Face:
    """One embedded face: its PDF name, the subset file, widths and descriptor metrics."""

    name: str  # « ABCDEF+LiberationSans-Bold »
    data: bytes  # the subset TrueType file
    widths: tuple[int, ...]  # advance widths (1/1000 em) of the WinAnsi codes 32..255
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def width(self, code: int) -> int:
        return self.widths[code - FIRST_CHAR] if FIRST_CHAR <= code <= LAST_CHAR else 0


def _winansi_chars() -> dict[int, str]:
    chars = {}
    for code in range(FIRST_CHAR, LAST_CHAR + 1):
        try:
            chars[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            continue  # the five codes cp1252 leaves undefined
    return chars


SUBSET_VERSION = 1  # bump when the subset options change: cached subsets are made again


def _subset(path: Path) -> bytes:
    """The WinAnsi subset of a TrueType file, cached in $TMPDIR/cdv-polices (making it takes a
    second; reading it back, a few milliseconds)."""
    import logging
    import tempfile

    from generator.documents.write import atomic_write

    source = path.read_bytes()
    digest = hashlib.sha256(source + bytes([SUBSET_VERSION])).hexdigest()[:24]
    cached = Path(tempfile.gettempdir()) / "cdv-polices" / f"{digest}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # « FFTM NOT subset… »
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in _winansi_chars().values()])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, data)
    except OSError:
        pass  # a read-only temporary folder: made again next time
    return data


@lru_cache(maxsize=4)
def load_face(path: str) -> Face:
    from fontTools.ttLib import TTFont

    data = _subset(Path(path))
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    chars = _winansi_chars()
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    widths = []
    for code in range(FIRST_CHAR, LAST_CHAR + 1):
        glyph = cmap.get(ord(chars[code])) if code in chars else None
        widths.append(round(hmtx[glyph][0] * scale) if glyph else 0)
    head, hhea = font["head"], font["hhea"]
    os2 = font["OS/2"] if "OS/2" in font else None
    cap = getattr(os2, "sCapHeight", 0) or round(0.72 * head.unitsPerEm)
    postscript = font["name"].getDebugName(6) or Path(path).stem
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
    return Face(
        name=f"{tag}+{postscript}",
        data=data,
        widths=tuple(widths),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(cap * scale),
    )


def faces() -> dict[bool, Face]:
    """bold -> face, loaded once per process."""
    regular, bold = font_files()
    return {False: load_face(str(regular)), True: load_face(str(bold))}


def add_font(writer, face: Face):
    """Add `face` to the writer as an embedded TrueType font (WinAnsi); its reference."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
    )

    stream = DecodedStreamObject()
    stream.set_data(face.data)
    stream[NameObject("/Length1")] = NumberObject(len(face.data))
    file = writer._add_object(stream.flate_encode())
    descriptor = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): NameObject("/" + face.name),
                NameObject("/Flags"): NumberObject(32),  # non-symbolic
                NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in face.bbox),
                NameObject("/ItalicAngle"): NumberObject(0),
                NameObject("/Ascent"): NumberObject(face.ascent),
                NameObject("/Descent"): NumberObject(face.descent),
                NameObject("/CapHeight"): NumberObject(face.cap_height),
                NameObject("/StemV"): NumberObject(80),
                NameObject("/FontFile2"): file,
            }
        )
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): NameObject("/" + face.name),
                NameObject("/FirstChar"): NumberObject(FIRST_CHAR),
                NameObject("/LastChar"): NumberObject(LAST_CHAR),
                NameObject("/Widths"): ArrayObject(NumberObject(w) for w in face.widths),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): descriptor,
            }
        )
    )
