"""`cdv exporter`: the ledger and the financial annex's tables of a territory as a workbook.

Registered in `generator.cli.main`; the work is in `generator.sheets.export`. Exit status: 0
written, 1 the description has errors, 2 trouble.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_PROBLEMS, EXIT_USAGE
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display


@click.command(
    "exporter",
    cls=_Command,
    short_help="Écrire le registre des financements et l'annexe financière en classeur .xlsx.",
)
@click.argument("chemin", type=click.Path(path_type=Path, file_okay=False), metavar="CHEMIN")
@click.option(
    "--sortie",
    "output",
    metavar="F.xlsx",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Classeur à écrire (par défaut : build/<territoire>/annexe-financiere.xlsx).",
)
@click.help_option("-h", "--help", help="Afficher cette aide et quitter.")
def exporter(chemin: Path, output: Path | None) -> None:
    """Écrire le classeur du territoire CHEMIN : une feuille pour le registre des financements
    (avec la provenance des lignes importées) et une par tableau de l'annexe financière, avec
    des totaux calculés par formules, des en-têtes figés et des filtres. Les mêmes données
    donnent le même fichier, à l'octet près.
    """
    from generator.description.load import is_territory
    from generator.description.validate import Target, validate_target
    from generator.documents.write import atomic_write
    from generator.sheets.export import export_workbook

    if not chemin.is_dir() or not is_territory(chemin):
        click.echo(f"erreur : {_display(chemin)} n'est pas le dossier d'un territoire", err=True)
        sys.exit(EXIT_USAGE)
    result = validate_target(Target(chemin))
    if not result.valid:
        for problem in result.errors:
            click.echo(problem.format(), err=True)
        click.echo(
            f"{len(result.errors)} erreur(s) : corrigez la description avant d'exporter "
            "(cdv valider).",
            err=True,
        )
        sys.exit(EXIT_PROBLEMS)
    target = output or Path("build") / chemin.resolve().name / "annexe-financiere.xlsx"
    if target.suffix.lower() != ".xlsx":
        click.echo(f"erreur : {_display(target)} : le classeur doit finir par .xlsx", err=True)
        sys.exit(EXIT_USAGE)
    data = export_workbook(result.description.data, title=f"Annexe financière — {chemin.name}")
    try:
        atomic_write(target, data)
    except OSError as exc:
        click.echo(f"erreur : {_display(target)} : écriture impossible ({exc.strerror})", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"Écrit : {_display(target)}")
