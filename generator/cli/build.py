"""`cdv produire`: produces the Word documents of each territory and prints a summary.

Registered in `generator.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    draft_option,
    echo,
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
from generator.cli.common import help_option as _help_option


@click.command("produire", cls=_Command, add_help_option=False)
@territories_build_options
@draft_option
@templates_option
@_help_option
def build(
    chemins: tuple[Path, ...],
    output: Path,
    jobs: int,
    force: bool,
    draft: bool,
    templates_folder: Path | None,
) -> None:
    """Produire le projet de contrat (Word) et ses annexes pour chaque territoire.

    Par défaut, tous les territoires du dossier contracts/. Seuls les territoires dont la
    description ou les modèles ont changé sont reproduits. Un document modifié à la main depuis
    sa production n'est jamais écrasé : la nouvelle version est écrite à côté.

    Code de sortie : 0 si tout est produit ou à jour, 1 si un territoire n'a pas pu l'être,
    2 si la commande est mal employée.
    """
    from generator.documents.build import BUILT, NOT_BUILT, UP_TO_DATE, build_many

    roots, templates = territories_and_templates(list(chemins), templates_folder)
    interactive = sys.stdout.isatty()
    done = []

    def report(result) -> None:
        done.append(result)
        if not interactive:
            echo(f"[{len(done)}/{len(roots)}] {result.territory} : {result.status}")

    if interactive and len(roots) > 1:
        with click.progressbar(length=len(roots), label="Production", show_pos=True) as bar:

            def advance(result) -> None:
                done.append(result)
                bar.update(1)

            results = build_many(
                roots, output, templates, jobs=jobs, force=force, draft=draft, on_result=advance
            )
    else:
        results = build_many(
            roots, output, templates, jobs=jobs, force=force, draft=draft, on_result=report
        )
    _print_build_summary(results, output)
    failed = [r for r in results if r.status not in (BUILT, UP_TO_DATE)]
    if all(r.status == UP_TO_DATE for r in results):
        echo(_nothing_built_line(results, force))
    sys.exit(EXIT_PROBLEMS if failed or any(r.status == NOT_BUILT for r in results) else EXIT_OK)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _nothing_built_line(results, force: bool) -> str:
    """The last line when no document was written: never « rien à faire » while a new version
    of a hand-edited document waits beside it."""
    from generator.documents.build import PROTECTED

    waiting = [
        d.name.replace(".docx", ".nouveau.docx")
        for r in results
        for d in r.documents
        if d.status == PROTECTED
    ]
    if waiting:
        if len(waiting) == 1:
            return (
                "Description inchangée depuis la dernière production, mais un document modifié à "
                f"la main attend votre décision : sa nouvelle version est dans {waiting[0]} "
                "(--remplacer pour la prendre, avec sauvegarde)."
            )
        return (
            "Description inchangée depuis la dernière production, mais "
            f"{len(waiting)} documents modifiés à la main attendent votre décision : leurs "
            f"nouvelles versions sont dans {', '.join(waiting)} (--remplacer pour les prendre, "
            "avec sauvegarde)."
        )
    if force:
        return "Tout a été reproduit : les documents étaient déjà à jour, aucun n'a changé."
    return "Rien à reproduire : tout est à jour."


def _print_build_summary(results, output: Path) -> None:
    for result in results:
        # every problem is shown, drafts included: a count alone (« Avert. 3 ») says nothing
        for problem in result.problems:
            echo_problem(problem, err=problem.is_error)
        echo_failure(result)
        if result.draft:
            drafts = ", ".join(d.name for d in result.documents if ".brouillon." in d.name)
            echo(
                f"  ! {result.territory} : brouillon, avec "
                f"{_plural(result.errors, 'erreur listée', 'erreurs listées')} ci-dessus et en "
                f"tête de chaque document : {drafts} ; les documents définitifs ne sont pas "
                "touchés"
            )
        echo_document_notes(result)
    echo_summary_table(results, lambda r: r.territory + (" (brouillon)" if r.draft else ""))
    echo(f"\nDocuments dans : {_display(str(output))}/")
