"""Deterministic simplification of the official QPV outlines, to ship a small copy.

`python -m generator.region.contours_simplify SOURCE.json.gz DEST.json.gz` rewrites the shared
contours file (see generator/data/PROVENANCE.md) with every ring simplified by Douglas-Peucker
at a fixed tolerance; the same source always gives the same bytes.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

TOLERANCE = 0.00025  # degrees, about 20 m: enough for a locator map, not a survey
DECIMALS = 4


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify_line(points: list, tolerance: float = TOLERANCE) -> list:
    """Douglas-Peucker, iterative (no recursion limit on long rings)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, None
        for i in range(first + 1, last):
            distance = _perpendicular(points[i], points[first], points[last])
            if distance > best:
                best, index = distance, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list, tolerance: float = TOLERANCE) -> list | None:
    """A closed ring simplified; None when it collapses below a triangle."""
    rounded = []
    for x, y in ring:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not rounded or rounded[-1] != point:
            rounded.append(point)
    if len(rounded) < 4:
        return rounded if len(rounded) >= 3 else None
    # split the closed ring at its farthest point from the start so both halves keep shape
    start = rounded[0]
    far = max(range(len(rounded)), key=lambda i: _perpendicular(rounded[i], start, start))
    half = simplify_line(rounded[: far + 1], tolerance)[:-1] + simplify_line(
        rounded[far:], tolerance
    )
    if half[0] != half[-1]:
        half.append(half[0])
    return half if len(half) >= 4 else None


def simplify_polygons(polygons: list, tolerance: float = TOLERANCE) -> list:
    result = []
    for polygon in polygons:
        rings = [simplify_ring(ring, tolerance) for ring in polygon]
        if rings and rings[0] is not None:
            result.append([r for r in rings if r is not None])
    if not result:  # a tiny QPV: keep its outer ring as it was, rounded
        result = [[[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in polygons[0][0]]]]
    return result


def simplify_file(source: Path, destination: Path) -> None:
    data = json.loads(gzip.decompress(source.read_bytes()))
    qpvs = [
        {"code": q["code"], "label": q["label"], "g": simplify_polygons(q["g"])}
        for q in sorted(data["qpvs"], key=lambda q: q["code"])
    ]
    meta = dict(data["meta"])
    meta["simplification"] = f"Douglas-Peucker, tolérance {TOLERANCE}°, {DECIMALS} décimales"
    text = json.dumps({"meta": meta, "qpvs": qpvs}, ensure_ascii=False, separators=(",", ":"))
    destination.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    simplify_file(Path(sys.argv[1]), Path(sys.argv[2]))
