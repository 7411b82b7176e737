"""The `cdv` command: parses arguments, calls the steps, prints French messages.

Heavy modules are imported inside the commands so that `cdv --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.cli.common import (
    DEFAULT_CONTRACTS,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    output_option,
    templates_option,
    territories_and_templates,
    territories_argument,
)
from generator.cli.common import Group as _Group
from generator.cli.common import display as _display_path
from generator.cli.common import help_option as _help_option

_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(
    cls=_Group,
    context_settings=_SETTINGS,
    add_help_option=False,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
)
@click.version_option(
    __version__, "--version", message="cdv %(version)s", help="Afficher la version et quitter."
)
@_help_option
def cli() -> None:
    """Contrats de ville « Engagements Quartiers 2030 » : décrire un territoire en YAML,
    le valider, puis produire le projet de contrat.

    \b
    Pour commencer :
      cdv init contracts/mon-territoire --epci "Communauté d'agglomération …" --qpv QN06001M
      cdv validate contracts/mon-territoire
    """


_display = _display_path


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


@cli.command(add_help_option=False)
@click.argument("chemins", nargs=-1, type=click.Path(path_type=Path), metavar="[CHEMIN]...")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["texte", "json"]),
    default="texte",
    help="texte (par défaut) pour les personnes, json pour les programmes.",
)
@click.option("--strict", is_flag=True, help="Compter les avertissements comme des erreurs.")
@_help_option
def validate(chemins: tuple[Path, ...], output_format: str, strict: bool) -> None:
    """Valider la description d'un ou plusieurs territoires.

    CHEMIN est un dossier de territoire, un dossier qui contient des territoires, ou un fichier
    (seuls les problèmes de ce fichier sont alors affichés). Par défaut : le dossier contracts/.

    Code de sortie : 0 si tout est valide (avertissements permis), 1 si des problèmes sont
    trouvés, 2 si la commande est mal employée.
    """
    from generator.description.validate import UsageError, discover, validate_many

    paths = list(chemins) or [DEFAULT_CONTRACTS]
    try:
        targets = discover(paths)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    results = validate_many(targets, strict=strict)
    if output_format == "json":
        import json

        payload = [
            {
                "territoire": _display(str(r.target.root)),
                "chemin": _display(r.target.label),
                "valide": r.valid,
                "erreurs": len(r.errors),
                "avertissements": len(r.warnings),
                "problemes": [_problem_json(p) for p in r.problems],
            }
            for r in results
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for result in results:
            for problem in result.problems:
                line = problem.format()
                head, _, rest = line.partition(":")
                click.echo(_display(head) + ":" + rest if problem.file else line)
            label = _display(result.target.label)
            counts = []
            if result.errors:
                counts.append(_plural(len(result.errors), "erreur"))
            if result.warnings:
                counts.append(_plural(len(result.warnings), "avertissement"))
            if result.valid:
                detail = f" ({', '.join(counts)})" if counts else ""
                click.echo(click.style(f"✔ {label} : valide{detail}", fg="green"))
            else:
                click.echo(click.style(f"✘ {label} : {', '.join(counts)}", fg="red"))
    sys.exit(EXIT_OK if all(r.valid for r in results) else EXIT_PROBLEMS)


def _problem_json(problem) -> dict:
    data = problem.as_dict()
    data["fichier"] = _display(data["fichier"])
    return data


@cli.command(add_help_option=False)
@click.argument("dossier", type=click.Path(path_type=Path))
@click.option(
    "--epci",
    required=True,
    metavar="NOM",
    help="Nom complet de l'EPCI, entre guillemets (obligatoire).",
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
        click.echo(f"erreur : {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"Description de départ créée dans {_display(str(dossier))} :")
    for path in written:
        click.echo(f"  {_display(str(path))}")
    click.echo(f"Complétez les fichiers, puis lancez : cdv validate {_display(str(dossier))}")


@cli.command(add_help_option=False)
@territories_argument
@output_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    metavar="N",
    help="Nombre de territoires produits en parallèle.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Tout reproduire, et remplacer les documents modifiés à la main (après sauvegarde).",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Produire aussi les territoires dont la description a des erreurs, avec un "
    "avertissement visible.",
)
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
            click.echo(f"[{len(done)}/{len(roots)}] {result.territory} : {result.status}")

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
        click.echo("Rien à reproduire : tout est à jour.")
    sys.exit(EXIT_PROBLEMS if failed or any(r.status == NOT_BUILT for r in results) else EXIT_OK)


def _print_build_summary(results, output: Path) -> None:
    from generator.documents.build import PROTECTED, REMOVED, REPLACED, UNCHANGED, WRITTEN

    for result in results:
        if result.errors and not result.draft:
            for problem in result.problems:
                if problem.is_error:
                    line = problem.format()
                    head, _, rest = line.partition(":")
                    click.echo(_display(head) + ":" + rest, err=True)
        if result.message:
            click.echo(click.style(f"✘ {result.territory} : {result.message}", fg="red"), err=True)
        for doc in result.documents:
            if doc.status in (PROTECTED, REPLACED, REMOVED) or doc.note:
                click.echo(f"  ! {result.territory}/{doc.name} : {doc.status} — {doc.note}")
    header = ("Territoire", "Statut", "Écrits", "Inchangés", "Erreurs", "Avert.")
    rows = [
        (
            r.territory + (" (brouillon)" if r.draft else ""),
            r.status,
            str(sum(1 for d in r.documents if d.status in (WRITTEN, REPLACED))),
            str(sum(1 for d in r.documents if d.status == UNCHANGED)),
            str(r.errors),
            str(r.warnings),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    click.echo()
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    click.echo(f"\nDocuments dans : {_display(str(output))}/")


def _register_commands() -> None:
    # imported here: these modules only import click and defer their heavy imports
    from generator.cli.diff import diff
    from generator.cli.pdf import pdf
    from generator.cli.templates import templates

    for command in (pdf, diff, templates):
        cli.add_command(command)


_register_commands()


def main() -> None:
    """Entry point: click's own usage errors are phrased in French."""
    try:
        cli.main(standalone_mode=False, prog_name="cdv")
    except click.exceptions.NoSuchOption as exc:
        hint = (
            f" ; vouliez-vous dire {' ou '.join(exc.possibilities)} ?" if exc.possibilities else ""
        )
        _usage_exit(f"option inconnue « {exc.option_name} »{hint}", exc.ctx)
    except click.exceptions.MissingParameter as exc:
        name = exc.param.opts[0] if exc.param is not None and exc.param.opts else "?"
        _usage_exit(f"paramètre obligatoire manquant : {name}", exc.ctx)
    except click.exceptions.BadParameter as exc:
        _usage_exit(
            f"valeur invalide pour {exc.param_hint or 'un paramètre'} : {exc.message}", exc.ctx
        )
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.UsageError as exc:
        message = exc.message
        if message.startswith("No such command"):
            message = f"commande inconnue : {message.split(' ', 3)[-1]}"
        _usage_exit(message, exc.ctx)
    except click.exceptions.Abort:
        click.echo("Interrompu.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


def _usage_exit(message: str, ctx: click.Context | None) -> None:
    command = ctx.command_path if ctx is not None else "cdv"
    click.echo(f"erreur : {message}", err=True)
    click.echo(f"Aide : {command} --help", err=True)
    sys.exit(EXIT_USAGE)
