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
from conftest import table_rows
from docx import Document

from generator.description.load import load_territory

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
        for row in table_rows(table):
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


def _annex_tables(folder: Path) -> dict[str, dict[str, list[Decimal]]]:
    """The annex's money tables by their first header cell: row label -> the 7 years and
    the whole (a funder × nature table keys its rows « funder / nature »)."""
    doc = Document(folder / "annexe-3-financiere.docx")
    out: dict[str, dict[str, list[Decimal]]] = {}
    for table in doc.tables:
        rows = [[c.text for c in r.cells] for r in table_rows(table)]
        if rows[0][-1] != "Total 2024-2030":
            continue
        labels = len(rows[0]) - 8
        out[rows[0][0] if labels == 1 else "Financeur et nature"] = {
            " / ".join(r[:labels]): [_number(c) for c in r[labels:]] for r in rows[1:]
        }
    return out


def _contract_total(folder: Path) -> Decimal:
    text = "\n".join(p.text for p in Document(folder / "contrat-de-ville.docx").paragraphs)
    found = re.search(r"Le total des financements inscrits s'élève à ([\d\u202f\u00a0 ,]+)", text)
    return _number(found.group(1))


def test_imported_operations_are_counted_in_the_annex_and_the_contract(run, imported, tmp_path):
    """The imported amounts, added up here in plain Python from the import files, are exactly
    what the annex's tables (by funder, by nature, by funder and nature, every year) and the
    contract's §7 gained over the same territory without the import."""
    assert run("build", EXAMPLE, "--output", tmp_path / "avant").exit_code == 0
    assert run("build", imported, "--output", tmp_path / "apres").exit_code == 0
    before = _annex_tables(tmp_path / "avant" / EXAMPLE.name)
    after = _annex_tables(tmp_path / "apres" / imported.name)
    data = load_territory(imported).data
    # a table cell starts with a capital (« L'État » for the signatory named « l'État »)
    names = {
        p["id"]: p["nom"][:1].upper() + p["nom"][1:]
        for p in [*data["partenaires"], *data["signataires"]]
    }
    natures = {
        "specifique": "Crédits spécifiques",
        "droit_commun": "Droit commun",
        "investissement": "Investissement",
    }
    expected: dict[tuple[str, str], dict[int, Decimal]] = {}
    count = 0
    for name in ("import-dauphin.yaml", "import-programmation.yaml"):
        content = yaml.safe_load((imported / "financements" / name).read_text(encoding="utf-8"))
        for op in content["operations"]:
            nature = natures[op.get("nature", "specifique")]
            for funder in op["financeurs"]:
                if funder.get("forme", "subvention") == "pret":
                    continue
                for year in funder["annees"]:
                    count += 1
                    for key in ((names[funder["financeur"]], ""), ("", nature), ("", "")):
                        per_year = expected.setdefault(key, {})
                        amount = Decimal(str(year["montant"]))
                        per_year[year["annee"]] = per_year.get(year["annee"], 0) + amount
                    key = (names[funder["financeur"]], nature)
                    per_year = expected.setdefault(key, {})
                    per_year[year["annee"]] = per_year.get(year["annee"], 0) + amount
    assert count >= 9  # the two shipped extracts: every row of the extracts

    def gained(table: str, row: str) -> dict[int, Decimal]:
        old = before[table].get(row, [Decimal(0)] * 8)
        new = after[table][row]
        assert new[-1] - old[-1] == sum(new[:-1]) - sum(old[:-1])  # the row's own total
        return {2024 + i: n - o for i, (o, n) in enumerate(zip(old[:7], new[:7], strict=True))}

    def nonzero(amounts: dict[int, Decimal]) -> dict[int, Decimal]:
        return {y: a for y, a in amounts.items() if a}

    for (funder, nature), amounts in expected.items():
        if funder and nature:
            assert nonzero(gained("Financeur et nature", f"{funder} / {nature}")) == amounts
        elif funder:
            assert nonzero(gained("Financeur", funder)) == amounts, funder
        elif nature:
            assert nonzero(gained("Nature des crédits", nature)) == amounts, nature
    grand = expected[("", "")]
    for table in ("Nature des crédits", "Financeur", "Orientation", "Quartier"):
        assert nonzero(gained(table, "Total")) == grand, table
    # funders the import does not name: unchanged
    for row in before["Financeur"]:
        if row not in {f for f, _ in expected} and row != "Total":
            assert before["Financeur"][row] == after["Financeur"][row], row
    # the contract's §7 grand total
    assert _contract_total(tmp_path / "apres" / imported.name) - _contract_total(
        tmp_path / "avant" / EXAMPLE.name
    ) == sum(grand.values())
