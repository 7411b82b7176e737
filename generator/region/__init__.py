"""The regional synthesis: many territories in, regional figures and the map of the actors out.

Takes territories read and summed up in worker processes (`gather`), computes the regional figures and the cross-territory
warnings (`figures`, `checks`; money only through `money`), and gives the bytes of the Word
synthesis, the workbook, the CSV and GeoJSON of the actors and the offline map page.
"""

from generator._exports import lazy_exports

_NAMES = {
    "Territory": "territory",
    "gather": "gather",
    "MoneyRow": "money",
    "money_rows": "money",
    "Region": "figures",
    "region_figures": "figures",
    "CrossCheck": "checks",
    "cross_checks": "checks",
    "Synthesis": "synthesis",
    "synthesize": "synthesis",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
