"""What every `cdv` command shares: French help, exit codes, paths shown relative to here.

Only click is imported here, so that `cdv --help` stays fast.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
DEFAULT_CONTRACTS = Path("contracts")

_HEADINGS = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}


_EXTRAS = (
    ("[required]", "[obligatoire]"),
    ("default: ", "par défaut : "),
    ("[default:", "[par défaut :"),
)


class Formatter(click.HelpFormatter):
    """click's help, with French headings and notes (« [obligatoire] »)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args.replace("[OPTIONS]", "[OPTIONS]"), prefix="Utilisation : ")

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)} :\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        french = []
        for first, second in rows:
            for english, translated in _EXTRAS:
                second = second.replace(english, translated)
            second = re.sub(r"\[(-?[0-9]+)<=x<=(-?[0-9]+)\]", r"[de \1 à \2]", second)
            french.append((first, second))
        super().write_dl(french, col_max, col_spacing)


class Option(click.Option):
    """An option whose former (English) names still work but are not shown in the help.

    Naming rule of `cdv`: options are French words without accents (`--sortie`, `--brouillon`);
    the names of earlier versions (`--output`, `--draft`…) are kept as hidden aliases so that
    scripts keep working.
    """

    def __init__(self, *args, aliases: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.aliases = tuple(aliases)

    def get_help_record(self, ctx):
        shown, self.opts = self.opts, [o for o in self.opts if o not in self.aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def option(*names: str, aliases: tuple[str, ...] = (), **kwargs):
    """`click.option` with hidden former names: `option("--sortie", "-o", aliases=("--output",))`."""
    declared = [n for n in names if n.startswith("-")]
    rest = [n for n in names if not n.startswith("-")]
    return click.option(*declared, *aliases, *rest, cls=Option, aliases=aliases, **kwargs)


class Choice(click.Choice):
    """A choice whose refusal is phrased in French."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            import difflib

            close = difflib.get_close_matches(str(value), list(self.choices), n=1, cutoff=0.5)
            hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
            self.fail(
                f"« {value} » n'est pas une valeur possible{hint} (valeurs possibles : "
                + ", ".join(self.choices)
                + ")",
                param,
                ctx,
            )


class IntRange(click.IntRange):
    """A whole number within bounds, refused in French."""

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"« {value} » n'est pas un nombre entier", param, ctx)
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            self.fail(f"{number} n'est pas entre {self.min} et {self.max}", param, ctx)
        return number


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    context_class = Context


# The first names of four commands, in English: still understood (scripts written before
# the commands were given French names), never shown.
FORMER_NAMES = {
    "validate": "valider",
    "build": "produire",
    "diff": "comparer",
    "templates": "modeles",
    "check": "verifier",
    "vars": "variables",
}


class Group(click.Group):
    context_class = Context
    command_class = Command

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in FORMER_NAMES:
            command = super().get_command(ctx, FORMER_NAMES[cmd_name])
        return command


def echo(
    message: object = "",
    err: bool = False,
    nl: bool = True,
    fg: str | None = None,
    bold: bool | None = None,
    keep_styles: bool = False,
) -> None:
    """Print a message: every message goes through here, so that text quoted from the input
    (names, values, paths) never sends a control sequence to the terminal (ESC, OSC, BEL, \\r,
    bidirectional overrides are shown as `\\x1b`, `\\u202e`). `fg`/`bold` style it after
    that; `keep_styles` keeps the colours a caller already added (cdv comparer)."""
    from generator.description.characters import terminal_safe

    text = terminal_safe(str(message), keep_styles=keep_styles)
    if fg or bold:
        text = click.style(text, fg=fg, bold=bold)
    click.echo(text, err=err, nl=nl, color=True if keep_styles else None)


def echo_json(text: str) -> None:
    """Print JSON: controls and bidirectional characters as JSON escapes."""
    from generator.description.characters import terminal_safe

    click.echo(terminal_safe(text, json=True))


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
    except OSError as exc:  # an unreadable folder (PermissionError), a vanished disk
        raise Refused(os_message(exc)) from exc
    return list(dict.fromkeys(t.root for t in targets)), templates


class Refused(click.ClickException):
    """A command that cannot run (a folder it may not read): « erreur : … », exit code 1."""

    exit_code = EXIT_PROBLEMS

    def show(self, file=None) -> None:
        echo(f"erreur : {self.message}", err=True)


def os_message(exc: OSError) -> str:
    """What the system refused, where, why, and what to do — in French."""
    import errno

    from generator.description.file_text import os_reason

    where = f"{display(exc.filename)} : " if exc.filename else ""
    advice = {
        errno.EACCES: " ; vérifiez les droits du dossier (ou demandez-les à son propriétaire)",
        errno.EPERM: " ; vérifiez les droits du dossier (ou demandez-les à son propriétaire)",
        errno.ENOSPC: " ; libérez de la place ou choisissez un autre dossier (--sortie)",
        errno.EROFS: " ; choisissez un dossier où l'on peut écrire (--sortie)",
    }.get(exc.errno, "")
    return f"{where}{os_reason(exc)}{advice}"


def territories_argument(func):
    """`[CHEMIN]...`: territory folders, folders of territories, or files."""
    return click.argument(
        "chemins", nargs=-1, type=click.Path(path_type=Path), metavar="[CHEMIN]..."
    )(func)


def output_option(func):
    """`--sortie/-o DOSSIER`, `build/` by default (formerly `--output`)."""
    return option(
        "--sortie",
        "-o",
        "output",
        aliases=("--output",),
        metavar="DOSSIER",
        type=click.Path(path_type=Path),
        default=Path("build"),
        callback=_output_folder,
        help="Dossier où écrire les documents (par défaut : build/).",
    )(func)


def _output_folder(ctx, param, value: Path) -> Path:
    """`--sortie` is a folder: an existing file is refused in French (click would say
    « Directory … is a file »), before anything is read or written."""
    if value is not None and value.exists() and not value.is_dir():
        raise click.BadParameter(
            f"« {value} » est un fichier, pas un dossier : donnez un dossier (il est créé s'il "
            "n'existe pas), par exemple --sortie build",
            ctx,
            param,
        )
    return value


def jobs_option(
    func, what: str = "Nombre de territoires produits en parallèle.", default: int | None = 1
):
    """`--parallele/-j N` (formerly `--jobs`); `default=None` lets the command choose."""
    return option(
        "--parallele",
        "-j",
        "jobs",
        aliases=("--jobs",),
        type=IntRange(1, 64),
        default=default,
        metavar="N",
        help=what,
    )(func)


def draft_option(func):
    """`--brouillon` (formerly `--draft`)."""
    return option(
        "--brouillon",
        "draft",
        aliases=("--draft",),
        is_flag=True,
        help="Produire aussi les territoires dont la description a des erreurs : un document de "
        "travail, les erreurs listées ici et en tête du document.",
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


def replace_option(func):
    """`--remplacer` (formerly `--force`): rebuild everything, hand-edited documents included."""
    return option(
        "--remplacer",
        "force",
        aliases=("--force",),
        is_flag=True,
        help="Tout reproduire, et remplacer les documents modifiés à la main (ils sont d'abord "
        "sauvegardés à côté, ….sauvegarde-1.docx). Sans cette option, un document modifié à la "
        "main n'est jamais écrasé.",
    )(func)


# --------------------------------------------------------------------------- build summaries
# `cdv produire` and `cdv bilan` report their territories alike: the problems, the failure, the
# documents to look at, then one table row a territory.


def echo_problem(problem, err: bool) -> None:
    """A located problem, its file shown relative to here."""
    head, _, rest = problem.format().partition(":")
    echo(display(head) + ":" + rest, err=err)


def echo_failure(result) -> None:
    if result.message:
        echo(f"✘ {result.territory} : {result.message}", fg="red", err=True)


def echo_document_notes(result) -> None:
    """One line per document the pilot should look at (protected, replaced, removed, noted)."""
    from generator.documents.build import PROTECTED, REMOVED, REPLACED

    for doc in result.documents:
        if doc.status in (PROTECTED, REPLACED, REMOVED) or doc.note:
            echo(f"  ! {result.territory}/{doc.name} : {doc.status} — {doc.note}")


def echo_summary_table(results, name=lambda result: result.territory) -> None:
    """The table of the territories: status, documents written and unchanged, problems."""
    from generator.documents.build import REPLACED, UNCHANGED, WRITTEN

    header = ("Territoire", "Statut", "Écrits", "Inchangés", "Erreurs", "Avert.")
    rows = [
        (
            name(r),
            r.status,
            str(sum(1 for d in r.documents if d.status in (WRITTEN, REPLACED))),
            str(sum(1 for d in r.documents if d.status == UNCHANGED)),
            str(r.errors),
            str(r.warnings),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    echo()
    for row in [header, *rows]:
        echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


def territories_build_options(func):
    """`[CHEMIN]...`, `--sortie`, `--parallele`, `--remplacer`: what `cdv produire` and
    `cdv bilan` both take, in this order."""
    for decorate in (replace_option, jobs_option, output_option, territories_argument):
        func = decorate(func)
    return func


def validated(root: Path, before: str):
    """The validation of the territory `root` for a command that needs it free of errors: its
    errors printed and the command stopped (« corrigez-les avant {before} ») when it has any."""
    import sys

    from generator.description.validate import Target, validate_target

    validation = validate_target(Target(root))
    if validation.errors:
        for problem in validation.errors:
            echo(problem.format(), err=True)
        echo(
            f"erreur : la description comporte des erreurs : corrigez-les avant {before}", err=True
        )
        sys.exit(EXIT_PROBLEMS)
    return validation
