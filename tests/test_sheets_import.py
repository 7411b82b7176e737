"""`cdv importer`: spreadsheets into a territory's ledger, and the bad inputs a pilot sends."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import accept_declared_totals

from generator.description.load import load_territory
from generator.sheets.mapping import MappingError, load_mapping
from generator.sheets.reading import SheetError, read_table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "contracts" / "creil-sud-oise"
HEADER = ["Action", "Porteur", "QPV", "Orientation", "Financeur", "Année", "Montant", "Statut"]


@pytest.fixture
def creil(tmp_path) -> Path:
    target = tmp_path / "creil-sud-oise"
    shutil.copytree(EXAMPLE, target)
    return target


def xlsx(path: Path, rows: list[list], header=HEADER, setup=None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Programmation"
    ws.append(header)
    for row in rows:
        ws.append(row)
    if setup:
        setup(ws)
    book.save(path)
    return path


ROW = ["Fête de quartier", "Ville de Creil", "QN06001M", "cadre-de-vie", "etat", 2025, 8500, ""]


def test_the_example_extract_imports_with_its_rows_and_is_idempotent(run, creil):
    before = {p: p.read_bytes() for p in creil.rglob("*.yaml")}
    first = run("importer", creil / "sources" / "dauphin-2025.xlsx", creil, "--modele", "dauphin")
    assert first.exit_code == 0, first.text
    assert "lu comme classeur Excel (.xlsx), feuille « Extrait »" in first.text
    assert "6 ligne(s) lue(s), 6 placée(s) : 5 opération(s)" in first.text
    written = creil / "financements" / "import-dauphin.yaml"
    content = yaml.safe_load(written.read_text(encoding="utf-8"))
    ops = {op["id"]: op for op in content["operations"]}
    shared = ops["prj-2025-00412"]
    assert shared["source"] == {
        "fichier": "sources/dauphin-2025.xlsx",
        "feuille": "Extrait",
        "lignes": [2, 3],
    }
    assert [(f["financeur"], f["annees"][0]["montant"]) for f in shared["financeurs"]] == [
        ("etat", 45000),
        ("epci", 15000),  # « ACSO », the EPCI's acronym
    ]
    assert ops["prj-2025-00433"]["repartition"] == [
        {"qpv": "QN06003I", "part": 50},
        {"qpv": "QN06004M", "part": 50},
    ]
    assert ops["prj-2025-00433"]["financeurs"][0]["annees"][0]["montant"] == 30000.5
    # the pilot's files are untouched, the description stays valid and loads the operations
    assert all(p.read_bytes() == data for p, data in before.items())
    # the imported operations join the ledger, counted once: the State's declared 2025 total
    # now misses exactly the State's imported 2025 amounts, and validation says so, there
    imported_state = sum(
        Decimal(str(y["montant"]))
        for op in content["operations"]
        for f in op["financeurs"]
        if f["financeur"] == "etat"
        for y in f["annees"]
        if y["annee"] == 2025
    )
    result = run("validate", creil)
    errors = [line for line in result.text.splitlines() if ": erreur : " in line]
    assert len(errors) == 1 and "financements.totaux" in errors[0], result.text
    gap = f"{imported_state:,.2f}".replace(",", "\u202f").replace(".", ",").removesuffix(",00")
    assert f"écart de -{gap}\u00a0€" in errors[0], (gap, errors[0])
    accept_declared_totals(creil)
    assert run("validate", creil).exit_code == 0
    desc = load_territory(creil)
    imported = [op for op in desc.data["financements"]["operations"] if "source" in op]
    assert len(imported) == 5
    assert len(desc.data["financements"]["operations"]) > 5  # the hand-written ones are there
    # same file twice: nothing changes, and it says so
    stamp = written.stat().st_mtime_ns
    again = run("importer", creil / "sources" / "dauphin-2025.xlsx", creil, "--modele", "dauphin")
    assert again.exit_code == 0
    assert "Déjà à jour" in again.text and "rien n'a changé" in again.text
    assert written.stat().st_mtime_ns == stamp


def test_a_csv_in_windows_1252_with_semicolons_is_detected_and_said(run, creil):
    result = run("importer", creil / "sources" / "programmation-2025-2026.csv", creil)
    assert result.exit_code == 0, result.text
    assert "lu comme CSV, encodage Windows-1252, séparateur point-virgule (;)" in result.text
    ops = yaml.safe_load((creil / "financements" / "import-programmation.yaml").read_text())
    by_id = {op["id"]: op for op in ops["operations"]}
    vacances = by_id["vacances-apprenantes"]
    assert [f["financeur"] for f in vacances["financeurs"]] == ["etat", "caf"]
    assert by_id["fete-de-quartier-des-hauts-de-creil"]["financeurs"][0]["annees"][0] == {
        "annee": 2025,
        "montant": 8500,
        "statut": "programme",
    }


@pytest.mark.parametrize(
    ("encoding", "separator", "said"),
    [
        ("utf-8", ",", "encodage UTF-8, séparateur virgule (,)"),
        ("utf-8-sig", ";", "encodage UTF-8 (avec BOM), séparateur point-virgule (;)"),
        ("utf-16", "\t", "encodage UTF-16, séparateur tabulation"),
        ("latin-1", ";", "encodage Windows-1252"),
    ],
)
def test_csv_encodings_and_separators_are_detected(tmp_path, encoding, separator, said):
    lines = [
        separator.join(HEADER),
        separator.join(["Fête", "Régie", "QN06001M", "", "etat", "2025", '"8 500,50"', ""]),
    ]
    path = tmp_path / "t.csv"
    path.write_bytes("\n".join(lines).encode(encoding))
    table = read_table(path)
    assert said in table.how
    assert table.sheet.header[0] == "Action"
    assert table.sheet.rows[0][1][0] == "Fête"


def test_a_newer_extract_updates_the_imported_lines_and_reports_the_changes(run, creil, tmp_path):
    old = xlsx(
        tmp_path / "v1.xlsx",
        [ROW, ["Jardins partagés", "Régie", "QN06002M", "", "etat", 2025, "12 000", ""]],
    )
    assert run("importer", old, creil, "--source", "aap-2025").exit_code == 0
    new = xlsx(tmp_path / "v2.xlsx", [[*ROW[:6], "9 000 €", "Notifié"]])
    result = run("importer", new, creil, "--source", "aap-2025")
    assert result.exit_code == 0, result.text
    assert "Changements par rapport à l'import précédent" in result.text
    text = result.text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Fête de quartier" in text and "Montant : 8 500 € → 9 000 € (+500 €)" in text
    assert "Statut : Programmé → Notifié" in text
    assert "Jardins partagés : suppression" in text
    ops = yaml.safe_load((creil / "financements" / "import-aap-2025.yaml").read_text())
    assert [op["id"] for op in ops["operations"]] == ["fete-de-quartier"]


def test_rows_that_cannot_be_placed_are_listed_and_nothing_is_written(run, creil, tmp_path):
    rows = [
        ROW,
        ["Action A", "X", "QN05901M", "", "etat", 2025, 1000, ""],  # another territory's QPV
        ["Action B", "X", "QN06001M", "", "Mairie de Lille", 2025, 1000, ""],
        ["Action C", "X", "QN06001M", "inconnue", "etat", 2025, 1000, ""],
        ["Action D", "X", "", "", "etat", 2025, "1,234.56", ""],
        ["Action E", "X", "", "", "etat", 45658, 1000, ""],  # a date stored as a number
        ["Action F", "X", "", "", "etat", 2031, 1000, ""],
        ["Action G", "X", "", "", "etat", 2025, "150.000", ""],
    ]
    source = xlsx(tmp_path / "aap.xlsx", rows)
    result = run("importer", source, creil)
    assert result.exit_code == 1
    text = result.text
    assert "7 ligne(s) ne peuvent pas être placées" in text
    assert "feuille « Programmation », ligne 3, colonne C (« QPV ») : le QPV QN05901M" in text
    assert "n'est pas un quartier du territoire" in text
    assert "ligne 4, colonne E (« Financeur ») : financeur « Mairie de Lille » inconnu" in text
    assert "ligne 5, colonne D (« Orientation ») : orientation « inconnue » inconnue" in text
    assert "ligne 6, colonne G (« Montant ») : « 1,234.56 » mêle une virgule et un point" in text
    assert (
        "ligne 7, colonne F (« Année ») : « 45658 » est une date enregistrée comme un nombre"
        in text
    )
    assert "(01/01/2025)" in text
    assert "ligne 8, colonne F (« Année ») : année 2031 hors de la période du contrat" in text
    assert "ligne 9, colonne G (« Montant ») : « 150.000 » est ambigu" in text
    assert "Rien n'a été écrit" in text and "--partiel" in text
    assert not (creil / "financements").exists()
    partial = run("importer", source, creil, "--partiel")
    assert "Écrit :" in partial.text
    ops = yaml.safe_load((creil / "financements" / "import-programmation.yaml").read_text())
    assert [op["id"] for op in ops["operations"]] == ["fete-de-quartier"]


def test_a_formula_in_error_is_a_located_problem(run, creil, tmp_path):
    def broken(ws):
        ws["G2"] = "#REF!"

    result = run("importer", xlsx(tmp_path / "f.xlsx", [ROW], setup=broken), creil)
    assert result.exit_code == 1
    assert "ligne 2, colonne G (« Montant ») : formule en erreur (#REF!)" in result.text
    assert not (creil / "financements").exists()


def test_a_merged_header_is_refused_with_its_cells(run, creil, tmp_path):
    def merge(ws):
        ws.merge_cells("F1:G1")

    result = run("importer", xlsx(tmp_path / "m.xlsx", [ROW], setup=merge), creil)
    assert result.exit_code == 2
    assert "feuille « Programmation », ligne 1, colonnes F à G : en-tête fusionné (F1:G1)" in (
        result.text
    )
    assert not (creil / "financements").exists()  # nothing half-written


def test_an_unknown_column_names_the_columns_of_the_file(run, creil, tmp_path):
    header = [*HEADER[:6], "Somme", "Statut", "Commentaire"]
    result = run("importer", xlsx(tmp_path / "u.xlsx", [ROW], header=header), creil)
    assert result.exit_code == 2
    assert "colonne « montant » ou « montant programmé » introuvable (champ « montant »)" in (
        result.text
    )
    assert "Colonnes du fichier : « Action »" in result.text and "« Somme »" in result.text
    assert not (creil / "financements").exists()


def test_a_column_the_mapping_does_not_know_is_said(run, creil, tmp_path):
    header = [*HEADER, "Commentaire"]
    result = run("importer", xlsx(tmp_path / "c.xlsx", [[*ROW, "à revoir"]], header=header), creil)
    assert result.exit_code == 0
    assert "colonnes non prévues par le modèle, non lues : I « Commentaire »" in result.text


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "le fichier est vide"),
        (b"%PDF-1.7 blabla", "est un PDF"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64,
            "protégé par un mot de passe",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Excel 97-2003"),
        (bytes(range(256)) * 4, "n'est pas un tableur lisible"),
        (b"PK\x03\x04garbage", "archive abîmée"),
    ],
)
def test_files_that_are_not_spreadsheets_get_a_clear_message(tmp_path, content, words):
    path = tmp_path / "f.xlsx"
    path.write_bytes(content)
    with pytest.raises(SheetError) as caught:
        read_table(path)
    assert words in str(caught.value)


def test_an_empty_sheet_and_a_header_only_sheet(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Vide"
    book.save(tmp_path / "vide.xlsx")
    with pytest.raises(SheetError, match="feuille « Vide » : la feuille est vide"):
        read_table(tmp_path / "vide.xlsx")
    with pytest.raises(SheetError, match="aucune ligne de données"):
        read_table(xlsx(tmp_path / "h.xlsx", []))


def test_a_file_of_more_than_the_row_limit_is_refused(tmp_path, monkeypatch):
    from generator.sheets import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    path = tmp_path / "big.csv"
    path.write_text("\n".join([";".join(HEADER)] + [";".join(map(str, ROW))] * 100))
    with pytest.raises(SheetError, match="ligne 52 : plus de 50 lignes"):
        read_table(path)


def test_a_real_100000_row_file_is_refused_quickly(tmp_path):
    path = tmp_path / "national.csv"
    line = ";".join(map(str, ROW))
    path.write_text("\n".join([";".join(HEADER)] + [line] * 100_000))
    with pytest.raises(SheetError, match="plus de 50 000 lignes"):
        read_table(path)


def test_the_pilot_s_files_are_never_overwritten(run, creil, tmp_path):
    folder = creil / "financements"
    folder.mkdir()
    (folder / "import-programmation.yaml").write_text("operations: []\n", encoding="utf-8")
    result = run("importer", xlsx(tmp_path / "a.xlsx", [ROW]), creil)
    assert result.exit_code == 2
    assert "n'a pas été écrit par « cdv importer »" in result.text
    assert (folder / "import-programmation.yaml").read_text() == "operations: []\n"


def test_an_import_file_edited_by_hand_is_not_overwritten(run, creil, tmp_path):
    source = xlsx(tmp_path / "a.xlsx", [ROW])
    assert run("importer", source, creil).exit_code == 0
    path = creil / "financements" / "import-programmation.yaml"
    edited = path.read_text().replace("montant: 8500", "montant: 8600")
    path.write_text(edited)
    result = run("importer", source, creil)
    assert result.exit_code == 2 and "modifié à la main depuis le dernier import" in result.text
    assert path.read_text() == edited


def test_per_qpv_indicators_go_to_the_diagnostic(run, creil, tmp_path):
    path = tmp_path / "insee.csv"
    path.write_text(
        "Code QPV;Taux de pauvreté;Part des moins de 25 ans\n"
        "QN06001M;47,1;42,9\nQN06002M;44,0;40,1\nQN05901M;30,0;35,0\n",
        encoding="utf-8",
    )
    result = run("importer", path, creil, "--modele", "indicateurs-qpv")
    assert result.exit_code == 0, result.text
    assert "1 ligne(s) de quartiers d'autres territoires ignorée(s)" in result.text
    data = yaml.safe_load((creil / "diagnostic" / "import-indicateurs-qpv.yaml").read_text())
    assert data["indicateurs"][0]["qpv"] == {"QN06001M": 47.1, "QN06002M": 44.0}
    assert run("validate", creil).exit_code == 0
    assert len(load_territory(creil).data["diagnostic"]["indicateurs"]) > 2


def test_a_pilot_mapping_is_validated_with_french_errors(tmp_path):
    path = tmp_path / "mon-modele.yaml"
    path.write_text("nom: mien\ncible: operations\ncolonnes:\n  montnat: Somme\n", "utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping(str(path))
    assert "mon-modele.yaml:4:3" in str(caught.value)
    assert "clé inconnue « montnat » : vouliez-vous dire « montant » ?" in str(caught.value)
    with pytest.raises(MappingError, match="vouliez-vous dire « dauphin »"):
        load_mapping("dauphine")


def test_a_pilot_mapping_with_fixed_values_and_correspondences(run, creil, tmp_path):
    mapping = tmp_path / "caf.yaml"
    mapping.write_text(
        "nom: caf\ncible: operations\nseparateur_decimal: ','\n"
        "colonnes:\n  intitule: Projet\n  annee: Exercice\n  montant: Aide\n  qpv: Quartier\n"
        "valeurs:\n  financeur: caf\n  nature: droit_commun\n"
        "correspondances:\n  qpv:\n    Hauts de Creil: QN06001M\n",
        encoding="utf-8",
    )
    source = xlsx(
        tmp_path / "caf.xlsx",
        [["Parentalité", 2026, "1.500,50", "Hauts de Creil"]],
        header=["Projet", "Exercice", "Aide", "Quartier"],
    )
    result = run("importer", source, creil, "--modele", mapping)
    assert result.exit_code == 0, result.text
    op = yaml.safe_load((creil / "financements" / "import-caf.yaml").read_text())["operations"][0]
    assert op["nature"] == "droit_commun" and op["repartition"] == [
        {"qpv": "QN06001M", "part": 100}
    ]
    assert op["financeurs"][0] == {
        "financeur": "caf",
        "forme": "subvention",
        "annees": [{"annee": 2026, "montant": 1500.5, "statut": "programme"}],
    }


def test_the_sources_folder_of_the_example_is_not_read_as_description():
    desc = load_territory(EXAMPLE, convert=False)
    assert not [f for f in desc.files if "sources" in f]
    assert not desc.problems


def test_the_import_file_is_written_exactly_as_yaml_dump_writes_it():
    """The import file's YAML is built node by node (fast); it must stay the text the generic
    `yaml.dump` gives, so that a file imported before is not rewritten."""
    import datetime

    from generator.sheets.importing import HEADER, _plain, fingerprint, render_import

    items = [
        {
            "id": "prj-1",
            "intitule": "Équipe « Été »  : l'atelier\nsuite",
            "texts": ["yes", "null", "~", "0123", "2025-01-01", "- a", "#x", "x: y", "", "a" * 150],
            "montant": Decimal("30000.50"),
            "entier": Decimal("45000"),
            "nombres": [1.5, 3.0, 1e20, 10**30, True, None],
            "date": datetime.date(2025, 1, 2),
            "vides": [[], {}],
        }
    ]
    plain = _plain(items)
    body = {"import": {"source": "x.xlsx", "empreinte": fingerprint(plain)}, "operations": plain}
    expected = (
        HEADER
        + "\n"
        + yaml.safe_dump(
            body, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
        )
    )
    assert render_import(items, "operations", {"source": "x.xlsx"}) == expected


def _rewrite_sheet(path: Path, replace) -> Path:
    """Rewrite the first sheet's XML of an .xlsx (what openpyxl cannot write: cached values of
    formulas, cells without coordinates, rich text, the 1904 calendar)."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    parts = replace(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_the_xlsx_reader_gives_cached_values_dates_and_errors_where_they_are(tmp_path):
    import datetime

    def setup(ws):
        ws["F2"] = datetime.date(2025, 3, 14)  # a real date cell (date format)
        ws["G2"] = "=0"  # replaced below by a formula with a cached error value

    path = xlsx(tmp_path / "x.xlsx", [ROW, ROW], setup=setup)

    def replace(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        start = sheet.index('<c r="G2"')
        end = sheet.index("</c>", start) + 4
        sheet = sheet[:start] + '<c r="G2" t="e"><f>#REF!*2</f><v>#REF!</v></c>' + sheet[end:]
        # row 3 without cell coordinates, a formula's text result, a boolean, rich text
        start = sheet.index('<row r="3"')
        end = sheet.index("</row>", start) + 6
        row = (
            '<row r="3"><c t="inlineStr"><is><r><t>Fête </t></r><r><t>d\'été</t></r></is></c>'
            '<c t="str"><f>B2</f><v>Ville de Creil</v></c><c/><c t="b"><v>1</v></c>'
            "<c><v>1.5</v></c><c><v>2025</v></c><c><v>8500</v></c></row>"
        )
        parts["xl/worksheets/sheet1.xml"] = (sheet[:start] + row + sheet[end:]).encode()
        return parts

    table = read_table(_rewrite_sheet(path, replace))
    first, second = table.sheet.rows
    assert first[0] == 2 and first[1][5] == datetime.datetime(2025, 3, 14)
    assert str(first[1][6]) == "#REF!" and type(first[1][6]).__name__ == "CellError"
    assert second == (3, ["Fête d'été", "Ville de Creil", None, True, 1.5, 2025, 8500])
    assert table.sheet.header == HEADER


def test_a_workbook_in_the_1904_calendar_gives_the_right_dates(tmp_path):
    import datetime

    def setup(ws):
        ws["F2"] = datetime.date(2025, 3, 14)

    path = xlsx(tmp_path / "mac.xlsx", [ROW], setup=setup)
    serial_1900 = (datetime.date(2025, 3, 14) - datetime.date(1899, 12, 30)).days
    serial_1904 = (datetime.date(2025, 3, 14) - datetime.date(1904, 1, 1)).days

    def replace(parts):
        book = parts["xl/workbook.xml"].decode()
        book = book.replace("<workbookPr", '<workbookPr date1904="1"', 1)
        if "<workbookPr" not in book:
            book = book.replace("<sheets>", '<workbookPr date1904="1"/><sheets>', 1)
        parts["xl/workbook.xml"] = book.encode()
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(
            f"<v>{serial_1900}</v>", f"<v>{serial_1904}</v>"
        ).encode()
        return parts

    table = read_table(_rewrite_sheet(path, replace))
    assert table.sheet.rows[0][1][5] == datetime.datetime(2025, 3, 14)


def test_a_formula_cached_error_and_a_broken_sheet_via_the_command(run, creil, tmp_path):
    def replace(parts):
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        start = sheet.index('<c r="G2"')
        end = sheet.index("</c>", start) + 4
        sheet = sheet[:start] + '<c r="G2" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + sheet[end:]
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        return parts

    source = _rewrite_sheet(xlsx(tmp_path / "e.xlsx", [ROW]), replace)
    result = run("importer", source, creil)
    assert result.exit_code == 1
    assert "feuille « Programmation », ligne 2, colonne G (« Montant ») : formule en erreur " in (
        result.text
    )
    assert "(#DIV/0!)" in result.text and not (creil / "financements").exists()

    def truncate(parts):
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:300]
        return parts

    broken = _rewrite_sheet(xlsx(tmp_path / "b.xlsx", [ROW]), truncate)
    result = run("importer", broken, creil)
    assert result.exit_code == 2 and "classeur illisible" in result.text
    assert "Traceback" not in result.text and not (creil / "financements").exists()
