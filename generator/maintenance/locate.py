"""Where a problem of a Word template is, in its maintainer's terms (part, heading, paragraph,
table, row and cell), and the problem itself as `cdv modeles verifier` reports it."""

from __future__ import annotations

from dataclasses import dataclass

from generator.description.problems import ERREUR


@dataclass(frozen=True)
class Where:
    """A place in a Word document, as its maintainer would look for it."""

    part: str = "corps du document"
    heading: str = ""
    paragraph: int = 0  # paragraph number outside tables, from 1
    table: int = 0  # table number, from 1
    row: int = 0
    cell: int = 0
    text: str = ""

    def describe(self) -> str:
        bits = []
        if self.part != "corps du document":
            bits.append(self.part)
        if self.heading:
            bits.append(f"sous le titre « {_short(self.heading, 50)} »")
        if self.table:
            bits.append(f"tableau {self.table}, ligne {self.row}, colonne {self.cell}")
        elif self.paragraph:
            bits.append(f"paragraphe {self.paragraph}")
        where = ", ".join(bits) or "document"
        if self.text.strip():
            where += f" : « {_short(self.text.strip(), 60)} »"
        return where


@dataclass(frozen=True)
class TemplateProblem:
    """One problem of a template, phrased for its maintainer."""

    severity: str
    file: str
    message: str
    where: Where | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERREUR

    def format(self) -> str:
        head = f"{self.file}: {self.severity} : {self.message}"
        return head + (f"\n    à : {self.where.describe()}" if self.where else "")

    def as_dict(self) -> dict:
        return {
            "fichier": self.file,
            "gravite": self.severity,
            "message": self.message,
            "emplacement": self.where.describe() if self.where else "",
        }


class ProblemLog:
    """The problems found in one template file, each with its place: the base of its checks."""

    display: str  # the file's name in the messages
    problems: list[TemplateProblem]
    flagged: set[int]  # Word tags already reported (no second message)

    def add(self, severity: str, message: str, where: Where | None) -> None:
        self.problems.append(TemplateProblem(severity, self.display, message, where))


def _short(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _place(where: Where | None) -> str:
    if where is None:
        return "?"
    if where.table:
        return f"tableau {where.table}, ligne {where.row}, colonne {where.cell}"
    return f"paragraphe {where.paragraph}"
