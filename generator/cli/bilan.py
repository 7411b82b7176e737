"""`cdv bilan ANNEE`: the year's follow-up documents of each territory, and a summary.

Registered in `generator.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    IntRange,
    echo_document_notes,
    echo_failure,
    echo_problem,
    echo_summary_table,
    templates_option,
    territories_and_templates,
    territories_build_options,
)
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import echo as _echo
from generator.cli.common import help_option as _help_option


@click.command(cls=_Command, add_help_option=False)
@click.argument("annee", type=IntRange(2000, 2100), metavar="ANNEE")
@territories_build_options
@templates_option
@_help_option
def bilan(
    annee: int,
    chemins: tuple[Path, ...],
    output: Path,
    jobs: int,
    force: bool,
    templates_folder: Path | None,
) -> None:
    """Produire les documents du suivi de l'année ANNEE pour chaque territoire.

    Lit suivi/ANNEE.yaml (et les fichiers des partenaires dans suivi/ANNEE/) de chaque
    territoire et écrit dans <sortie>/<territoire>/suivi-ANNEE/ : la revue annuelle
    (bilan-annuel-ANNEE.docx), le rapport sur la politique de la ville, un bilan TFPB par
    bailleur et leur consolidation, et le classeur des tableaux (.xlsx). Par défaut, tous les
    territoires de contracts/ qui ont un suivi pour cette année.

    Code de sortie : 0 si tout est produit ou à jour, 1 si un territoire n'a pas pu l'être,
    2 si la commande est mal employée.
    """
    from generator.documents.build import BUILT, UP_TO_DATE
    from generator.followup.build import build_followup_many
    from generator.followup.load import followup_files

    roots, templates = territories_and_templates(list(chemins), templates_folder)
    if not chemins:
        without = [r for r in roots if not followup_files(r, annee)]
        roots = [r for r in roots if followup_files(r, annee)]
        if without:
            names = ", ".join(r.name for r in without)
            _echo(f"Sans suivi {annee} (ignorés) : {names}")
        if not roots:
            _echo(f"Aucun territoire n'a de fichier suivi/{annee}.yaml.", err=True)
            sys.exit(EXIT_PROBLEMS)

    def report(result) -> None:
        _echo(f"{result.territory} : {result.status}")

    results = build_followup_many(
        roots, annee, output, templates, jobs=jobs, force=force, on_result=report
    )
    _summary(results, output, annee)
    failed = [r for r in results if r.status not in (BUILT, UP_TO_DATE)]
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _summary(results, output: Path, year: int) -> None:
    for result in results:
        for problem in result.problems:
            if problem.is_error or result.status != "à jour":
                echo_problem(problem, err=True)
        echo_failure(result)
        echo_document_notes(result)
    echo_summary_table(results)
    _echo(f"\nDocuments dans : {_display(str(output))}/<territoire>/suivi-{year}/")
