"""`cdv avenant`: writes the avenant to the signed contract, and its annexes.

Registered in `generator.cli.main`; the work is in `generator.amendment.build_avenant`.
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
@click.argument("chemin", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--numero",
    type=IntRange(1, 99),
    default=None,
    metavar="N",
    help="Numéro de l'avenant (par défaut : le suivant du dernier avenant signé).",
)
@click.option(
    "--preambule",
    metavar="TEXTE",
    default=None,
    help="Texte du préambule (par défaut : la clause de revoyure de 2027).",
)
@_output_option
@_templates_option
@_help_option
def avenant(chemin: Path, numero, preambule, output: Path, templates_folder) -> None:
    """Écrire l'avenant n° N au contrat signé du territoire CHEMIN.

    La description actuelle est comparée à la dernière version signée (cdv signer) : un
    article par partie du contrat qui change, les avenants des conventions TFPB modifiées, le
    contrat consolidé et le contrat signé avec les modifications apparentes, dans
    SORTIE/<territoire>/.
    """
    from generator.amendment.build_avenant import AvenantError, make_avenant
    from generator.amendment.formats import FormatError
    from generator.amendment.snapshot import SnapshotError, read_snapshots
    from generator.documents.render import RenderError
    from generator.documents.templates import TemplateError, load_template_set
    from generator.documents.write import atomic_write

    try:
        templates = load_template_set(templates_folder)
        snapshots = read_snapshots(chemin)
        validation = validated(chemin, "d'écrire l'avenant")
        result = make_avenant(
            chemin,
            validation.description,
            snapshots,
            templates,
            numero=numero,
            preamble=preambule,
        )
    except (AvenantError, SnapshotError, FormatError, TemplateError, RenderError) as exc:
        _echo(f"erreur : {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    folder = output / chemin.name
    for name, data in sorted(result.documents.items()):
        atomic_write(folder / name, data)
    _echo(
        f"Avenant n° {result.numero} ({len(result.articles)} articles, "
        f"{len(result.comparison.changes)} changements depuis la version signée le "
        f"{result.base.date}) :"
    )
    for article in result.articles:
        _echo(f"  Article {article.numero} – {article.titre}")
    for name in sorted(result.documents):
        _echo(f"  {_display(str(folder / name))}")
