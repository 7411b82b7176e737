"""The diagonal « PROJET » watermark, on every page of a contract that is not final."""

from __future__ import annotations

import math

from generator.signature.pdf_text import add_stream, pdf_number, pdf_string, text_width

WATERMARK = "PROJET"


class Watermark:
    """« PROJET » across each page, drawn through one shared form XObject."""

    NAME = "/CdvFiligraneProjet"

    def __init__(self, writer, bold_font):
        from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

        self.writer = writer
        size_one = text_width(WATERMARK, 1, bold=True)
        self.width = size_one
        content = (
            b"q 0.6 0.6 0.6 rg /G gs BT /F 1 Tf "
            + f"{pdf_number(-size_one / 2)} -0.36 Td ".encode()
            + pdf_string(WATERMARK)
            + b" Tj ET Q"
        )
        resources = DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject({NameObject("/F"): bold_font}),
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
