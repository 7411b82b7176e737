"""`cdv migrer` (issue 10): a format-1 folder becomes format 2 in place, losing nothing — the
pilot's comments and files, every euro of the documents — with a backup first; a migrated
folder is left alone; a read-only folder or an interruption leaves everything as it was.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import CAS, accept_declared_totals, line_of

from generator.description.load import description_files, load_territory
from generator.description.validate import Target, validate_target
from generator.ledger import migrate as migration
from generator.ledger.build import build_ledger
from generator.ledger.migrate import BACKUP, MigrationError, migrate_territory

FORMAT_1 = CAS / "format-1"
EXAMPLES = ["creil-sud-oise", "arras", "saint-quentinois", "minimal"]


def copy(name: str, where: Path) -> Path:
    target = where / name
    shutil.copytree(FORMAT_1 / name, target)
    return target


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def description_paths(root: Path) -> list[Path]:
    sections, items = description_files(root)
    return [*sections, *(p for paths in items.values() for p in paths)]


def test_the_format_1_copies_are_format_1():
    for name in EXAMPLES:
        desc = load_territory(FORMAT_1 / name, convert=False)
        assert desc.data["format"] == 1 and not desc.unreadable, name


def test_migration_keeps_comments_files_and_what_it_does_not_convert(run, tmp_path):
    root = copy("creil-sud-oise", tmp_path)
    before = snapshot(root)
    result = run("migrer", root)
    assert result.exit_code == 0, result.text
    assert f"✔ {root} : converti au format 2" in result.text
    assert "fusionnée avec l'opération « espace-jeunesse-des-martinets »" in result.text
    assert "« ANRU » finance sans signer : ajouté comme partenaire « anru »" in result.text
    assert "À vérifier" in result.text and "Engagement de la CAF de l'Oise" in result.text
    assert f"cdv migrer --restaurer {root}" in result.text
    after = snapshot(root)
    changed = {p for p in before if before[p] != after[p]}
    # only the files that held money changed; every other file is the same, byte for byte
    assert {p.parts[0] for p in changed} == {
        "contrat.yaml",
        "financements.yaml",
        "investissements.yaml",
        "engagements",
    }
    assert Path("diagnostic.yaml") not in changed and Path("tfpb/opac-oise.yaml") not in changed
    # the backup holds every description file as it was
    backup = root / BACKUP
    for path in description_paths(FORMAT_1 / "creil-sud-oise"):
        relative = path.relative_to(FORMAT_1 / "creil-sud-oise")
        assert (backup / relative).read_bytes() == before[relative], relative
    # the pilot's comments stay where they were
    contrat = (root / "contrat.yaml").read_text(encoding="utf-8")
    assert 'version: "0.3"          # entre guillemets : sans eux, 0.30' in contrat
    assert "role: associe          # partenaire associé : ne signe pas" in contrat
    assert re.search(r"^format: 2$", contrat, re.M)
    sheet = (root / "engagements" / "commune-creil.yaml").read_text(encoding="utf-8")
    assert sheet.startswith("# yaml-language-server: $schema=../../../schemas/engagement")
    assert "# Fiche d'engagement de la Ville de Creil." in sheet
    financing = (root / "financements.yaml").read_text(encoding="utf-8")
    assert "Les crédits spécifiques de l'État (BOP 147)" in financing  # the modalites text
    # the comment that described the format-1 lines went with them
    assert "# Une ligne par année, financeur et dispositif" not in financing
    assert "# Registre des opérations (format 2)" in financing
    # nothing of format 1 is left
    for path in description_paths(root):
        text = path.read_text(encoding="utf-8")
        for field in ("lignes:", "plan_financement:", "montant_annuel:"):
            assert field not in text, (path, field)
    # the lines of a year written on one line each stay compact
    assert "- {annee: 2024, montant: 300000, statut: notifie}" in financing


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_migrated_example_validates_and_its_documents_carry_the_same_money(tmp_path, name):
    from generator.documents.build import BUILT, build_territory
    from generator.documents.templates import load_template_set

    written = copy(name, tmp_path / "format-1")
    migrated = copy(name, tmp_path / "format-2")
    report = migrate_territory(migrated)
    assert not report.already and report.files
    # the only errors are the declared totals the report asks to check (format 1 added up the
    # lines only; the ledger also holds the investment plans and the commitment sheets)
    errors = validate_target(Target(migrated)).errors
    assert len(errors) == len(report.checks), [p.format() for p in errors]
    assert all(p.path[:2] == ("financements", "totaux") for p in errors)
    assert accept_declared_totals(migrated) == [p.message for p in errors]
    assert validate_target(Target(migrated)).valid
    # the same ledger as the format-1 description read in memory
    assert build_ledger(load_territory(migrated).data) == build_ledger(load_territory(written).data)
    templates = load_template_set()
    tables = {}
    for label, root in (("1", written), ("2", migrated)):
        result = build_territory(root, tmp_path / f"out-{label}", templates)
        assert result.status == BUILT, result.message
        tables[label] = document_money(tmp_path / f"out-{label}" / name)
    assert tables["1"] == tables["2"]
    if name != "minimal":  # the minimal territory has no money: nothing else to compare
        assert any(re.search(r"\d\s€", row) for rows in tables["1"].values() for row in rows)


def document_money(folder: Path) -> dict[str, list[str]]:
    """Every paragraph and table row with an amount, of every document (the embedded
    description, which says `format: 1` or `2`, is not text of the document)."""
    out = {}
    for path in sorted(folder.glob("*.docx")):
        xml = zipfile.ZipFile(io.BytesIO(path.read_bytes())).read("word/document.xml").decode()
        xml = re.sub(r"<w:tbl>.*?</w:tbl>", lambda m: _rows(m.group(0)), xml, flags=re.S)
        rows = []
        for block in re.findall(r"<w:p[ >].*?</w:p>|<row>.*?</row>", xml, re.S):
            text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", block))
            # (the declared totals, ✔ or the gap, are the one thing that moves by design: the
            # pilot has checked them against the whole ledger)
            if "€" in text and "✔" not in text and "écart de" not in text:
                rows.append(text)
        out[path.name] = rows
    return out


def _rows(table: str) -> str:
    cells = re.findall(r"<w:tr[ >].*?</w:tr>", table, re.S)
    return "".join(f"<row>{row}</row>".replace("</w:tc>", "<w:t> | </w:t></w:tc>") for row in cells)


def test_migrating_a_migrated_folder_changes_nothing_and_says_so(run, tmp_path):
    root = copy("arras", tmp_path)
    assert run("migrer", root).exit_code == 0
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    again = run("migrer", root)
    assert again.exit_code == 0
    assert again.text.strip() == f"{root} : déjà au format 2, rien n'a changé"
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in root.glob(BACKUP + "*")] == [BACKUP]


def test_a_folder_of_territories_migrates_each_one(run, tmp_path):
    for name in ("arras", "minimal"):
        copy(name, tmp_path / "contracts")
    result = run("migrer", tmp_path / "contracts")
    assert result.exit_code == 0
    assert result.text.count("converti au format 2") == 2


@pytest.fixture
def read_only(monkeypatch):
    """Make a folder read-only: by its permissions, or (as root, who writes anyway) by the
    system's answer to any attempt to create something in it."""

    def apply(root: Path):
        if os.geteuid() != 0:
            for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
                folder.chmod(0o555)
            return
        original = Path.mkdir

        def refuse(self, *args, **kwargs):
            if Path(self).resolve().is_relative_to(root.resolve()):
                raise PermissionError(13, "Permission non accordée", str(self))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", refuse)

    yield apply


def test_a_read_only_folder_is_a_clear_error_and_nothing_is_written(run, tmp_path, read_only):
    root = copy("minimal", tmp_path)
    before = snapshot(root)
    read_only(root)
    try:
        result = run("migrer", root)
    finally:
        for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
            folder.chmod(0o755)
    assert result.exit_code == 1
    assert f"✘ {root} : {root} : impossible d'y écrire la sauvegarde" in result.text
    assert "lecture seule ? Rien n'a été modifié" in result.text
    assert snapshot(root) == before  # no backup, no temporary folder, no file changed


def test_an_interrupted_migration_puts_every_file_back(tmp_path):
    root = copy("creil-sud-oise", tmp_path)
    before = {p: p.read_bytes() for p in description_paths(root)}
    written = []

    def write_then_stop(path: Path, data: bytes) -> None:
        if len(written) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the fourth file is written
        migration._atomic_write(path, data)
        written.append(path)

    with pytest.raises(MigrationError) as caught:
        migrate_territory(root, _write=write_then_stop)
    assert "interrompue (KeyboardInterrupt)" in str(caught.value)
    assert "remis dans leur état d'origine" in str(caught.value)
    assert len(written) == 3
    assert {p: p.read_bytes() for p in description_paths(root)} == before
    assert not list(root.rglob(".*.tmp")), "no temporary file left"
    # the folder is still format 1 and can be migrated again (a second backup is kept)
    report = migrate_territory(root)
    assert report.backup.name == f"{BACKUP}-2"


def test_restoring_puts_back_the_files_of_the_last_migration(run, tmp_path):
    root = copy("saint-quentinois", tmp_path)
    before = {p: p.read_bytes() for p in description_paths(root)}
    assert run("migrer", root).exit_code == 0
    assert {p: p.read_bytes() for p in description_paths(root)} != before
    result = run("migrer", "--restaurer", root)
    assert result.exit_code == 0
    assert "fichier(s) remis dans leur état d'avant la migration" in result.text
    assert {p: p.read_bytes() for p in description_paths(root)} == before
    assert load_territory(root, convert=False).data["format"] == 1


def test_restoring_without_a_backup_says_so(run, tmp_path):
    root = copy("minimal", tmp_path)
    result = run("migrer", "--restaurer", root)
    assert result.exit_code == 1
    assert f"aucune sauvegarde {BACKUP}/ à restaurer" in result.text


def test_an_unreadable_file_stops_the_migration_before_anything_is_written(run, tmp_path):
    root = copy("arras", tmp_path)
    broken = root / "gouvernance.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "  - : [\n", encoding="utf-8")
    before = snapshot(root)
    result = run("migrer", root)
    assert result.exit_code == 1
    assert "ne peut pas être migré : des fichiers ne se lisent pas" in result.text
    assert str(broken) in result.text
    assert snapshot(root) == before


def test_operations_imported_from_a_spreadsheet_stay_in_their_file(run, tmp_path):
    root = copy("creil-sud-oise", tmp_path)
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "contracts" / "creil-sud-oise" / "sources",
        root / "sources",
    )
    assert run("importer", root / "sources" / "dauphin-2025.xlsx", root, "--modele", "dauphin")
    imported = root / "financements" / "import-dauphin.yaml"
    kept = imported.read_bytes()
    assert run("migrer", root).exit_code == 0
    assert imported.read_bytes() == kept
    financing = (root / "financements.yaml").read_text(encoding="utf-8")
    assert "prj-2025-00412" not in financing  # not copied into financements.yaml
    ops = load_territory(root).data["financements"]["operations"]
    assert [op["id"] for op in ops].count("prj-2025-00412") == 1


def test_a_migrated_line_is_still_located_where_the_pilot_reads_it(tmp_path):
    root = copy("minimal", tmp_path)
    migrate_territory(root)
    data = (root / "contrat.yaml").read_text(encoding="utf-8")
    assert line_of(root / "contrat.yaml", "format: 2") < line_of(root / "contrat.yaml", "contrat:")
    assert data.startswith("# yaml-language-server: $schema=../../schemas/contrat-de-ville")
