"""Issue 11: in the signature package of every example, as LibreOffice lays it out, no page
begins, under the repeated header of a table, with only the last row of that table (its total
row, or its last row with the group heading over it): at least two rows of the body move to
the new page together.

Each page's text is read in the order LibreOffice draws it (`pdftotext -raw`: cell by cell,
row by row) and compared, without white space, with the rows of the tables of the Word
documents of the package. Needs LibreOffice and poppler; skipped only where LibreOffice is
missing outside CI. One `cdv pdf` for every example.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, Cli
from lxml import etree

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) absent de ce poste",
)
EXAMPLES = sorted(p.name for p in (ROOT / "contracts").iterdir() if (p / "contrat.yaml").exists())
PACKAGE = "contrat-de-ville-signature.pdf"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def bare(text: str) -> str:
    """Text without white space (a cell wraps where the page is narrow) nor list bullets (the
    page draws them, the Word text has only their numbering)."""
    return re.sub(r"[\s\u00a0\u202f\u00ad\u2022\u25e6\u25aa]+", "", text)


def _text(element) -> str:
    parts = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br"):
        parts.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(parts)


def _rows(table) -> list:
    """The rows of a table as the page shows them: a row whose only cell holds a table
    stands for the rows of that table."""
    rows = []
    for row in table.findall(f"{W}tr"):
        cells = row.findall(f"{W}tc")
        inner = cells[0].findall(f"{W}tbl") if len(cells) == 1 else []
        if inner and not bare(
            "".join(_text(p) for p in cells[0].findall(f"{W}p"))
        ):  # nothing else in the cell
            rows.extend(_rows(inner[0]))
        else:
            rows.append(row)
    return rows


def _heads_a_group(row) -> bool:
    """A group heading (« Orientation 5 – … »): one cell across the row, kept with the next."""
    paragraphs = list(row.iter(f"{W}p"))
    return (
        len(row.findall(f"{W}tc")) == 1
        and bool(paragraphs)
        and all(p.find(f"{W}pPr/{W}keepNext") is not None for p in paragraphs)
    )


@dataclass
class Table:
    document: str
    header: str  # bare text of the repeated header rows
    rows: list[tuple[str, bool]]  # bare text of each body row, and whether it is a data row


def tables_of(docx: Path) -> list[Table]:
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    found = []
    for table in root.iter(f"{W}tbl"):
        rows = _rows(table)
        headers = 0
        while headers < len(rows) and rows[headers].find(f"{W}trPr/{W}tblHeader") is not None:
            headers += 1
        if not headers:
            continue  # a nested table is read through the table that holds it
        body = rows[headers:]
        header = rows[:headers]
        entries = [(bare(_text(r)), not _heads_a_group(r)) for r in body]
        if sum(data for _, data in entries) >= 2 and all(text for text, _ in entries):
            found.append(Table(docx.name, bare("".join(_text(r) for r in header)), entries))
    return found


def continued(pages: list[str], tables: list[Table]) -> list[int]:
    """Pages where a table goes on under its repeated header, with a row of it read there."""
    found = []
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        for start in {bare("".join(lines[skip:])) for skip in (0, 1)}:
            for table in tables:
                rest = start[len(table.header) :]
                if start.startswith(table.header) and any(
                    rest.startswith(text) for text, _ in table.rows[1:]
                ):
                    found.append(number)
    return sorted(set(found))


def lone_last_rows(pages: list[str], tables: list[Table]) -> list[str]:
    """Pages that begin, under the repeated header of a table, with only its last row (and
    the group heading over it), or with a total row."""
    found = []
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        # after the running header of the page, if there is one
        starts = {bare("".join(lines[skip:])) for skip in (0, 1)}
        for table in tables:
            for start in starts:
                if not start.startswith(table.header):
                    continue
                rest = start[len(table.header) :]
                for first in range(1, len(table.rows)):
                    if table.rows[first][0].startswith("Total") and rest.startswith(
                        table.rows[first][0]
                    ):
                        found.append(f"page {number} ({table.document}) : {rest[:80]}")
                    position, index, data = 0, first, 0
                    while index < len(table.rows) and rest.startswith(
                        table.rows[index][0], position
                    ):
                        position += len(table.rows[index][0])
                        data += table.rows[index][1]
                        index += 1
                    if index == len(table.rows) and index > first and data < 2:
                        found.append(f"page {number} ({table.document}) : {rest[:80]}")
    return sorted(set(found))


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> Path:
    for tool in ("soffice", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} absent : apt-get install libreoffice-writer-nogui poppler-utils")
    output = tmp_path_factory.mktemp("paquets")
    paths = [ROOT / "contracts" / name for name in EXAMPLES]
    result = Cli()("pdf", *paths, "--output", output, "--parallele", "2")
    assert result.exit_code == 0, result.text
    return output


def pages_of(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout.decode("utf-8")
    return text.split("\f")


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_page_begins_with_only_the_last_row_of_a_table(packages, example):
    folder = packages / example
    # the Word documents of the package (contrat-de-ville.docx is the contract once more)
    documents = [d for d in sorted(folder.glob("*.docx")) if d.name != "contrat-de-ville.docx"]
    tables = [t for docx in documents for t in tables_of(docx)]
    assert len(tables) >= 5, [t.header for t in tables]
    pages = pages_of(folder / PACKAGE)
    # the reading is real: tables of the package go on over pages, under their repeated header
    if example != "minimal":  # no table of the minimal example is long enough
        assert len(continued(pages, tables)) >= 3, example
    assert lone_last_rows(pages, tables) == []


def test_the_check_finds_a_last_row_alone_under_the_header():
    rows = [("A1", True), ("Total1", True), ("Orientation5", False), ("B2", True)]
    table = Table("annexe.docx", "IndicateurSource", rows)
    page = "Running header\nIndicateur Source\nOrientation 5\nB 2\nPage 3"
    assert lone_last_rows([page], [table]) == ["page 1 (annexe.docx) : Orientation5B2Page3"]
    total = "Running header\nIndicateur Source\nTotal 1\nOrientation 5\nB 2\nPage 3"
    assert lone_last_rows([total], [table]) == ["page 1 (annexe.docx) : Total1Orientation5B2Page3"]
    # rows held together: nothing to say
    together = "Running header\nIndicateur Source\nA 1\nTotal 1\nOrientation 5\nB 2\nPage 3"
    assert lone_last_rows([together], [table]) == []
