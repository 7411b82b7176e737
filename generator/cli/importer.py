"""`cdv importer`: a spreadsheet (.xlsx, .csv) into a territory's ledger, through a column mapping.

Registered in `generator.cli.main`. The work is in `generator.sheets` (reading, conversion,
plan of the import file); this module parses the arguments and prints the plan in French.
Exit status: 0 imported or already up to date, 1 rows that could not be placed, 2 trouble.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_PROBLEMS, EXIT_USAGE
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display


@click.command(
    "importer",
    cls=_Command,
    short_help="Importer un tableur (.xlsx, .csv) dans les financements d'un territoire.",
)
@click.argument("fichier", type=click.Path(path_type=Path), metavar="FICHIER")
@click.argument("chemin", type=click.Path(path_type=Path, file_okay=False), metavar="CHEMIN")
@click.option(
    "--modele",
    "mapping_name",
    metavar="NOM",
    default=None,
    help="Modèle de colonnes : dauphin (extrait Dauphin), programmation (tableau de "
    "programmation), indicateurs-qpv (données par quartier), ou le chemin d'un modèle .yaml "
    "écrit par vous. Par défaut : programmation.",
)
@click.option(
    "--source",
    "source",
    metavar="NOM",
    default=None,
    help="Nom du fichier d'import écrit (financements/import-NOM.yaml) ; par défaut le nom du "
    "modèle. Un nouvel extrait importé sous le même nom met à jour les opérations déjà importées.",
)
@click.option(
    "--partiel",
    is_flag=True,
    help="Importer les lignes lisibles même si d'autres ne peuvent pas être placées.",
)
@click.option("--essai", is_flag=True, help="Montrer ce que ferait l'import, sans rien écrire.")
@click.help_option("-h", "--help", help="Afficher cette aide et quitter.")
def importer(
    fichier: Path,
    chemin: Path,
    mapping_name: str | None,
    source: str | None,
    partiel: bool,
    essai: bool,
) -> None:
    """Importer le tableur FICHIER dans le territoire CHEMIN.

    Les opérations sont écrites dans CHEMIN/financements/import-<source>.yaml (les indicateurs
    par quartier dans CHEMIN/diagnostic/), chacune avec le fichier et les lignes d'où elle
    vient ; les fichiers écrits à la main ne sont jamais modifiés. Réimporter le même fichier
    ne change rien ; un extrait plus récent met à jour les opérations importées et dit ce qui a
    changé. Tant qu'une ligne ne peut pas être placée (financeur, quartier ou montant
    illisible), rien n'est importé, sauf avec --partiel.

    \b
    Exemples :
      cdv importer sources/dauphin-2025.xlsx contracts/mon-agglo --modele dauphin
      cdv importer programmation.csv contracts/mon-agglo
    """
    from generator.description.load import is_territory, load_territory
    from generator.description.reference import qpv_reference
    from generator.sheets.importing import ImportError_, plan_import, write_import
    from generator.sheets.mapping import MappingError, load_mapping
    from generator.sheets.reading import SheetError

    def fail(message: str, code: int = EXIT_USAGE) -> None:
        click.echo(f"erreur : {message}", err=True)
        sys.exit(code)

    if not chemin.is_dir() or not is_territory(chemin):
        fail(f"{_display(chemin)} n'est pas le dossier d'un territoire (aucun fichier .yaml)")
    try:
        mapping = load_mapping(mapping_name or "programmation")
    except MappingError as exc:
        fail(str(exc))
    desc = load_territory(chemin)
    if desc.unreadable:
        for problem in desc.problems:
            click.echo(problem.format(), err=True)
        fail("la description du territoire est illisible : corrigez-la avant d'importer")
    try:
        plan = plan_import(desc.data, chemin, fichier, mapping, source, qpv_reference())
    except (SheetError, ImportError_) as exc:
        fail(str(exc))
    click.echo(f"{_display(fichier)} : {plan.how} ; modèle « {mapping.name} » ({mapping.title}).")
    unit = "opération(s)" if mapping.target == "operations" else "indicateur(s)"
    click.echo(
        f"{plan.rows_read} ligne(s) lue(s), {plan.rows_imported} placée(s) : "
        f"{len(plan.operations)} {unit}."
    )
    for note in plan.notes:
        click.echo(f"note : {note}")
    target = _display(plan.target)
    if plan.problems:
        click.echo(f"{len(plan.problems)} ligne(s) ne peuvent pas être placées :", err=True)
        for problem in plan.problems:
            click.echo(f"  {problem.format(_display(fichier))}", err=True)
        if not partiel:
            click.echo(
                f"Rien n'a été écrit : corrigez ces lignes (ou la description), ou relancez "
                f"avec --partiel pour importer les {plan.rows_imported} autres.",
                err=True,
            )
            sys.exit(EXIT_PROBLEMS)
    if plan.status == "inchange":
        click.echo(f"Déjà à jour : {target} contient déjà ces données ; rien n'a changé.")
    else:
        if plan.changes:
            click.echo(f"Changements par rapport à l'import précédent ({len(plan.changes)}) :")
            for line in plan.changes:
                click.echo(f"  {line}")
        elif plan.status == "modifie":
            click.echo("Seule la provenance (fichier, lignes) des opérations a changé.")
        if essai:
            click.echo(f"Essai : {target} serait {_verb(plan.status)} ; rien n'a été écrit.")
        else:
            write_import(plan)
            click.echo(f"Écrit : {target} ({_verb(plan.status)}).")
            click.echo(f"Vérifiez le territoire : cdv valider {_display(chemin)}")
    if plan.problems:
        sys.exit(EXIT_PROBLEMS)


def _verb(status: str) -> str:
    return {"cree": "créé", "modifie": "mis à jour"}.get(status, status)
