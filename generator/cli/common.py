"""What every `cdv` command shares: French help, exit codes, paths shown relative to here.

Only click is imported here, so that `cdv --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_CONTRACTS = Path("contracts")

_HEADINGS = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}


class Formatter(click.HelpFormatter):
    """click's help, with French headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Utilisation : ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(_HEADINGS.get(heading, heading))


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    context_class = Context


class Group(click.Group):
    context_class = Context
    command_class = Command


def help_option(func):
    """`-h/--help`, explained in French."""
    return click.help_option("-h", "--help", help="Afficher cette aide et quitter.")(func)


def display(path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def territories_and_templates(paths: list[Path], templates_folder: Path | None):
    """The territory folders named on the command line, and the template set to use."""
    from generator.description.validate import UsageError, discover
    from generator.documents.templates import TemplateError, load_template_set

    try:
        targets = discover(paths or [DEFAULT_CONTRACTS])
        templates = load_template_set(templates_folder)
    except (UsageError, TemplateError) as exc:
        raise click.UsageError(str(exc)) from exc
    return list(dict.fromkeys(t.root for t in targets)), templates


def territories_argument(func):
    """`[CHEMIN]...`: territory folders, folders of territories, or files."""
    return click.argument(
        "chemins", nargs=-1, type=click.Path(path_type=Path), metavar="[CHEMIN]..."
    )(func)


def output_option(func):
    """`--output/-o DOSSIER`, `build/` by default."""
    return click.option(
        "--output",
        "-o",
        "output",
        metavar="DOSSIER",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("build"),
        help="Dossier où écrire les documents (par défaut : build/).",
    )(func)


def templates_option(func):
    """`--modeles DOSSIER`: another template set than the shipped one."""
    return click.option(
        "--modeles",
        "templates_folder",
        metavar="DOSSIER",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Dossier d'un jeu de modèles (avec son manifest.yaml) ; par défaut le modèle "
        "IREV livré.",
    )(func)
