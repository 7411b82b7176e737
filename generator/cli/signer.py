"""`cdv signer`: records the signed version of a territory's description.

Registered in `generator.cli.main`; the work is in `generator.amendment.signing`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_PROBLEMS
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import echo as _echo
from generator.cli.common import help_option as _help_option
from generator.cli.common import templates_option as _templates_option


@click.command(cls=_Command, add_help_option=False)
@click.argument("chemin", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--date",
    "date",
    required=True,
    metavar="AAAA-MM-JJ",
    help="Date de signature du contrat (ou de l'avenant), par exemple 2024-06-12.",
)
@click.option(
    "--depuis",
    "from_docx",
    metavar="FICHIER.docx",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Reprendre la version signée d'un contrat produit par cdv (la description qu'il "
    "contient), au lieu de la description actuelle.",
)
@_templates_option
@_help_option
def signer(chemin: Path, date: str, from_docx: Path | None, templates_folder) -> None:
    """Enregistrer la version signée de la description du territoire CHEMIN.

    Un instantané en lecture seule est écrit dans CHEMIN/versions-signees/ : contrat.json la
    première fois, avenant-N.json après chaque avenant signé. Il ne se modifie jamais : une
    version déjà enregistrée est refusée, un instantané modifié à la main est signalé.
    cdv avenant compare ensuite la description avec la dernière version signée.
    """
    from generator.amendment.signing import sign_territory
    from generator.amendment.snapshot import SnapshotError
    from generator.documents.templates import TemplateError, load_template_set

    try:
        templates = load_template_set(templates_folder)
        result = sign_territory(chemin, date, templates, from_docx=from_docx)
    except (SnapshotError, TemplateError) as exc:
        _echo(f"erreur : {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    snap = result.snapshot
    what = "Contrat" if snap.is_contract else f"Avenant n° {snap.number}"
    _echo(
        f"{what} signé le {snap.date} enregistré : {_display(str(result.path))} "
        f"(empreinte {snap.hash[:12]}…, modèle {snap.template_set} {snap.template_version})"
    )
