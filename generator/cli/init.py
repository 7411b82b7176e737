"""`cdv init`: writes the commented starter description of a new territory.

Registered in `generator.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_PROBLEMS, echo
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import help_option as _help_option


@click.command(cls=_Command, add_help_option=False)
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--epci",
    required=True,
    metavar="NOM",
    help="Nom complet de l'EPCI, entre guillemets.",
)
@click.option(
    "--qpv",
    "codes",
    multiple=True,
    metavar="CODE",
    help="Code d'un quartier prioritaire (exemple : QN06001M) ; répéter l'option pour chaque QPV.",
)
@_help_option
def init(dossier: Path, epci: str, codes: tuple[str, ...]) -> None:
    """Créer la description de départ d'un territoire dans DOSSIER.

    Les quartiers sont repris de la liste officielle de 2024 (nom, communes). Le dossier ne doit
    pas exister : rien n'est jamais écrasé.
    """
    from generator.description.starter import StarterError, write_starter

    try:
        written = write_starter(dossier, epci, list(codes))
    except StarterError as exc:
        echo(f"erreur : {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    echo(f"Description de départ créée dans {_display(str(dossier))} :")
    for path in written:
        echo(f"  {_display(str(path))}")
    echo(f"Complétez les fichiers, puis lancez : cdv valider {_display(str(dossier))}")
