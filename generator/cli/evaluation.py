"""`cdv evaluation ANNEE CHEMIN`: the mid-term evaluation report skeleton of a territory.

Registered in `generator.cli.main`; the work is in `generator.amendment.evaluation`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_PROBLEMS, IntRange, validated
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import echo as _echo
from generator.cli.common import help_option as _help_option
from generator.cli.common import output_option as _output_option
from generator.cli.common import templates_option as _templates_option


@click.command(cls=_Command, add_help_option=False)
@click.argument("annee", type=IntRange(2000, 2100), metavar="ANNEE")
@click.argument("chemin", type=click.Path(path_type=Path, file_okay=False, exists=True))
@_output_option
@_templates_option
@_help_option
def evaluation(annee: int, chemin: Path, output: Path, templates_folder) -> None:
    """Écrire le squelette du rapport d'évaluation à mi-parcours ANNEE (2027) de CHEMIN.

    Pour chaque question du cadre d'évaluation (evaluation.cadre) : les indicateurs qui y
    répondent avec leur valeur de référence, la valeur observée l'année précédente (suivi/)
    et la cible 2027 ; l'état des engagements des signataires ; les montants programmés et
    versés depuis 2024 ; des champs pour l'analyse du pilote. Écrit
    SORTIE/<territoire>/evaluation-mi-parcours-ANNEE.docx.
    """
    from generator.amendment.evaluation import EvaluationError, make_evaluation
    from generator.amendment.snapshot import SnapshotError
    from generator.documents.render import RenderError
    from generator.documents.templates import TemplateError, load_template_set
    from generator.documents.write import atomic_write

    try:
        templates = load_template_set(templates_folder)
        validation = validated(chemin, "d'écrire le rapport")
        name, data, context = make_evaluation(chemin, validation.description, templates, annee)
    except (EvaluationError, SnapshotError, TemplateError, RenderError) as exc:
        _echo(f"erreur : {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    with_errors = context["suivis_en_erreur"]
    if with_errors:
        _echo(
            f"attention : le suivi de {', '.join(with_errors)} comporte des erreurs (voir "
            f"cdv bilan) : ses chiffres sont repris tels quels",
            err=True,
        )
    target = output / chemin.name / name
    atomic_write(target, data)
    indicators = sum(len(q["indicateurs"]) for q in context["questions"])
    _echo(
        f"Évaluation à mi-parcours {annee} ({len(context['questions'])} questions, "
        f"{indicators} indicateurs, suivis {context['suivis']}) : {_display(str(target))}"
    )
