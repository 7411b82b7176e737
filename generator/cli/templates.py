"""`cdv modeles`: check the Word templates and write the reference of their variables.

Registered in `generator.cli.main` with `cli.add_command(templates)`. Heavy modules are imported
inside the commands so that `cdv --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.common import EXIT_OK, EXIT_PROBLEMS, Choice, echo, echo_json
from generator.cli.common import Group as _Group
from generator.cli.common import display as _display_path
from generator.cli.common import help_option as _help_option

DEFAULT_REFERENCE = Path("docs") / "variables.md"
_display = _display_path


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


@click.group(
    "modeles",
    cls=_Group,
    add_help_option=False,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
)
@_help_option
def templates() -> None:
    """Maintenir les modèles Word : les vérifier, et lister ce qu'ils peuvent contenir.

    \b
      cdv modeles verifier          vérifier le jeu de modèles livré
      cdv modeles variables           écrire la référence des variables (docs/variables.md)
    """


@templates.command("verifier", add_help_option=False)
@click.argument("dossiers", nargs=-1, type=click.Path(path_type=Path), metavar="[DOSSIER]...")
@click.option(
    "--modeles",
    "templates_folder",
    metavar="DOSSIER",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Jeu de modèles auquel comparer les modèles locaux d'un territoire (par défaut : le "
    "jeu IREV livré).",
)
@click.option(
    "--format",
    "output_format",
    type=Choice(["texte", "json"]),
    default="texte",
    help="texte (par défaut) pour les personnes, json pour les programmes.",
)
@click.option("--strict", is_flag=True, help="Compter les avertissements comme des erreurs.")
@click.option(
    "--mettre-a-jour",
    "update_lock",
    is_flag=True,
    help="Après un changement de version du manifeste, enregistrer les empreintes des modèles "
    "dans versions.lock (seulement si la vérification ne trouve pas d'erreur).",
)
@_help_option
def check(
    dossiers: tuple[Path, ...],
    templates_folder: Path | None,
    output_format: str,
    strict: bool,
    update_lock: bool,
) -> None:
    """Vérifier des modèles Word et rapporter tous leurs problèmes en une fois.

    DOSSIER est un jeu de modèles (un dossier avec manifest.yaml), le dossier d'un territoire
    (ses modèles locaux, dans modeles/, sont vérifiés) ou un fichier .docx. Par défaut : le
    jeu de modèles livré.

    Sont signalés, avec leur place dans le document (titre de la partie, paragraphe, tableau,
    ligne et colonne) : les balises cassées par Word, les erreurs de syntaxe, les blocs mal
    fermés, les boucles de tableau sans {%tr %}, les {%p %} qui partagent leur paragraphe, les
    variables, champs et filtres inconnus, un modèle modifié sans nouvelle version ; en
    avertissement, les champs de la description qu'aucun modèle ne montre.

    Code de sortie : 0 si aucune erreur (avertissements permis), 1 si des problèmes sont
    trouvés, 2 si la commande est mal employée.
    """
    from generator.description.load import is_territory
    from generator.documents.templates import LOCAL_FOLDER, MANIFEST
    from generator.maintenance.check import CheckResult, check_file, check_set

    results: list[CheckResult] = []
    for folder in dossiers or (None,):
        if folder is not None and not folder.exists():
            raise click.UsageError(f"chemin introuvable : {folder}")
        if folder is None or (folder / MANIFEST).is_file():
            results.append(check_set(folder, update_lock=update_lock))
        elif folder.is_file() and folder.suffix.lower() == ".docx":
            result = CheckResult(folder=folder, label=_display(folder))
            result.problems = check_file(folder, _for_each(folder))
            results.append(result)
        elif (folder / LOCAL_FOLDER).is_dir():
            results.append(check_set(templates_folder, territory=folder))
        elif folder.is_dir() and is_territory(folder):
            echo(
                f"{_display(folder)} : aucun modèle local (pas de dossier {LOCAL_FOLDER}/) : "
                "rien à vérifier ; le territoire utilise le jeu de modèles livré, que vérifie "
                "« cdv modeles verifier »",
                err=output_format == "json",
            )
            continue
        else:
            raise click.UsageError(
                f"{folder} n'est ni un jeu de modèles (pas de {MANIFEST}), ni un territoire avec "
                f"des modèles locaux (pas de dossier {LOCAL_FOLDER}/), ni un fichier .docx"
            )
    if output_format == "json":
        import json

        payload = [
            {
                "modeles": r.label,
                "valide": r.valid and not (strict and r.warnings),
                "erreurs": len(r.errors),
                "avertissements": len(r.warnings),
                "problemes": [p.as_dict() for p in r.problems],
            }
            for r in results
        ]
        echo_json(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for result in results:
            for problem in result.problems:
                echo(problem.format())
            if result.lock_written is not None:
                echo(f"Empreintes enregistrées dans {_display(result.lock_written)}.")
            counts = []
            if result.errors:
                counts.append(_plural(len(result.errors), "erreur"))
            if result.warnings:
                counts.append(_plural(len(result.warnings), "avertissement"))
            if result.valid and not (strict and result.warnings):
                detail = f" ({', '.join(counts)})" if counts else ""
                echo(f"✔ {result.label} : modèles valables{detail}", fg="green")
            else:
                echo(f"✘ {result.label} : {', '.join(counts)}", fg="red")
    failed = any(not r.valid or (strict and r.warnings) for r in results)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


def _for_each(path: Path) -> str | None:
    """`pour_chaque` of a template file in its set's manifest, if it belongs to one."""
    from generator.documents.templates import MANIFEST, TemplateError, load_template_set

    if not (path.parent / MANIFEST).is_file():
        return None
    try:
        template_set = load_template_set(path.parent)
    except TemplateError:
        return None
    for doc in template_set.documents:
        if doc.template.resolve() == path.resolve():
            return doc.for_each
    return None


@templates.command("variables", add_help_option=False)
@click.option(
    "--sortie",
    "output",
    metavar="FICHIER",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=DEFAULT_REFERENCE,
    help="Fichier Markdown à écrire (par défaut : docs/variables.md) ; « - » pour l'afficher.",
)
@click.option(
    "--verifier",
    "verify",
    is_flag=True,
    help="Ne rien écrire : sortir avec le code 1 si le fichier n'est pas à jour.",
)
@_help_option
def vars_(output: Path, verify: bool) -> None:
    """Écrire la référence des variables et des filtres des modèles.

    La référence est produite à partir du schéma de la description (titres, types, exemples)
    et de ce que l'outil calcule (totaux, tableaux financiers…) : tout ce qu'un auteur de
    modèle peut écrire entre {{ }} et {% %}.
    """
    from generator.documents.write import atomic_write
    from generator.maintenance.variables import render_markdown

    text = render_markdown()
    if str(output) == "-":
        echo(text, nl=False)
        return
    if verify:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            echo(
                f"{_display(output)} n'est pas à jour : lancez « cdv modeles variables »", err=True
            )
            sys.exit(EXIT_PROBLEMS)
        echo(f"{_display(output)} est à jour.")
        return
    atomic_write(output, text.encode("utf-8"))
    echo(f"Référence des variables écrite dans {_display(output)}.")
