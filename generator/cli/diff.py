"""`cdv comparer`: compare two versions of a description or of a generated (or edited) document.

Registered in `generator.cli.main` with `cli.add_command(diff)`. Heavy modules are imported inside
the command. Exit status as diff(1): 0 identical, 1 different, 2 trouble.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import click

from generator.cli.common import Command as _Command
from generator.cli.common import display as _display_path
from generator.cli.common import echo, option
from generator.description.file_text import os_reason

EXIT_SAME, EXIT_DIFFERENT, EXIT_TROUBLE = 0, 1, 2
DESCRIPTION_SUFFIXES = (".yaml", ".yml")


class DiffError(Exception):
    """Trouble that stops the comparison (French message, exit status 2)."""


# --------------------------------------------------------------------------- git


def git_version(path: Path, revision: str, into: Path) -> Path:
    """The version of `path` at `revision`, written under the scratch folder `into`."""
    from generator.compare.revision import RevisionError
    from generator.compare.revision import git_version as read_revision

    try:
        return read_revision(path, revision, into)
    except RevisionError as exc:
        raise DiffError(str(exc)) from None


# --------------------------------------------------------------------------- comparison


@dataclass
class Outcome:
    """What `cdv comparer` found; the command prints it, tests read it."""

    old_name: str
    new_name: str
    comparison: object = None  # diff_description.Comparison
    text: object = None  # diff_docx.DocDiff
    note: str = ""

    @property
    def identical(self) -> bool:
        same_description = self.comparison is None or self.comparison.identical
        same_text = self.text is None or self.text.identical
        return same_description and same_text


def _is_description(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in (*DESCRIPTION_SUFFIXES, ".json")


def _data(path: Path, section=None) -> dict:
    """The description of one side: a folder, a .yaml file, or a signed version
    (versions-signees/contrat.json, avenant-N.json written by cdv signer)."""
    from generator.compare.sides import load_data

    if path.suffix.lower() != ".json":
        return load_data(path, section)
    from generator.amendment.snapshot import SnapshotError, read_snapshot_file

    try:
        return read_snapshot_file(path).description
    except SnapshotError as exc:
        raise DiffError(str(exc)) from None


def compare_paths(old: Path, new: Path, old_name: str, new_name: str, section=None) -> Outcome:
    """Compare two descriptions or two .docx; DiffError for anything that cannot be read."""
    from generator.compare.description import compare
    from generator.compare.sides import DescriptionError, load_data, territory_of

    for path, name in ((old, old_name), (new, new_name)):
        if not path.exists():
            raise DiffError(f"{'fichier' if path.suffix else 'chemin'} introuvable : {name}")
    old_is_desc, new_is_desc = _is_description(old), _is_description(new)
    if old_is_desc != new_is_desc:
        raise DiffError(
            "on compare deux descriptions (dossiers, fichiers .yaml ou versions signées .json) "
            "ou deux documents Word "
            f"(.docx), pas l'un avec l'autre : {old_name}, {new_name}"
        )
    outcome = Outcome(old_name, new_name)
    if old_is_desc:
        try:
            context = None
            territory = territory_of(new)
            if territory is not None:  # one file: the territory names what it refers to
                try:
                    context = load_data(territory)
                except DescriptionError:
                    context = None
            outcome.comparison = compare(_data(old, section), _data(new, section), context)
        except DescriptionError as exc:
            raise DiffError(str(exc)) from None
        return outcome
    from generator.compare.docx_text import DocxError, read_package, read_text
    from generator.compare.text_diff import diff_texts
    from generator.documents.write import read_embedded_description

    try:
        old_parts, new_parts = read_package(old), read_package(new)
        old_text, new_text = read_text(old_parts, old_name), read_text(new_parts, new_name)
    except DocxError as exc:
        raise DiffError(str(exc)) from None
    outcome.text = diff_texts(old_text, new_text)
    old_data, new_data = read_embedded_description(old), read_embedded_description(new)
    if old_data is not None and new_data is not None:
        outcome.comparison = compare(old_data, new_data)
    elif (old_data is None) != (new_data is None):
        outcome.note = (
            "un seul des deux documents contient la description dont il est issu : "
            "seul le texte est comparé"
        )
    return outcome


# --------------------------------------------------------------------------- output


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


_MARKS = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", None)}


def format_outcome(outcome: Outcome, color: bool) -> str:
    from generator.compare.report_text import format_text

    lines: list[str] = []
    if outcome.comparison is not None:
        comparison = outcome.comparison
        head = f"Description : {outcome.old_name} → {outcome.new_name}"
        lines.append(click.style(head, bold=True) if color else head)
        if comparison.identical:
            lines.append("Aucun changement dans la description.")
        else:
            lines.append(_plural(len(comparison.changes), "changement"))
        for change in comparison.changes:
            mark, fg = _MARKS[change.kind]
            mark = click.style(mark, fg=fg, bold=True) if color and fg else mark
            lines.append(f"  {mark} {change.format(color)}")
        if comparison.totals:
            lines.append("")
            lines.append("Totaux qui ont changé :")
            lines.extend(f"  {total.format()}" for total in comparison.totals)
    if outcome.text is not None:
        if lines:
            lines.append("")
        lines.append(format_text(outcome.text, color))
    if outcome.note:
        lines.append("")
        lines.append(f"Remarque : {outcome.note}")
    return "\n".join(lines)


def html_report(outcome: Outcome) -> str:
    from generator.compare.report_html import format_html

    comparison = outcome.comparison
    return format_html(
        outcome.text,
        title="Comparaison de deux versions",
        old_name=outcome.old_name,
        new_name=outcome.new_name,
        semantic=comparison.changes if comparison is not None else None,
        totals=comparison.totals if comparison is not None else None,
    )


# --------------------------------------------------------------------------- command


def _fail(message: str) -> None:
    echo(f"erreur : {message}", err=True)
    sys.exit(EXIT_TROUBLE)


_display = _display_path


def _check_output(path: Path, suffix: str, inputs: list[Path], option: str) -> None:
    if path.suffix.lower() != suffix:
        _fail(f"{option} attend un nom de fichier en {suffix} : {path}")
    if path.is_dir():
        _fail(f"{option} : {path} est un dossier ; donnez un nom de fichier")
    for source in inputs:
        if source.exists() and path.exists() and path.resolve() == source.resolve():
            _fail(f"{option} écraserait un des fichiers comparés : {path}")


@click.command(
    "comparer",
    cls=_Command,
    add_help_option=False,
    short_help="Comparer deux versions d'une description ou d'un document.",
)
@click.argument("ancien", type=click.Path(path_type=Path))
@click.argument("nouveau", type=click.Path(path_type=Path), required=False)
@option(
    "--depuis",
    "revision",
    aliases=("--since",),
    metavar="REVISION",
    help="Comparer ANCIEN tel qu'il était à cette révision git (v0.3, HEAD~1…) avec "
    "son état actuel.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    metavar="FICHIER.html",
    help="Écrire aussi un rapport HTML autonome (un seul fichier, navigation par section).",
)
@option(
    "--suivi",
    "redline_path",
    aliases=("--redline",),
    type=click.Path(path_type=Path),
    metavar="FICHIER.docx",
    help="Écrire l'ancien document avec les modifications suivies (Word, LibreOffice) qui "
    "mènent au nouveau.",
)
@click.option(
    "--auteur",
    default="cdv comparer",
    metavar="NOM",
    help="Auteur des modifications suivies (--suivi ; par défaut « cdv comparer »).",
)
@click.option(
    "--couleur/--sans-couleur",
    "color",
    default=None,
    help="Couleurs dans le terminal (par défaut : oui dans un terminal, non dans un fichier).",
)
@click.help_option("-h", "--help", help="Afficher cette aide et quitter.")
def diff(
    ancien: Path,
    nouveau: Path | None,
    revision: str | None,
    html_path: Path | None,
    redline_path: Path | None,
    auteur: str,
    color: bool | None,
) -> None:
    """Comparer deux versions d'une description ou d'un document Word.

    \b
    Deux descriptions (dossiers de territoire ou fichiers .yaml) :
      cdv comparer ancien/arras contracts/arras
      cdv comparer contracts/arras --depuis v0.3
      cdv comparer contracts/arras/versions-signees/contrat.json contracts/arras
    (la version signée enregistrée par cdv signer, à comparer à la description actuelle)
    Les changements sont donnés avec les titres du schéma et les montants en euros ; les
    éléments des listes sont reconnus par leur identifiant : changer l'ordre d'une liste
    n'est pas un changement. Les totaux qui ont changé sont récapitulés.

    \b
    Deux documents Word (.docx), produits par cdv ou modifiés à la main :
      cdv comparer v03/contrat-de-ville.docx v04/contrat-de-ville.docx --html rapport.html
      cdv comparer v03.docx v04.docx --suivi modifications.docx
    Le texte est comparé section par section (selon les titres), paragraphe par paragraphe
    et cellule par cellule, mot à mot. Si les deux documents ont été produits par cdv, leurs
    descriptions sont comparées aussi.

    Code de sortie : 0 si les versions sont identiques, 1 si elles diffèrent, 2 en cas de
    problème (fichier introuvable ou illisible, révision inconnue…).
    """
    started = time.perf_counter()
    if revision is not None and nouveau is not None:
        _fail(
            "avec --depuis, donnez un seul chemin : sa version actuelle est comparée à celle "
            f"de la révision {revision}"
        )
    if revision is None and nouveau is None:
        _fail("deux chemins à comparer sont attendus (ou un seul avec --depuis REVISION)")
    inputs = [ancien] + ([nouveau] if nouveau else [])
    if html_path is not None:
        _check_output(html_path, ".html", inputs, "--html")
    if redline_path is not None:
        _check_output(redline_path, ".docx", inputs, "--suivi")
    if color is None:
        color = sys.stdout.isatty()
    with tempfile.TemporaryDirectory(prefix="cdv-diff-") as scratch:
        try:
            from generator.compare.sides import item_section

            if revision is not None:
                new = ancien
                if not new.exists():
                    raise DiffError(f"chemin introuvable : {new}")
                old = git_version(new, revision, Path(scratch))
                old_name = f"{_display(new)} (révision {revision})"
                new_name = f"{_display(new)} (version actuelle)"
            else:
                old, new = ancien, nouveau
                old_name, new_name = _display(old), _display(new)
            section = item_section(new) if new.exists() else None
            outcome = compare_paths(old, new, old_name, new_name, section)
        except DiffError as exc:
            _fail(str(exc))
        if redline_path is not None and outcome.text is None:
            _fail("--suivi compare deux documents Word (.docx), pas deux descriptions")
        compared = time.perf_counter() - started
        echo(format_outcome(outcome, color), keep_styles=color)
        from generator.documents.write import atomic_write

        if html_path is not None:
            try:
                atomic_write(html_path, html_report(outcome).encode("utf-8"))
            except OSError as exc:
                _fail(f"impossible d'écrire le rapport {html_path} : {os_reason(exc)}")
            echo(f"\nRapport HTML : {_display(html_path)}")
        if redline_path is not None:
            from generator.compare.redline import RedlineError, make_redline

            begin = time.perf_counter()
            try:
                redline = make_redline(old, new, author=auteur)
                atomic_write(redline_path, redline.data)
            except RedlineError as exc:
                _fail(str(exc))
            except OSError as exc:
                _fail(f"impossible d'écrire {redline_path} : {os_reason(exc)}")
            echo(
                f"\nModifications suivies : {_display(redline_path)} "
                f"({_plural(redline.insertions, 'insertion')}, "
                f"{_plural(redline.deletions, 'suppression')} ; "
                f"comparaison {compared:.2f} s, modifications suivies "
                f"{time.perf_counter() - begin:.2f} s)"
            )
    sys.exit(EXIT_SAME if outcome.identical else EXIT_DIFFERENT)
