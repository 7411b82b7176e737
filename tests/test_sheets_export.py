"""`cdv exporter`: the workbook of the ledger and of the annex tables, and its formulas."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "contracts" / "creil-sud-oise"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    from conftest import Cli

    target = tmp_path_factory.mktemp("export") / "creil-sud-oise"
    shutil.copytree(EXAMPLE, target)
    run = Cli()
    xlsx = target / "sources" / "dauphin-2025.xlsx"
    assert run("importer", xlsx, target, "--modele", "dauphin").exit_code == 0
    assert (
        run("importer", target / "sources" / "programmation-2025-2026.csv", target).exit_code == 0
    )
    # the imported operations join the ledger: the pilot updates the declared totals they move
    from conftest import accept_declared_totals

    accept_declared_totals(target)
    return target


def test_export_is_byte_identical_and_holds_every_imported_row(run, imported, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("exporter", imported, "--sortie", first).exit_code == 0
    assert run("exporter", imported, "--sortie", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(first)
    assert book.sheetnames == [
        "Registre",
        "Détail par année",
        "Par nature",
        "Par financeur",
        "Par financeur et nature",
        "Par orientation",
        "Par QPV",
    ]
    ledger = book["Registre"]
    assert ledger.freeze_panes == "A2" and ledger.auto_filter.ref.startswith("A1:L")
    header = [c.value for c in ledger[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in ledger.iter_rows(2)]
    rows = [r for r in rows if r["Opération"] != "Total"]
    exported = {
        (r["Opération"], r["Année"], r["Source"]): r["Montant"] for r in rows if r["Source"]
    }
    expected = {}
    for name in ("import-dauphin.yaml", "import-programmation.yaml"):
        for op in yaml.safe_load((imported / "financements" / name).read_text())["operations"]:
            where = (
                f"{op['source']['fichier']}, ligne(s) {', '.join(map(str, op['source']['lignes']))}"
            )
            for funder in op["financeurs"]:
                for year in funder["annees"]:
                    key = (op["id"], year["annee"], where)
                    expected[key] = expected.get(key, 0) + year["montant"]
    got = {}
    for r in rows:
        if r["Source"]:  # an imported operation (the others come from the format-1 lines)
            key = (r["Opération"], r["Année"], r["Source"])
            got[key] = got.get(key, 0) + r["Montant"]
    assert got == expected and len(exported) >= 7
    amount = ledger.cell(2, header.index("Montant") + 1)
    assert isinstance(amount.value, int | float) and "€" in amount.number_format


def _document_totals(imported: Path, out: Path) -> dict[str, str]:
    from conftest import Cli

    assert Cli()("build", imported, "--output", out).exit_code == 0
    doc = Document(out / imported.name / "annexe-3-financiere.docx")
    totals = {}
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if cells and cells[0].strip().lower() == "total":
                totals.setdefault(len(totals), cells)
    return totals


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d,]", "", text).replace(",", ".") or "0")


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice (soffice) absent de ce poste",
)
def test_formula_totals_recalculated_by_libreoffice_equal_the_document_totals(
    run, imported, tmp_path
):
    workbook = tmp_path / "annexe.xlsx"
    assert run("exporter", imported, "--sortie", workbook).exit_code == 0
    out = tmp_path / "recalc"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    book = openpyxl.load_workbook(out / "annexe.xlsx", data_only=True)
    formulas = openpyxl.load_workbook(workbook)
    doc_totals = list(_document_totals(imported, tmp_path / "build").values())
    by_sheet = {}
    for name in ("Par nature", "Par financeur", "Par orientation", "Par QPV"):
        ws, wf = book[name], formulas[name]
        last = ws.max_row
        assert ws.cell(last, 1).value == "Total"
        assert str(wf.cell(last, 2).value).startswith("=SUM(B2:B")
        by_sheet[name] = [Decimal(str(ws.cell(last, c).value)) for c in range(2, ws.max_column + 1)]
    # every annex table's totals row (7 years and the whole) is found in the workbook
    for cells in doc_totals:
        figures = [_number(c) for c in cells[-8:]]
        assert figures in list(by_sheet.values()), cells
    grand = {values[-1] for values in by_sheet.values()}
    assert len(grand) == 1  # the same grand total on every sheet
    detail = book["Détail par année"]
    assert Decimal(str(detail.cell(detail.max_row, 8).value)) == grand.pop()
