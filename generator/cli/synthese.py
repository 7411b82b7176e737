"""`cdv synthese`: the regional synthesis of many territories (Word, workbook, CSV, GeoJSON,
offline map). Registered in `generator.cli.main`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_OK, EXIT_PROBLEMS
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import echo as _echo
from generator.cli.common import help_option as _help_option

DEFAULT_OUTPUT = Path("build") / "synthese-regionale"


@click.command(cls=_Command, add_help_option=False)
@click.argument(
    "chemins", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="CHEMIN..."
)
@click.option(
    "--sortie",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Dossier où écrire la synthèse.",
)
@_help_option
def synthese(chemins: tuple[Path, ...], sortie: Path) -> None:
    """Réunir plusieurs contrats de ville en une synthèse régionale.

    CHEMIN est un dossier de territoire ou un dossier qui contient des territoires (par exemple
    les 39 dossiers réunis par l'IREV). Sont écrits dans le dossier de sortie :
    synthese-regionale.docx (chiffres régionaux, une page par territoire, tableaux croisés),
    synthese-regionale.xlsx (les mêmes tableaux en nombres et toutes les opérations),
    acteurs.csv et acteurs.geojson (les acteurs et leurs QPV, sans aucune coordonnée
    personnelle) et carte.html (la carte des QPV et des acteurs, qui s'ouvre sans connexion).

    Code de sortie : 0 si tout est lu sans erreur (avertissements permis), 1 si une description
    a des erreurs (la synthèse est quand même écrite, ce territoire signalé), 2 si la commande
    est mal employée.
    """
    from generator.description.validate import UsageError
    from generator.documents.write import atomic_write
    from generator.region.gather import gather
    from generator.region.synthesis import synthesize

    try:
        territories = gather(list(chemins))
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    if not territories:
        raise click.UsageError("aucun territoire trouvé dans les chemins donnés")
    result = synthesize(territories)
    try:
        sortie.mkdir(parents=True, exist_ok=True)
        for name, data in result.files.items():
            atomic_write(sortie / name, data)
    except OSError as exc:
        raise click.ClickException(
            f"impossible d'écrire dans {_display(sortie)} : {exc.strerror or exc} ; choisissez un "
            "autre dossier avec --sortie"
        ) from exc
    invalid = [t for t in territories if t.errors]
    for territory in invalid:
        _echo(
            f"✘ {_display(territory.folder)} : {len(territory.errors)} erreur(s) dans la "
            f"description (« cdv valider {_display(territory.folder)} » les détaille) ; le "
            "territoire figure dans la synthèse avec la mention « non valide »",
            err=True,
        )
    for check in result.checks:
        _echo(check.format())
    region = result.region
    _echo(
        f"Synthèse de {len(territories)} territoire(s), {len(region.qpv)} QPV, "
        f"{len(region.actors)} acteur(s) écrite dans {_display(sortie)} : "
        + ", ".join(result.files)
    )
    sys.exit(EXIT_PROBLEMS if invalid else EXIT_OK)
