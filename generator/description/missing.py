"""Markers of missing data: what a pilot writes in place of a number that does not exist.

A diagnostic value (or an indicator's baseline) is a number, or one of these markers; the
documents print the marker's label, never a blank cell, so that a reader tells a datum that
does not exist (« n.d. », « secret statistique ») from an entry that was forgotten (left blank,
and reported as a warning by `rule_missing_values`).
"""

from __future__ import annotations

import re

# code written in the description -> (label printed in the documents, meaning)
MISSING = {
    "nd": ("n.d.", "donnée non disponible"),
    "secret": ("secret statistique", "donnée couverte par le secret statistique"),
    "so": ("s.o.", "sans objet"),
}


def label(value) -> str | None:
    """The label of a missing-data marker, or None for anything else."""
    entry = MISSING.get(value) if isinstance(value, str) else None
    return entry[0] if entry else None


def _squeeze(text: str) -> str:
    return re.sub(r"[\s.\-_’']", "", text.lower())


def close_marker(text: str) -> str | None:
    """The marker a pilot meant with « n.d. », « ND », « Secret statistique », « s.o. »…"""
    squeezed = _squeeze(text)
    for code, (printed, meaning) in MISSING.items():
        if squeezed in (code, _squeeze(printed), _squeeze(meaning)):
            return code
    if squeezed in ("na", "nondisponible", "nc", "noncommuniqué", "secretstat", "sansobjet"):
        return "so" if squeezed == "sansobjet" else "secret" if "secret" in squeezed else "nd"
    return None


def choices() -> str:
    """« nd (imprimé « n.d. » : donnée non disponible), secret (…), so (…) »."""
    return ", ".join(
        f"{code} (imprimé « {printed} » : {meaning})"
        for code, (printed, meaning) in MISSING.items()
    )
