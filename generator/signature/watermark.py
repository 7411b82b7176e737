"""The diagonal « PROJET » watermark, on every page of a contract that is not final.

The letters are drawn as stroked paths, not as text: copying text from the PDF, searching it
or reading it aloud never mixes « PR OJ ET » into the sentences of the page, and no font is
needed for it.
"""

from __future__ import annotations

import math

from generator.signature.pdf_text import add_stream, pdf_number

WATERMARK = "PROJET"
# Block letters in a box of height 0.72 centred on the baseline y = 0 (units of the form):
# each letter is a list of paths, a path is a start point then segments, a segment a line
# (x, y) or a cubic curve (x1, y1, x2, y2, x, y).
_STROKE = 0.11
_LETTER = 0.5
_GAP = 0.17
_B, _T, _M = -0.36 + _STROKE / 2, 0.36 - _STROKE / 2, 0.0
_K = 1.33  # control distance of a half circle drawn as one cubic, in radii
_R = (_T - _M) / 2


def _letters() -> dict[str, list[list[tuple]]]:
    w, b, t, m, r = _LETTER, _B, _T, _M, _R
    bowl = [(0, b), (0, t), (w - r, t), (w - r + _K * r, t, w - r + _K * r, m, w - r, m), (0, m)]
    half = (t - b) / 2
    kx, ky = 0.5523 * w / 2, 0.5523 * half
    cx, cy = w / 2, (t + b) / 2
    ring = [
        (cx, t),
        (cx + kx, t, w, cy + ky, w, cy),
        (w, cy - ky, cx + kx, b, cx, b),
        (cx - kx, b, 0, cy - ky, 0, cy),
        (0, cy + ky, cx - kx, t, cx, t),
    ]
    hook = w / 2
    return {
        "P": [bowl],
        "R": [bowl, [(w - r, m), (w, b)]],
        "O": [ring],
        "J": [
            [(w * 0.25, t), (w, t)],
            [
                (w, t),
                (w, b + hook),
                (w, b + hook - _K * hook, 0, b + hook - _K * hook, 0, b + hook),
            ],
        ],
        "E": [[(w, t), (0, t), (0, b), (w, b)], [(0, m), (w * 0.85, m)]],
        "T": [[(-0.04, t), (w + 0.04, t)], [(w / 2, t), (w / 2, b)]],
    }


def letter_paths(word: str = WATERMARK) -> tuple[bytes, float]:
    """The PDF path operators that draw `word` centred on (0, 0), and its width."""
    shapes = _letters()
    width = len(word) * _LETTER + (len(word) - 1) * _GAP
    out = []
    for i, letter in enumerate(word):
        dx = -width / 2 + i * (_LETTER + _GAP)
        for path in shapes[letter]:
            (x, y), *segments = path
            ops = [f"{pdf_number(x + dx)} {pdf_number(y)} m"]
            for seg in segments:
                points = " ".join(
                    pdf_number(v + (dx if j % 2 == 0 else 0)) for j, v in enumerate(seg)
                )
                ops.append(f"{points} {'l' if len(seg) == 2 else 'c'}")
            out.append(" ".join(ops) + " S")
    return "\n".join(out).encode(), width


class Watermark:
    """« PROJET » across each page, drawn through one shared form XObject."""

    NAME = "/CdvFiligraneProjet"

    def __init__(self, writer, bold_font=None):
        from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

        self.writer = writer
        paths, size_one = letter_paths()
        self.width = size_one
        content = (
            f"q 0.6 0.6 0.6 RG /G gs {pdf_number(_STROKE)} w 0 J 0 j\n".encode() + paths + b"\nQ"
        )
        resources = DictionaryObject(
            {
                NameObject("/ExtGState"): DictionaryObject(
                    {
                        NameObject("/G"): DictionaryObject(
                            {
                                NameObject("/Type"): NameObject("/ExtGState"),
                                NameObject("/ca"): FloatObject(0.3),
                                NameObject("/CA"): FloatObject(0.3),
                            }
                        )
                    }
                ),
            }
        )
        self.form = add_stream(
            writer,
            content,
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(v) for v in (-size_one / 2 - 0.1, -0.6, size_one / 2 + 0.1, 1)]
                ),
                NameObject("/Resources"): resources,
            },
        )
        self.open = add_stream(writer, b"q\n")
        self.stamps: dict[tuple, object] = {}

    def _stamp(self, box: tuple[float, float, float, float], rotate: int):
        key = (*box, rotate)
        if key not in self.stamps:
            x0, y0, x1, y1 = box
            width, height = x1 - x0, y1 - y0
            if rotate in (90, 270):
                width, height = height, width
            # across the page as it is shown, from bottom left to top right
            angle = math.atan2(height, width) + math.radians(rotate)
            scale = 0.72 * math.hypot(width, height) / self.width
            scale = min(scale, 0.5 * min(width, height))
            cos, sin = scale * math.cos(angle), scale * math.sin(angle)
            matrix = " ".join(
                pdf_number(v) for v in (cos, sin, -sin, cos, (x0 + x1) / 2, (y0 + y1) / 2)
            )
            self.stamps[key] = add_stream(
                self.writer, f"\nQ q {matrix} cm {self.NAME} Do Q\n".encode()
            )
        return self.stamps[key]

    def apply(self, page) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject

        box = page.cropbox
        rect = tuple(float(v) for v in (box.left, box.bottom, box.right, box.top))
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        xobjects.get_object()[NameObject(self.NAME)] = self.form
        contents = page.get("/Contents")
        if contents is None:
            existing = []
        else:
            resolved = contents.get_object()
            existing = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject(
            [self.open, *existing, self._stamp(rect, rotate)]
        )


def has_watermark(page) -> bool:
    """True when the page (pypdf) draws the « PROJET » watermark."""
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None or Watermark.NAME not in xobjects.get_object():
        return False
    return Watermark.NAME.encode() in page.get_contents().get_data()
