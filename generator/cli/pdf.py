"""The `cdv pdf` command: the signature package of each territory, as PDF.

Registered by cli.py (`cli.add_command`). Heavy modules are imported inside the command, so
that `cdv --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import Command as _Command
from generator.cli.common import (
    IntRange,
    draft_option,
    echo,
    jobs_option,
    option,
    output_option,
    templates_option,
    territories_argument,
)


@click.command("pdf", cls=_Command, add_help_option=False)
@territories_argument
@output_option
@templates_option
@lambda func: jobs_option(
    func,
    "Nombre de territoires produits en parallèle (documents Word) et de processus LibreOffice "
    "lancés ensemble pour la conversion.",
)
@draft_option
@option(
    "--forcer",
    "force",
    aliases=("--force",),
    is_flag=True,
    help="Reconvertir même les PDF à jour. Les documents Word modifiés à la main restent "
    "protégés (ce n'est pas « cdv produire --remplacer »).",
)
@click.option(
    "--delai",
    "timeout",
    type=IntRange(1, 24 * 3600),
    default=None,
    metavar="SECONDES",
    help="Temps accordé à LibreOffice pour toute la conversion "
    "(par défaut : 60 s plus 20 s par document).",
)
@click.help_option("-h", "--help", help="Afficher cette aide et quitter.")
def pdf(
    chemins: tuple[Path, ...],
    output: Path,
    templates_folder: Path | None,
    jobs: int,
    draft: bool,
    force: bool,
    timeout: int | None,
) -> None:
    """Produire le dossier de signature (PDF) de chaque territoire.

    Produit d'abord les documents Word (comme cdv produire), les convertit en PDF avec LibreOffice,
    puis écrit dans build/<territoire>/ (ou le dossier donné par --sortie) :

    \b
      contrat-de-ville-signature.pdf            le contrat, un index des annexes, puis les
                                                annexes : annexe financière, conventions TFPB,
                                                documents joints (annexes[].fichier)
      annexe-2-convention-tfpb-<bailleur>.pdf   chaque convention TFPB, à signer à part

    Le dossier a des signets (un par partie et par annexe), une numérotation des pages par
    annexe (A3-1, A3-2…) et, tant que le contrat n'est pas dans sa version finale, le filigrane
    « PROJET » sur chaque page. Les mêmes entrées donnent les mêmes fichiers, à l'octet près.
    LibreOffice doit être installé ; il peut rester ouvert pendant la conversion.

    Code de sortie : 0 si tout est produit ou à jour, 1 si un territoire n'a pas pu l'être,
    2 si la commande est mal employée.
    """
    from generator.cli.common import EXIT_OK, EXIT_PROBLEMS, territories_and_templates
    from generator.cli.common import display as _display
    from generator.signature.package import PACKAGE_NAME
    from generator.signature.pdf import UP_TO_DATE, WRITTEN, ConversionError, make_packages

    roots, templates = territories_and_templates(list(chemins), templates_folder)
    done = []

    def built(result) -> None:
        done.append(result)
        echo(f"[{len(done)}/{len(roots)}] {result.territory} — documents Word : {result.status}")

    try:
        report = make_packages(
            roots,
            output,
            templates,
            jobs=jobs,
            draft=draft,
            force=force,
            timeout=timeout,
            on_build=built,
            progress=click.echo,
        )
    except ConversionError as exc:
        echo(f"✘ erreur : {exc}", fg="red", err=True)
        echo("Aucun PDF n'a été écrit.", err=True)
        sys.exit(EXIT_PROBLEMS)
    results = report.results
    not_packaged = [r for r in results if r.status not in (WRITTEN, UP_TO_DATE)]
    # the reasons why Word documents were not produced, as cdv produire gives them
    _print_build_summary_errors([r.build for r in not_packaged if r.build is not None])
    for result in results:
        if result.message:
            echo(f"✘ {result.territory} : {result.message}", fg="red", err=True)
        for note in result.notes:
            echo(f"  ! {result.territory} : {note}")
    header = ("Territoire", "Statut", "Pages", "Annexes", "Fichiers")
    rows = [
        (
            r.territory,
            r.status,
            str(r.files.get(r.package or PACKAGE_NAME, "")) if r.files else "",
            str(r.annexes) if r.files else "",
            str(len(r.files)) if r.files else "",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    echo()
    for row in [header, *rows]:
        echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    echo(f"\nDossiers de signature dans : {_display(str(output))}/")
    if results and all(r.status == UP_TO_DATE for r in results):
        echo("Rien à reconvertir : tout est à jour.")
    sys.exit(EXIT_PROBLEMS if not_packaged else EXIT_OK)


def _print_build_summary_errors(builds) -> None:
    """The validation errors of territories that could not be built (without the table)."""
    from generator.cli.common import display as _display

    for build in builds:
        if build.errors and not build.draft:
            for problem in build.problems:
                if problem.is_error:
                    line = problem.format()
                    head, _, rest = line.partition(":")
                    echo(_display(head) + ":" + rest, err=True)
