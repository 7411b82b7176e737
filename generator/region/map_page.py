"""`carte.html`: one self-contained page (inline data, script and style; no network) drawing the
QPV outlines of the territories, coloured by a chosen figure, with the contract, actors and
commitments of a QPV on a click and a search box for an actor."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from importlib import resources

from generator.description.contours import qpv_outlines
from generator.description.reference import qpv_reference
from generator.documents.formatting import montant
from generator.region.exports import actor_qpv
from generator.region.figures import Region, labels
from generator.region.territory import Territory

SCALE = 10000  # SVG units per degree of latitude


def _asset(name: str) -> str:
    return resources.files("generator.region").joinpath("assets", name).read_text("utf-8")


def _project(lon: float, lat: float, cos0: float) -> tuple[int, int]:
    return round(lon * cos0 * SCALE), round(-lat * SCALE)


def _path(polygons, cos0: float) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [_project(x, y, cos0) for x, y in ring]
            out = [f"M{points[0][0]} {points[0][1]}"]
            previous = points[0]
            for point in points[1:]:
                if point != previous:
                    out.append(f"l{point[0] - previous[0]} {point[1] - previous[1]}")
                    previous = point
            parts.append("".join(out) + "z")
    return "".join(parts)


def _commitments(territory: Territory, code: str) -> list[str]:
    names = {s.get("id"): s.get("nom") for s in territory.items("signataires")}
    out = []
    for sheet in territory.items("engagements"):
        who = str(names.get(sheet.get("signataire")) or sheet.get("signataire") or "")
        for objective in sheet.get("objectifs") or []:
            if isinstance(objective, dict) and code in (objective.get("qpv") or []):
                out.append(f"{who} : {objective.get('libelle')}")
    return out


def map_page(region: Region, territories: list[Territory]) -> bytes:
    outlines, reference = qpv_outlines(), qpv_reference()
    kinds, themes = labels()["acteur"], labels()["theme"]
    by_name = {t.name: t for t in territories}
    actors = []
    actors_of_qpv: dict[str, list[int]] = {}
    for actor in region.actors:
        codes = actor_qpv(actor, region)
        for code in codes:
            actors_of_qpv.setdefault(code, []).append(len(actors))
        actors.append(
            {
                "nom": actor.name,
                "nature": kinds.get(actor.kind, actor.kind),
                "siren": actor.siren,
                "rna": actor.rna,
                "territoire": actor.territory,
                "qpv": [c for c in codes if c in region.qpv_owner],
                "themes": [themes.get(t, t) for t in actor.themes],
                "finance": montant(actor.funding) if actor.funding else "",
            }
        )
    codes = [c for c in region.qpv if c in outlines]
    lats = [p[1] for c in codes for poly in outlines[c].polygons for p in poly[0]]
    cos0 = math.cos(math.radians((min(lats) + max(lats)) / 2)) if lats else 1.0
    figures = [
        {"label": "Financements fléchés sur le QPV, par habitant", "unit": "€"},
        {"label": "Nombre d'acteurs", "unit": ""},
        {"label": "Habitants", "unit": ""},
        {"label": "Engagements de droit commun ciblés", "unit": ""},
    ]
    qpv = []
    box = [math.inf, math.inf, -math.inf, -math.inf]
    territory_figures = {t.name: t for t in region.territories}
    for code in codes:
        owner = region.qpv_owner[code]
        figures_t, territory = territory_figures[owner], by_name[owner]
        population = next(
            (q.get("population") for q in territory.qpv if q.get("code") == code), None
        )
        # the QPV's own share in the ledger (the intercommunal part is not spread over QPV)
        money = figures_t.totals.by_qpv.get(code, Decimal(0))
        per_head = float(money / population) if isinstance(population, int) and population else None
        commitments = _commitments(territory, code)
        d = _path(outlines[code].polygons, cos0)
        x0, y0, x1, y1 = outlines[code].bbox
        (ax, ay), (bx, by) = _project(x0, y1, cos0), _project(x1, y0, cos0)
        box = [min(box[0], ax), min(box[1], ay), max(box[2], bx), max(box[3], by)]
        qpv.append(
            {
                "code": code,
                "nom": reference[code].nom if code in reference else outlines[code].label,
                "territoire": owner,
                "epci": figures_t.epci,
                "d": d,
                "v": [
                    round(per_head, 2) if per_head is not None else None,
                    len(actors_of_qpv.get(code, [])),
                    population if isinstance(population, int) else None,
                    len(commitments),
                ],
                "acteurs": actors_of_qpv.get(code, []),
                "engagements": commitments,
            }
        )
    if not qpv:
        box = [0, 0, 1, 1]
    margin = max(box[2] - box[0], box[3] - box[1]) * 0.03 + 10
    view = [
        box[0] - margin,
        box[1] - margin,
        box[2] - box[0] + 2 * margin,
        box[3] - box[1] + 2 * margin,
    ]
    payload = {
        "viewBox": [round(v) for v in view],
        "figures": figures,
        "qpv": qpv,
        "acteurs": actors,
        "source": "Contours : ANCT, quartiers prioritaires 2024 (data.gouv.fr), simplifiés ; "
        "acteurs et montants : descriptions des territoires.",
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # nothing in the data can close the script element
    page = (
        _asset("carte.html")
        .replace("/*CSS*/", _asset("carte.css"))
        .replace("/*JS*/", _asset("carte.js"))
        .replace("/*DATA*/", data)
    )
    return page.encode("utf-8")
