"""`cdv valider`: checks one or more territories and prints every problem, located, in French.

Registered in `generator.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import DEFAULT_CONTRACTS, EXIT_OK, EXIT_PROBLEMS, Choice, echo, echo_json
from generator.cli.common import Command as _Command
from generator.cli.common import display as _display
from generator.cli.common import help_option as _help_option


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


@click.command("valider", cls=_Command, add_help_option=False)
@click.argument("chemins", nargs=-1, type=click.Path(path_type=Path), metavar="[CHEMIN]...")
@click.option(
    "--format",
    "output_format",
    type=Choice(["texte", "json"]),
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
        echo_json(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for result in results:
            for problem in result.problems:
                line = problem.format()
                head, _, rest = line.partition(":")
                echo(_display(head) + ":" + rest if problem.file else line)
            label = _display(result.target.label)
            counts = []
            if result.errors:
                counts.append(_plural(len(result.errors), "erreur"))
            if result.warnings:
                counts.append(_plural(len(result.warnings), "avertissement"))
            if result.valid:
                detail = f" ({', '.join(counts)})" if counts else ""
                echo(f"✔ {label} : valide{detail}", fg="green")
            else:
                echo(f"✘ {label} : {', '.join(counts)}", fg="red")
    sys.exit(EXIT_OK if all(r.valid for r in results) else EXIT_PROBLEMS)


def _problem_json(problem) -> dict:
    data = problem.as_dict()
    data["fichier"] = _display(data["fichier"])
    return data
