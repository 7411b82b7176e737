"""Spreadsheets: import of a 10,000-row extract (target < 5 s) and export of the largest
example's workbook (target < 1 s). Prints the figures; asserts nothing.

Reference in the same run: reading the same extract as CSV (the cheapest way in), so that the
ratio shows what openpyxl's .xlsx reading and the conversion cost on this machine.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from generator.description.load import load_territory  # noqa: E402
from generator.description.reference import qpv_reference  # noqa: E402
from generator.sheets.export import export_workbook  # noqa: E402
from generator.sheets.importing import plan_import, write_import  # noqa: E402
from generator.sheets.mapping import load_mapping  # noqa: E402
from generator.sheets.reading import read_table  # noqa: E402

ROWS = 10_000
QPV = ["QN06001M", "QN06002M", "QN06003I", "QN06004M", "QN06005M", "QN06018N", "QN06019N"]
FUNDERS = ["État", "ACSO", "CAF", "Département", "Ville de Creil"]
HEADER = [
    "Numéro action PRJ",
    "Libellé",
    "Raison sociale",
    "Quartiers",
    "Thème",
    "Financeur",
    "Année",
    "Montant engagé",
    "Statut",
]


def rows():
    for i in range(ROWS):
        yield [
            f"PRJ-{i // 5:05d}",
            f"Action {i // 5}",
            f"Association {i % 97}",
            QPV[i % 7],
            "Réussite éducative",
            FUNDERS[i % 5],
            2024 + (i // 5) % 7,
            f"{1000 + i} €",
            "Engagé",
        ]


def main() -> None:
    work = Path(tempfile.mkdtemp())
    try:
        territory = work / "creil-sud-oise"
        shutil.copytree(ROOT / "contracts" / "creil-sud-oise", territory)
        book = openpyxl.Workbook(write_only=True)
        ws = book.create_sheet("Extrait")
        ws.append(HEADER)
        for row in rows():
            ws.append(row)
        xlsx = work / "extrait.xlsx"
        book.save(xlsx)
        csv = work / "extrait.csv"
        csv.write_text("\n".join(";".join(map(str, r)) for r in [HEADER, *rows()]), "utf-8")

        start = time.perf_counter()
        read_table(csv)
        csv_read = time.perf_counter() - start
        start = time.perf_counter()
        read_table(xlsx)
        xlsx_read = time.perf_counter() - start
        # what the reading cost before (openpyxl's read-only worksheet, values only)
        start = time.perf_counter()
        old = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
        for _ in old.worksheets[0].iter_rows(values_only=True):
            pass
        old.close()
        openpyxl_read = time.perf_counter() - start
        print(
            f"lecture du .xlsx : {xlsx_read:.2f} s ; par openpyxl (lecture seule, valeurs) "
            f"{openpyxl_read:.2f} s (rapport {openpyxl_read / xlsx_read:.1f})"
        )

        mapping = load_mapping("dauphin")
        start, cpu = time.perf_counter(), time.process_time()
        desc = load_territory(territory)
        plan = plan_import(desc.data, territory, xlsx, mapping, None, qpv_reference())
        write_import(plan)
        imported = time.perf_counter() - start
        cpu = time.process_time() - cpu
        assert not plan.problems, plan.problems[:3]
        print(
            f"import de {ROWS} lignes (.xlsx) : {imported:.2f} s (objectif < 5 s ; temps processeur "
            f"{cpu:.2f} s, moins sensible aux autres processus de la machine) ; "
            f"{len(plan.operations)} opérations ; lecture CSV de référence {csv_read:.2f} s "
            f"(rapport {imported / csv_read:.1f})"
        )

        largest = max(
            (p for p in (ROOT / "contracts").iterdir() if p.is_dir()),
            key=lambda p: sum(f.stat().st_size for f in p.rglob("*.yaml")),
        )
        data = load_territory(largest).data
        start = time.perf_counter()
        export_workbook(data)
        exported = time.perf_counter() - start
        print(f"export du plus gros exemple ({largest.name}) : {exported:.2f} s (objectif < 1 s)")
        data = load_territory(territory).data
        start = time.perf_counter()
        export_workbook(data)
        print(f"export avec les {ROWS} lignes importées : {time.perf_counter() - start:.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
