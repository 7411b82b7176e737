"""`cdv migrer`'s quick way (issue 10, « cdv migrer of 200 territories under 10 s »): the changes
written into the text itself, checked by reading the new text again, with ruamel.yaml's round
trip whenever the text way is not sure. Both ways give the same description; the quick one
keeps every line it does not have to change, comments included.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import CAS

from generator.description.load import load_territory
from generator.description.yaml_reader import compose_text, node_value
from generator.ledger import migrate_text
from generator.ledger.build import build_ledger
from generator.ledger.migrate import BACKUP, migrate_territory
from generator.ledger.migrate_edits import Addition, Change

FORMAT_1 = CAS / "format-1"
EXAMPLES = ["creil-sud-oise", "arras", "saint-quentinois", "minimal"]


def rewrite(text: str, changes: list) -> str | None:
    root = compose_text(text)
    return migrate_text.rewrite(text, changes, root, node_value(root, text))


@pytest.fixture
def careful_only(monkeypatch):
    """Turns the quick way off: every file goes through ruamel.yaml."""
    return lambda: monkeypatch.setattr(migrate_text, "rewrite", lambda *args: None)


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


@pytest.mark.parametrize("name", EXAMPLES)
def test_both_ways_give_the_same_description_and_the_quick_one_is_taken(
    tmp_path, name, careful_only
):
    quick = tmp_path / "rapide" / name
    careful = tmp_path / "prudent" / name
    shutil.copytree(FORMAT_1 / name, quick)
    shutil.copytree(FORMAT_1 / name, careful)
    report = migrate_territory(quick)
    assert report.files and report.careful == []  # every file the quick way
    careful_only()
    again = migrate_territory(careful)
    assert again.files == again.careful == [careful / p.relative_to(quick) for p in report.files]
    one, other = load_territory(quick, convert=False), load_territory(careful, convert=False)
    assert one.data == other.data and not one.problems
    assert build_ledger(one.data) == build_ledger(other.data)
    for path in report.files:
        relative = path.relative_to(quick)
        text, reference = path.read_text(encoding="utf-8"), (careful / relative).read_text("utf-8")
        original = (quick / BACKUP / relative).read_text(encoding="utf-8")
        # the same text, but for the comments the careful way loses with a removed block
        # although they describe the next one (« # Totaux annoncés ailleurs… »)
        extra = [line for line in text.splitlines() if line not in reference.splitlines()]
        assert all(not line.strip() or line.strip() in comments(original) for line in extra)
        assert set(comments(reference)) <= set(comments(text)), relative


def test_every_line_the_migration_does_not_change_stays_byte_for_byte(tmp_path):
    root = tmp_path / "creil-sud-oise"
    shutil.copytree(FORMAT_1 / "creil-sud-oise", root)
    report = migrate_territory(root)
    financing = (root / "financements.yaml").read_text(encoding="utf-8")
    before = (root / BACKUP / "financements.yaml").read_text(encoding="utf-8")
    # what surrounds the removed « lignes » is there as it was: the text before, and the
    # comment written above the declared totals with the totals themselves
    head = before[: before.index("  # Une ligne par année")]
    assert financing.startswith(head)
    totals = before[before.index("  # Totaux annoncés ailleurs") :]
    assert totals.replace("type: specifique", "nature: specifique") in financing
    assert "\n\n  # Totaux annoncés ailleurs" in financing  # still one blank line above
    for path in report.files:
        old = (root / BACKUP / path.relative_to(root)).read_text(encoding="utf-8").splitlines()
        new = path.read_text(encoding="utf-8").splitlines()
        kept = [line for line in old if line in new]
        # the lines that stay come in the same order
        positions = [new.index(line) for line in dict.fromkeys(kept)]
        assert positions == sorted(positions), path


def test_removing_a_key_takes_its_comment_and_keeps_one_blank_line():
    text = "a: 1  # un\n\n# ce qui suit décrit b\nb: 2\n\nc: 3  # trois\n"
    assert rewrite(text, [Change("b", 2, None)]) == "a: 1  # un\n\nc: 3  # trois\n"
    text = "a: 1\nb: 2\nc: 3\n"
    assert rewrite(text, [Change("b", 2, None)]) == "a: 1\nc: 3\n"


def test_a_value_replaced_on_its_line_keeps_the_comment_after_it():
    text = "# en-tête\nformat: 1    # version du format\ncontrat: {nom: X}\n"
    new = rewrite(text, [Change("format", 1, 2)])
    assert new == "# en-tête\nformat: 2    # version du format\ncontrat: {nom: X}\n"


def test_a_block_replaced_keeps_the_comment_of_its_key_and_the_file_indentation():
    text = "moyens:   # en 2024\n  montant_annuel: 1000\nfin: oui\nliste:\n- a\n- b\n"
    new = rewrite(text, [Change("moyens", {"montant_annuel": 1000}, [{"x": 1, "y": [1, {}]}])])
    assert new.startswith("moyens:   # en 2024\n- x: 1\n  y:\n  - 1\n  - {}\nfin: oui\n")


def test_new_values_read_back_as_they_are_even_when_they_look_like_something_else():
    values = {
        "libelle": "Total : 2024, « tous » #1",
        "code": "01053",
        "actif": "yes",
        "vide": "",
        "guillemet": 'l\'opération "X"',
        "nombre": 0.5,
        "rien": None,
        "liste": ["a, b", "c: d", "[e]", "- f"],
        "texte": "deux\nlignes\tet une tabulation",
    }
    text = "format: 1\nsignataires:\n  - {id: etat}\n"
    new = rewrite(text, [Addition("partenaires", [values], "signataires")])
    assert new is not None and new.startswith(text)
    assert node_value(compose_text(new), new)["partenaires"] == [values]


def test_a_literal_text_is_neither_taken_for_yaml_nor_cut():
    text = (
        "modalites: |\n  Trois points :\n\n  - un ;\n  # pas un commentaire\n\n"
        "# au sujet des lignes\nlignes:\n    - {annee: 2024}\ntotaux: []\n"
    )
    new = rewrite(text, [Change("lignes", [{"annee": 2024}], None),
                         Change("totaux", [], [{"annee": 2024, "montant": 1}])])  # fmt: skip
    assert new == (
        "modalites: |\n  Trois points :\n\n  - un ;\n  # pas un commentaire\n\n"
        "totaux:\n    - {annee: 2024, montant: 1}\n"
    )


def test_what_the_text_way_is_not_sure_of_goes_the_careful_way(tmp_path):
    # a key to remove on the line of its item's dash
    text = "investissements:\n  - plan_financement: []\n    id: x\n"
    change = Change("investissements", [{"plan_financement": [], "id": "x"}], [{"id": "x"}])
    assert rewrite(text, [change]) is None
    # a text that does not read back as the changes say is never written
    root = compose_text("format: 1\n")
    assert migrate_text.rewrite("format: 1\n", [Change("format", 1, 2)], root, {"x": 1}) is None
    # in a real migration, such a file is rewritten by ruamel.yaml, and nothing is lost
    territory = tmp_path / "arras"
    shutil.copytree(FORMAT_1 / "arras", territory)
    plans = territory / "investissements.yaml"
    written = plans.read_text(encoding="utf-8")
    first = "  - id: centre-social-blancs-monts\n"
    plan = written[written.index("    plan_financement:\n") : written.index("    debut: 2025\n")]
    # the same project, its plan written first, on the line of the dash
    moved = "  - " + plan[4:] + "    id: centre-social-blancs-monts\n"
    plans.write_text(written.replace(plan, "").replace(first, moved), encoding="utf-8")
    reference = load_territory(territory).data
    report = migrate_territory(territory)
    assert report.careful == [plans] and len(report.files) > 1
    assert build_ledger(load_territory(territory).data) == build_ledger(reference)
    assert "plan_financement" not in plans.read_text(encoding="utf-8")


def test_a_file_written_on_windows_keeps_its_line_breaks_and_its_byte_order_mark(tmp_path):
    root = tmp_path / "arras"
    shutil.copytree(FORMAT_1 / "arras", root)
    paths = [root / "contrat.yaml", root / "investissements.yaml"]
    for path in paths:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    reference = load_territory(root).data
    assert migrate_territory(root).careful == []
    for path in paths:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\n") == raw.count(b"\r\n") > 10
        old = (root / BACKUP / path.name).read_bytes().splitlines(keepends=True)
        assert old[1] in raw.splitlines(keepends=True)  # an unchanged line, as it was
    assert build_ledger(load_territory(root).data) == build_ledger(reference)
