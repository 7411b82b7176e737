"""The `cdv` command: parses arguments, calls the steps, prints French messages.

Heavy modules are imported inside the commands so that `cdv --help` stays fast.
"""

from __future__ import annotations

import sys

import click

from generator import __version__
from generator.cli.common import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    echo,
)
from generator.cli.common import Group as _Group
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
      cdv valider contracts/mon-territoire
    """


def _register_commands() -> None:
    # imported here: these modules only import click and defer their heavy imports
    from generator.cli.avenant import avenant
    from generator.cli.bilan import bilan
    from generator.cli.build import build
    from generator.cli.diff import diff
    from generator.cli.evaluation import evaluation
    from generator.cli.exporter import exporter
    from generator.cli.importer import importer
    from generator.cli.init import init
    from generator.cli.migrate import migrer
    from generator.cli.pdf import pdf
    from generator.cli.signer import signer
    from generator.cli.synthese import synthese
    from generator.cli.templates import templates
    from generator.cli.validate import validate

    commands = (
        validate,
        init,
        migrer,
        build,
        pdf,
        diff,
        templates,
        importer,
        exporter,
        bilan,
        signer,
        avenant,
        evaluation,
        synthese,
    )
    for command in commands:
        cli.add_command(command)


_register_commands()


def main() -> None:
    """Entry point: click's own usage errors are phrased in French, in one form (« erreur : »)."""
    try:
        cli.main(standalone_mode=False, prog_name="cdv")
    except click.exceptions.NoSuchOption as exc:
        hint = (
            f" ; vouliez-vous dire {' ou '.join(_shown(exc.possibilities, exc.ctx))} ?"
            if _shown(exc.possibilities, exc.ctx)
            else ""
        )
        _usage_exit(f"option inconnue « {exc.option_name} »{hint}", exc.ctx)
    except click.exceptions.MissingParameter as exc:
        _usage_exit(_missing(exc), exc.ctx)
    except click.exceptions.BadOptionUsage as exc:
        message = exc.message
        if "requires an argument" in message:
            message = f"l'option {exc.option_name} attend une valeur"
        _usage_exit(message, exc.ctx)
    except click.exceptions.BadParameter as exc:
        message = _translate_path(exc.message)
        _usage_exit(f"valeur refusée pour {_param_name(exc.param)} : {message}", exc.ctx)
    except click.exceptions.NoArgsIsHelpError as exc:
        echo(exc.ctx.get_help() if exc.ctx else "", err=True)
        sys.exit(EXIT_USAGE)
    except click.exceptions.UsageError as exc:
        _usage_exit(_translate_usage(exc), exc.ctx)
    except click.exceptions.Abort:
        echo("Interrompu.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        echo("Interrompu.", err=True)
        sys.exit(130)
    except OSError as exc:  # the system refused something no step expected (rights, disk)
        from generator.cli.common import os_message

        echo(f"erreur : {os_message(exc)}", err=True)
        sys.exit(EXIT_PROBLEMS)


def _shown(names, ctx) -> list[str]:
    """Suggested option names: a hidden former name is replaced by the name to use."""
    primary: dict[str, str] = {}
    if ctx is not None:
        for param in ctx.command.params:
            shown = [o for o in param.opts if o not in getattr(param, "aliases", ())]
            for alias in getattr(param, "aliases", ()):
                primary[alias] = next((o for o in shown if o.startswith("--")), shown[0])
    return list(dict.fromkeys(primary.get(n, n) for n in names or []))


def _param_name(param) -> str:
    if param is None:
        return "un paramètre"
    if isinstance(param, click.Argument):
        return param.human_readable_name
    return param.opts[0] if param.opts else param.name


def _missing(exc: click.exceptions.MissingParameter) -> str:
    if isinstance(exc.param, click.Argument):
        return f"argument obligatoire manquant : {exc.param.human_readable_name}"
    return f"option obligatoire manquante : {_param_name(exc.param)}"


def _translate_usage(exc: click.exceptions.UsageError) -> str:
    import re

    message = exc.message
    found = re.match(r"No such command '(.*)'\.?", message)
    if found:
        return _unknown_command(found.group(1), exc.ctx)
    found = re.match(r"Got unexpected extra arguments? \((.*)\)", message)
    if found:
        return f"argument en trop : {found.group(1)}"
    return message


_PATH_MESSAGES = (
    (r"Directory (.*) is a file\.?", "{} est un fichier, pas un dossier : donnez un dossier"),
    (r"File (.*) is a directory\.?", "{} est un dossier, pas un fichier : donnez un fichier"),
    (r"(?:File|Directory|Path) (.*) does not exist\.?", "{} est introuvable"),
    (r"(?:File|Directory|Path) (.*) is not readable\.?", "{} ne peut pas être lu (droits)"),
    (r"(?:File|Directory|Path) (.*) is not writable\.?", "{} ne peut pas être écrit (droits)"),
)


def _translate_path(message: str) -> str:
    """click's own refusals of a path, in French (« Directory 'x' is a file. »)."""
    import re

    for english, french in _PATH_MESSAGES:
        found = re.fullmatch(english, message.strip())
        if found:
            return french.format("« " + found.group(1).strip("'\"") + " »")
    return message


def _unknown_command(name: str, ctx: click.Context | None) -> str:
    import difflib

    group = ctx.command if ctx is not None and isinstance(ctx.command, click.Group) else cli
    names = sorted(group.list_commands(ctx) if ctx is not None else group.commands)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.5)
    hint = f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
    return f"commande inconnue « {name} »{hint} (commandes : {', '.join(names)})"


def _usage_exit(message: str, ctx: click.Context | None) -> None:
    command = ctx.command_path if ctx is not None else "cdv"
    echo(f"erreur : {message}", err=True)
    echo(f"Aide : {command} --help", err=True)
    sys.exit(EXIT_USAGE)
