"""The `cdv` command: parses arguments, calls the steps, prints French messages.

Heavy modules are imported inside the commands so that `cdv --help` stays fast.
"""

from __future__ import annotations

import sys

import click

from generator import __version__
from generator.cli.common import (
    EXIT_USAGE,
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
      cdv validate contracts/mon-territoire
    """


def _register_commands() -> None:
    # imported here: these modules only import click and defer their heavy imports
    from generator.cli.build import build
    from generator.cli.diff import diff
    from generator.cli.init import init
    from generator.cli.pdf import pdf
    from generator.cli.templates import templates
    from generator.cli.validate import validate

    for command in (validate, init, build, pdf, diff, templates):
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
