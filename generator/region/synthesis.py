"""The whole synthesis: gathered territories in, the bytes of every output file out."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.region.checks import CrossCheck, cross_checks
from generator.region.figures import Region, region_figures
from generator.region.territory import Territory

OUTPUTS = (
    "synthese-regionale.docx",
    "synthese-regionale.xlsx",
    "acteurs.csv",
    "acteurs.geojson",
    "carte.html",
)


@dataclass
class Synthesis:
    territories: list[Territory]
    region: Region
    checks: list[CrossCheck]
    files: dict[str, bytes] = field(default_factory=dict)


def _date(territories: list[Territory]) -> str:
    """The latest contract date: the outputs are dated by their data, not by the clock."""
    dates = [
        str((t.data.get("contrat") or {}).get("date") or "")
        for t in territories
        if isinstance(t.data.get("contrat"), dict)
    ]
    return max((d for d in dates if len(d) == 10), default="2024-01-01")


def workbook_tables(region: Region, checks: list[CrossCheck]) -> list:
    from generator.region import tables as t

    return [
        t.key_figures(region),
        t.territories_table(region),
        *t.frame("région", region),
        t.tfpb_table(region),
        t.themes_tables(region)[1],
        t.signatories_tables(region)[1],
        t.shared_actors_table(region),
        t.actors_table(region),
        t.operations_table(region),
        t.warnings_table(checks),
    ]


def synthesize(territories: list[Territory]) -> Synthesis:
    from generator.region.exports import actors_csv, actors_geojson
    from generator.region.map_page import map_page
    from generator.region.report_docx import synthesis_docx
    from generator.region.workbook import workbook_bytes

    region = region_figures(territories)
    checks = cross_checks(region)
    date = _date(territories)
    result = Synthesis(territories, region, checks)
    result.files = {
        "synthese-regionale.docx": synthesis_docx(region, checks, date),
        "synthese-regionale.xlsx": workbook_bytes(workbook_tables(region, checks), date),
        "acteurs.csv": actors_csv(region),
        "acteurs.geojson": actors_geojson(region),
        "carte.html": map_page(region, territories),
    }
    return result
