"""The actors for IREV's own files: `acteurs.csv` and `acteurs.geojson`.

Only what may leave a territory: name, kind, SIREN or RNA, QPV, themes. No contact detail is
ever read here (`figures.Actor` has none).
"""

from __future__ import annotations

import csv
import io
import json

from generator.description.contours import qpv_outlines
from generator.description.reference import qpv_reference
from generator.region.figures import Actor, Region, labels

CSV_COLUMNS = [
    "territoire",
    "epci",
    "identifiant",
    "nom",
    "nature",
    "siren",
    "rna",
    "qpv",
    "noms_qpv",
    "themes",
    "financements_recus_eur",
]


def actor_qpv(actor: Actor, region: Region) -> list[str]:
    """The QPV an actor acts in (all its territory's QPV when it lists none)."""
    if actor.qpv:
        return list(actor.qpv)
    return next((t.qpv for t in region.territories if t.name == actor.territory), [])


def actors_csv(region: Region) -> bytes:
    """UTF-8 with a byte-order mark and « ; » separators: Excel opens it as it is."""
    kinds, themes = labels()["acteur"], labels()["theme"]
    epci = {t.name: t.epci for t in region.territories}
    reference = qpv_reference()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for actor in region.actors:
        codes = actor_qpv(actor, region)
        writer.writerow(
            [
                actor.territory,
                epci.get(actor.territory, ""),
                actor.id,
                actor.name,
                kinds.get(actor.kind, actor.kind),
                actor.siren,
                actor.rna,
                ";".join(codes),
                ";".join(reference[c].nom if c in reference else c for c in codes),
                ";".join(themes.get(t, t) for t in actor.themes),
                str(actor.funding).replace(".", ","),  # French Excel reads a comma
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def actors_geojson(region: Region) -> bytes:
    """One point per actor and QPV it acts in, at the QPV's centre (WGS84)."""
    kinds, themes = labels()["acteur"], labels()["theme"]
    outlines, reference = qpv_outlines(), qpv_reference()
    features = []
    for actor in region.actors:
        for code in actor_qpv(actor, region):
            outline = outlines.get(code)
            if outline is None:
                continue
            lon, lat = outline.centre
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "territoire": actor.territory,
                        "acteur": actor.id,
                        "nom": actor.name,
                        "nature": kinds.get(actor.kind, actor.kind),
                        "siren": actor.siren or None,
                        "rna": actor.rna or None,
                        "qpv": code,
                        "nom_qpv": reference[code].nom if code in reference else None,
                        "themes": [themes.get(t, t) for t in actor.themes],
                    },
                }
            )
    collection = {"type": "FeatureCollection", "features": features}
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
