"""The ledger: the money and the commitments of a territory, every euro typed once.

Takes the merged data of a description in format 2 (a format-1 description is first converted
in memory by `convert`) and gives a `Ledger` of frozen `Operation`s with the aggregations every
table reads (by year, funder, nature, form, award mode, orientation, QPV; quantities by unit).
`migrate` rewrites a format-1 folder as format 2 on disk.
"""

from generator._exports import lazy_exports

_NAMES = {
    "Ledger": "model",
    "Operation": "model",
    "Contribution": "model",
    "YearAmount": "model",
    "Share": "model",
    "Quantity": "model",
    "Entry": "model",
    "build_ledger": "build",
    "ledger_of": "build",
    "split": "model",
    "FORMAT_VERSION": "convert",
    "Conversion": "convert",
    "convert_format_1": "convert",
    "upgrade_description": "convert",
    "MigrationError": "migrate",
    "MigrationReport": "migrate",
    "migrate_territory": "migrate",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
