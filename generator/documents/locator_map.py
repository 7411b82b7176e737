"""The locator map of annex 1: the contract's QPV outlines (with the neighbouring QPV in grey),
drawn by matplotlib as a PNG whose bytes depend only on the codes (fixed size, font, no date).

`LocatorMap` sits in the context as plain data; `render` turns it into a docxtpl InlineImage
that draws the PNG only when a template shows it.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

WIDTH_MM = 160
COLOURS = ["#000091", "#e1000f", "#18753c", "#b34000", "#6e445a", "#0063cb", "#716043"]


@dataclass(frozen=True)
class LocatorMap:
    """The QPV of a contract, to be drawn as annex 1's map."""

    codes: tuple[str, ...]

    def __bool__(self) -> bool:
        from generator.description.contours import qpv_outlines

        outlines = qpv_outlines()
        return any(code in outlines for code in self.codes)

    def png(self) -> bytes:
        return _draw(self.codes)


def label_boxes(figure, labels) -> list:
    """The boxes (in pixels) the labels cover once drawn, their white background included."""
    renderer = figure.canvas.get_renderer()
    return [label.get_bbox_patch().get_window_extent(renderer) for label in labels]


def separate_labels(figure, labels, rounds: int = 200) -> None:
    """Move apart the labels of quarters close to each other until no two overlap: each pair
    that overlaps is pushed apart along the shorter way out, half each, a little at a time."""
    figure.canvas.draw()
    points = 72 / figure.dpi
    for _ in range(rounds):
        boxes = label_boxes(figure, labels)
        moves = [[0.0, 0.0] for _ in labels]
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                b = boxes[j]
                dx = min(a.x1, b.x1) - max(a.x0, b.x0) + 2  # overlap, with 2 px between
                dy = min(a.y1, b.y1) - max(a.y0, b.y0) + 2
                if dx <= 0 or dy <= 0:
                    continue
                if dy <= dx:
                    sign = 1 if (a.y0 + a.y1) >= (b.y0 + b.y1) else -1
                    moves[i][1] += sign * dy / 2
                    moves[j][1] -= sign * dy / 2
                else:
                    sign = 1 if (a.x0 + a.x1) >= (b.x0 + b.x1) else -1
                    moves[i][0] += sign * dx / 2
                    moves[j][0] -= sign * dx / 2
        if not any(x or y for x, y in moves):
            return
        for label, (x, y) in zip(labels, moves, strict=True):
            ox, oy = label.xyann
            label.xyann = (ox + x * points, oy + y * points)
        figure.canvas.draw()


def _scale_km(span_km: float) -> int:
    for step in (0.5, 1, 2, 5, 10, 20, 50, 100):
        if step >= span_km / 5:
            return step
    return 200


@lru_cache(maxsize=16)
def _draw(codes: tuple[str, ...]) -> bytes:
    return _render(codes)


def label_overlaps(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """The pairs of QPV whose labels overlap on the map of `codes` (none, once separated)."""
    found: list[tuple[str, str]] = []

    def inspect(figure, labels) -> None:
        figure.canvas.draw()
        boxes = label_boxes(figure, labels)
        for i, a in enumerate(boxes):
            for j in range(i + 1, len(boxes)):
                if a.overlaps(boxes[j]):
                    found.append((labels[i].get_text(), labels[j].get_text()))

    _render(codes, inspect)
    return found


def _render(codes: tuple[str, ...], inspect=None) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt
    from matplotlib.patches import Polygon

    from generator.description.contours import qpv_outlines

    outlines = qpv_outlines()
    mine = [outlines[c] for c in codes if c in outlines]
    boxes = [o.bbox for o in mine]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = max(x1 - x0, y1 - y0) * 0.12 + 0.005
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    cos0 = math.cos(math.radians((y0 + y1) / 2))
    with plt.rc_context(
        {
            "font.family": "DejaVu Sans",
            "font.size": 7,
            "svg.hashsalt": "cdv",
            "path.simplify": False,
        }
    ):
        height = max(0.35, min(0.85, (y1 - y0) / ((x1 - x0) * cos0)))
        figure = plt.figure(figsize=(WIDTH_MM / 25.4, WIDTH_MM / 25.4 * height), dpi=150)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(x0, x1)
        axes.set_ylim(y0, y1)
        axes.set_aspect(1 / cos0)
        axes.set_axis_off()
        figure.patch.set_facecolor("#f4f6f8")
        own = set(codes)
        for code, outline in sorted(outlines.items()):
            if code in own:
                continue
            bx0, by0, bx1, by1 = outline.bbox
            if bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1:
                continue
            for polygon in outline.polygons:
                axes.add_patch(Polygon(polygon[0], closed=True, fc="#d9d9d9", ec="#9a9a9a", lw=0.4))
        labels = []
        for index, outline in enumerate(mine):
            colour = COLOURS[index % len(COLOURS)]
            for polygon in outline.polygons:
                axes.add_patch(
                    Polygon(polygon[0], closed=True, fc=colour, ec="#1e1e1e", lw=0.6, alpha=0.55)
                )
            cx, cy = outline.centre
            label = axes.annotate(
                outline.code,
                (cx, cy),
                xytext=(0, 0),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=7,
                fontweight="bold",
                color="#1e1e1e",
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
                # a thin line back to its quarter when the label had to move aside
                arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#1e1e1e", "shrinkA": 0},
            )
            labels.append(label)
        separate_labels(figure, labels)
        if inspect is not None:
            inspect(figure, labels)
        span_km = (x1 - x0) * cos0 * 111.32
        step = _scale_km(span_km)
        length = step / (111.32 * cos0)
        sx, sy = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
        axes.plot([sx, sx + length], [sy, sy], color="#1e1e1e", lw=2, solid_capstyle="butt")
        label = f"{step:g} km".replace(".", ",")
        axes.text(sx + length / 2, sy + (y1 - y0) * 0.02, label, ha="center", fontsize=6)
        axes.text(
            x1 - (x1 - x0) * 0.01,
            y0 + (y1 - y0) * 0.01,
            "Contours : ANCT, QPV 2024 (simplifiés) ; en gris, les QPV voisins",
            ha="right",
            va="bottom",
            fontsize=5,
            color="#555555",
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
        plt.close(figure)
    return buffer.getvalue()
