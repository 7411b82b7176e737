"""The annual follow-up: a validated description and its `suivi/<année>.yaml` files in, the
year's review, politique de la ville report, TFPB bilans, workbook and charts out (bytes).

`load` reads the follow-up files of a year (a partner may send its part apart), `rules` checks
them against the description, `money` is the one door to the planned amounts, `context` builds
what the templates and the workbook show, `charts` and `workbook` give deterministic bytes,
`build` renders and writes them like the contract.
"""

from generator._exports import lazy_exports

_NAMES = {
    "FollowUp": "load",
    "load_followup": "load",
    "followup_years": "load",
    "followup_problems": "rules",
    "followup_context": "context",
    "workbook_bytes": "workbook",
    "chart_png": "charts",
    "BilanResult": "build",
    "build_followup": "build",
    "build_followup_many": "build",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
