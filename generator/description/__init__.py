"""Describing a territory: its folder of YAML files in, a validated `Description` out.

Reads every file with its line and column (`load`), checks the JSON Schema (`schema`) and the
business rules (`rules`), and returns every problem as data (`problems`, `validate`); also holds the
official list of the QPV (`reference`), the commented starter of a new territory (`starter`) and
the checks that keep names and paths in their place (`paths`).
"""

from generator._exports import lazy_exports

_NAMES = {
    "Description": "load",
    "load_territory": "load",
    "parse_file": "load",
    "is_territory": "load",
    "Problem": "problems",
    "ERREUR": "problems",
    "AVERTISSEMENT": "problems",
    "Target": "validate",
    "UsageError": "validate",
    "discover": "validate",
    "validate_target": "validate",
    "validate_many": "validate",
    "load_schema": "schema",
    "schema_problems": "schema",
    "rule_problems": "rules",
    "qpv_reference": "reference",
    "annex_file": "paths",
    "name_problem": "paths",
    "legal_frame": "legal_frame",
    "LegalFrame": "legal_frame",
    "StarterError": "starter",
    "write_starter": "starter",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
