"""The simplified outlines of the 2024 QPV, shipped with the package (see data/PROVENANCE.md).

Each QPV is a list of polygons, each a list of rings of [longitude, latitude] points (WGS84).
The locator map of a contract and the regional map both draw from here.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CONTOURS_FILE = Path(__file__).resolve().parents[1] / "data" / "qpv-2024-contours.json.gz"


@dataclass(frozen=True)
class Outline:
    code: str
    label: str
    polygons: tuple  # ((ring, ...), ...), ring = ((lon, lat), ...)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [p[0] for poly in self.polygons for ring in poly for p in ring]
        ys = [p[1] for poly in self.polygons for ring in poly for p in ring]
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def centre(self) -> tuple[float, float]:
        """Centroid of the largest outer ring (a point inside most QPV outlines)."""
        ring = max((poly[0] for poly in self.polygons), key=lambda r: abs(_area(r)))
        area = _area(ring)
        if area == 0:
            x0, y0, x1, y1 = self.bbox
            return round((x0 + x1) / 2, 5), round((y0 + y1) / 2, 5)
        cx = cy = 0.0
        for (xa, ya), (xb, yb) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = xa * yb - xb * ya
            cx += (xa + xb) * cross
            cy += (ya + yb) * cross
        return round(cx / (6 * area), 5), round(cy / (6 * area), 5)


def _area(ring) -> float:
    return (
        sum(xa * yb - xb * ya for (xa, ya), (xb, yb) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


@lru_cache(maxsize=1)
def qpv_outlines() -> dict[str, Outline]:
    """All 1,584 QPV outlines by code."""
    data = json.loads(gzip.decompress(CONTOURS_FILE.read_bytes()))
    return {
        q["code"]: Outline(
            q["code"],
            q["label"],
            tuple(tuple(tuple(tuple(p) for p in ring) for ring in poly) for poly in q["g"]),
        )
        for q in data["qpvs"]
    }
