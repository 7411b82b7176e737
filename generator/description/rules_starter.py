"""Business rule on what `cdv init` wrote: a text still equal to a placeholder of the starter
(« À compléter : … ») is not part of the contract yet.
"""

from __future__ import annotations

from generator.description.load import Description
from generator.description.problems import AVERTISSEMENT, ERREUR, Problem
from generator.description.rules_common import _all_values, _is_final

PLACEHOLDER = "À compléter"


def is_placeholder(value) -> bool:
    return isinstance(value, str) and value.strip().casefold().startswith(PLACEHOLDER.casefold())


def rule_placeholders(desc: Description) -> list[Problem]:
    """Texts left as the starter wrote them: a warning in a draft, an error in the final version
    (and with --strict, like every warning)."""
    severity = ERREUR if _is_final(desc) else AVERTISSEMENT
    return [
        desc.problem(
            severity,
            path,
            f"texte de départ laissé tel quel (« {value.strip()[:60]} ») : remplacez-le par le "
            "texte du territoire"
            + (" (obligatoire dans la version finale)" if severity == ERREUR else ""),
        )
        for path, value in _all_values(desc)
        if is_placeholder(value)
    ]
