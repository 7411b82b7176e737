"""`cdv migrer`: convert format-1 territory folders to format 2, in place, with a backup.

Registered in `generator.cli.main`; the work is in `generator.ledger.migrate`. Exit status: 0
migrated or already in format 2, 1 a territory could not be migrated (nothing changed in it),
2 a path that names no territory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_PROBLEMS, EXIT_USAGE
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import echo as _echo
from generator.cli.common import help_option as _help_option
from generator.cli.common import jobs_option as _jobs_option


def _territories(paths: tuple[Path, ...]) -> list[Path]:
    from generator.description.load import is_territory

    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            raise click.UsageError(
                f"{_display(path)} n'est pas un dossier : cdv migrer convertit le dossier d'un "
                "territoire (ou un dossier de territoires, comme contracts/)"
            )
        if is_territory(path):
            found.append(path)
            continue
        children = [c for c in sorted(path.iterdir()) if c.is_dir() and is_territory(c)]
        if not children:
            raise click.UsageError(f"{_display(path)} ne contient aucun territoire")
        found.extend(children)
    return found


def _jobs_option_migrer(func):
    return _jobs_option(
        func,
        "Nombre de territoires convertis en même temps (autant que de processeurs par "
        "défaut, dès quatre territoires).",
        default=None,
    )


@click.command(
    "migrer",
    cls=_Command,
    add_help_option=False,
    short_help="Convertir la description d'un territoire du format 1 au format 2.",
)
@click.argument(
    "chemins",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, exists=True),
    metavar="CHEMIN…",
)
@click.option(
    "--restaurer",
    is_flag=True,
    help="Remettre les fichiers sauvegardés par la dernière migration (annule la migration).",
)
@_jobs_option_migrer
@_help_option
def migrer(chemins: tuple[Path, ...], restaurer: bool, jobs: int | None) -> None:
    """Convertir au format 2 (un registre des opérations) chaque territoire CHEMIN, sur place.

    Les lignes de financement, les plans de financement des projets et les montants annuels des
    fiches d'engagement deviennent des opérations de financements.operations, que les projets
    et les fiches citent par leur identifiant ; une même somme écrite à deux endroits n'est
    comptée qu'une fois (ce qui a été fusionné est dit). Les commentaires, la répartition en
    fichiers et l'ordre des clés sont gardés. Une copie des fichiers est d'abord écrite dans
    .sauvegarde-format-1/ ; un territoire déjà au format 2 n'est pas modifié.
    """
    from generator.ledger.migrate import MigrationError, restore_territory
    from generator.ledger.migrate_many import migrate_territories

    try:
        territories = _territories(chemins)
    except click.UsageError as exc:
        _echo(f"erreur : {exc.message}", err=True)
        sys.exit(EXIT_USAGE)
    failed = 0
    if restaurer:
        for root in territories:
            try:
                restored = restore_territory(root)
            except MigrationError as exc:
                failed += 1
                _echo(f"✘ {_display(root)} : {exc}", err=True)
                continue
            _echo(
                f"{_display(root)} : {len(restored)} fichier(s) remis dans leur état d'avant "
                "la migration"
            )
        sys.exit(EXIT_PROBLEMS if failed else 0)
    try:
        results = migrate_territories(territories, jobs)
    except KeyboardInterrupt:
        _echo(
            "Interrompu : chaque territoire est soit converti en entier, soit resté dans son "
            "état d'origine (relancez cdv migrer : les territoires déjà convertis sont "
            "reconnus).",
            err=True,
        )
        sys.exit(130)
    for root, report in zip(territories, results, strict=True):
        name = _display(root)
        if isinstance(report, MigrationError):
            failed += 1
            _echo(f"✘ {name} : {report}", err=True)
            continue
        if report.already:
            _echo(f"{name} : déjà au format 2, rien n'a changé")
            continue
        _echo(f"✔ {name} : converti au format 2 (copie d'origine : {_display(report.backup)})")
        _echo(
            "  Fichiers réécrits : "
            + ", ".join(_display(p.relative_to(root)) for p in report.files)
        )
        if report.notes:
            _echo("  Ce qui a changé :")
            for note in report.notes:
                _echo(f"    - {note}")
        if report.checks:
            _echo("  À vérifier :")
            for check in report.checks:
                _echo(f"    - {check}")
        _echo(
            f"  Relisez les fichiers, puis lancez : cdv valider {name} ; pour tout annuler : "
            f"cdv migrer --restaurer {name}"
        )
    if failed:
        sys.exit(EXIT_PROBLEMS)
