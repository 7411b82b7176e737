"""Business rules of a contrat de ville, checked after the schema.

Each rule reads the merged description defensively (the schema may have failed elsewhere) and
returns located problems. Rules never raise on malformed data: they skip what they cannot read.
They live by concern in `rules_geography`, `rules_references`, `rules_actors`, `rules_amounts`,
`rules_governance`, `rules_evaluation`, `rules_starter`, `rules_files` and `rules_ledger`
(shared helpers in `rules_common`); this module lists them in order in `RULES`, which
`rule_problems` reads at each call.
"""

from __future__ import annotations

from generator.description.load import Description
from generator.description.problems import ERREUR, Problem
from generator.description.rules_actors import rule_actors
from generator.description.rules_amounts import rule_tfpb_balance, rule_years
from generator.description.rules_common import Rule
from generator.description.rules_evaluation import rule_evaluation_framework
from generator.description.rules_files import rule_annex_files, rule_output_names
from generator.description.rules_geography import (
    rule_duplicates,
    rule_missing_values,
    rule_one_legal_frame,
    rule_projets_de_quartier,
    rule_qpv_population,
    rule_qpv_reference,
)
from generator.description.rules_governance import (
    rule_conseils_citoyens,
    rule_quantified_objectives,
    rule_signatories,
    rule_steering_body,
)
from generator.description.rules_ledger import (
    rule_allocations,
    rule_format_mix,
    rule_ledger_references,
    rule_ledger_totals,
    rule_sheet_quantities,
)
from generator.description.rules_references import rule_references
from generator.description.rules_starter import rule_placeholders

RULES: list[Rule] = [
    rule_qpv_reference,
    rule_one_legal_frame,
    rule_qpv_population,
    rule_duplicates,
    rule_projets_de_quartier,
    rule_references,
    rule_format_mix,
    rule_ledger_references,
    rule_actors,
    rule_years,
    rule_allocations,
    rule_ledger_totals,
    rule_sheet_quantities,
    rule_tfpb_balance,
    rule_signatories,
    rule_steering_body,
    rule_quantified_objectives,
    rule_conseils_citoyens,
    rule_evaluation_framework,
    rule_annex_files,
    rule_placeholders,
    rule_output_names,
    rule_missing_values,
]


def rule_problems(desc: Description) -> list[Problem]:
    out: list[Problem] = []
    for rule in RULES:
        try:
            out.extend(rule(desc))
        except Exception as exc:  # a rule must never turn into a traceback for the pilot
            out.append(
                Problem(
                    ERREUR,
                    f"erreur interne dans la règle {rule.__name__} ({type(exc).__name__}) : "
                    "signalez-la aux mainteneurs avec ce fichier",
                    desc.files[0] if desc.files else str(desc.root),
                )
            )
    return out
