"""Problems found in a description: data, never exceptions."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

ERREUR = "erreur"
AVERTISSEMENT = "avertissement"

Path_ = tuple[str | int, ...]


class Location(NamedTuple):
    """Where a value sits: file, 1-based line and column."""

    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """One problem, located and phrased for a pilot."""

    severity: str
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    path: Path_ = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity == ERREUR

    @property
    def field_label(self) -> str:
        return format_path(self.path)

    def format(self, base: Path | None = None) -> str:
        """`fichier:ligne:colonne: erreur : <champ> — message` (or `avertissement :`)."""
        where = display_file(self.file, base)
        if self.line:
            where = f"{where}:{self.line}:{self.column}"
        label = self.field_label
        body = f"{label} — {self.message}" if label else self.message
        return f"{where}: {self.severity} : {body}"

    def as_dict(self, base: Path | None = None) -> dict:
        data = asdict(self)
        return {
            "fichier": display_file(self.file, base),
            "ligne": data["line"],
            "colonne": data["column"],
            "gravite": self.severity,
            "champ": self.field_label,
            "message": self.message,
        }

    def as_strict(self) -> Problem:
        """The same problem counted as an error (for --strict)."""
        return Problem(ERREUR, self.message, self.file, self.line, self.column, self.path)


def format_path(path: Path_) -> str:
    """`financements.lignes[4].montant`: list positions counted from 1, as a pilot counts."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def display_file(file: str, base: Path | None) -> str:
    if not file:
        return "?"
    if base is None:
        return file
    try:
        return str(Path(file).resolve().relative_to(base.resolve()))
    except ValueError:
        return file


def sort_key(problem: Problem) -> tuple:
    return (problem.file, problem.line, problem.column, problem.message)
