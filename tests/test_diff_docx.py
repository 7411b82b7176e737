"""Text diff of two .docx: sections by heading, paragraphs and cells, word by word; the HTML
report; bad input. Documents are made here with python-docx, with known differences."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import CAS
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from generator.compare.docx_text import DocxError, read_package, read_text
from generator.compare.report_html import format_html
from generator.compare.report_text import compact, format_text
from generator.compare.text_diff import (
    ADDED,
    CHANGED,
    REMOVED,
    diff_files,
    diff_texts,
    word_ops,
)

OLD = [
    ("h1", "1. Cadre du contrat"),
    ("p", "Le contrat est conclu pour la période 2024-2030."),
    ("p", "Il couvre trois quartiers prioritaires."),
    ("p", "Ce paragraphe sera supprimé."),
    ("h1", "2. Moyens financiers"),
    (
        "table",
        [
            ["Financeur", "Dispositif", "Montant"],
            ["État", "Cité éducative", "120 000 €"],
            ["CAF", "Parentalité", "40 000 €"],
        ],
    ),
    ("h1", "3. Gouvernance"),
    ("p", "Le comité de pilotage se réunit deux fois par an."),
]
NEW = [
    ("h1", "1. Cadre du contrat"),
    ("p", "Le contrat est conclu pour la période 2024-2030."),
    ("p", "Il couvre quatre quartiers prioritaires."),
    ("h1", "2. Moyens financiers"),
    (
        "table",
        [
            ["Financeur", "Dispositif", "Montant"],
            ["État", "Cité éducative", "135 000 €"],
            ["CAF", "Parentalité", "40 000 €"],
            ["Région", "FSE+", "20 000 €"],
        ],
    ),
    ("h1", "3. Gouvernance"),
    ("p", "Le comité de pilotage se réunit deux fois par an."),
    ("p", "Un comité technique prépare ses travaux."),
]
EXPECTED = [
    ("1. Cadre du contrat", CHANGED, "paragraphe 2", "Il couvre trois quartiers prioritaires.",
     "Il couvre quatre quartiers prioritaires."),
    ("1. Cadre du contrat", REMOVED, "paragraphe 3", "Ce paragraphe sera supprimé.", ""),
    ("2. Moyens financiers", CHANGED, "tableau 1, ligne 2, colonne 3 (Montant)", "120 000 €",
     "135 000 €"),
    ("2. Moyens financiers", ADDED, "tableau 1, ligne 4", "", "Région | FSE+ | 20 000 €"),
    ("3. Gouvernance", ADDED, "paragraphe 2", "", "Un comité technique prépare ses travaux."),
]  # fmt: skip


def make_docx(path: Path, blocks, header: str | None = None) -> Path:
    """A .docx with headings (h1, h2), paragraphs (p, with **bold** parts), bullets and tables."""
    document = docx.Document()
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            document.add_heading(value, int(kind[1]))
        elif kind == "p":
            paragraph = document.add_paragraph()
            for k, part in enumerate(value.split("**")):
                paragraph.add_run(part).bold = k % 2 == 1
        elif kind == "bullet":
            document.add_paragraph(value, style="List Bullet")
        elif kind == "table":
            table = document.add_table(rows=len(value), cols=len(value[0]))
            for r, row in enumerate(value):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        elif kind == "xml":
            document.element.body.insert(len(document.element.body) - 1, parse_xml(value))
    document.save(path)
    return path


def pair(tmp_path: Path, old=OLD, new=NEW) -> tuple[Path, Path]:
    return make_docx(tmp_path / "v03.docx", old), make_docx(tmp_path / "v04.docx", new)


def listing(diff) -> list[tuple]:
    return [(s.title, c.kind, c.label, c.old, c.new) for s in diff.sections for c in s.changes]


def test_known_edits_give_exactly_the_expected_changes(tmp_path):
    old, new = pair(tmp_path)
    diff = diff_files(old, new)
    assert listing(diff) == EXPECTED
    changed = diff.sections[0].changes[0]
    assert changed.ops == [
        ("=", "Il couvre "),
        ("-", "trois"),
        ("+", "quatre"),
        ("=", " quartiers prioritaires."),
    ]
    assert [s.title for s in diff.sections] == [
        "1. Cadre du contrat",
        "2. Moyens financiers",
        "3. Gouvernance",
    ]
    assert (diff.count(CHANGED), diff.count(ADDED), diff.count(REMOVED)) == (2, 2, 1)


def test_identical_documents(tmp_path):
    old = make_docx(tmp_path / "a.docx", OLD)
    same = make_docx(tmp_path / "b.docx", OLD)
    diff = diff_files(old, same)
    assert diff.identical
    assert "Aucune différence" in format_text(diff)


def test_formatting_alone_is_not_a_text_change(tmp_path):
    old = make_docx(tmp_path / "a.docx", [("h1", "Titre"), ("p", "Un texte important.")])
    new = make_docx(tmp_path / "b.docx", [("h1", "Titre"), ("p", "Un texte **important**.")])
    assert diff_files(old, new).identical


def test_sections_follow_headings_and_nesting(tmp_path):
    old = make_docx(
        tmp_path / "a.docx",
        [
            ("h1", "4. Projets de quartier"),
            ("h2", "Les Hauts de Creil"),
            ("p", "Portrait du quartier."),
            ("h2", "Rouher"),
            ("p", "Portrait du quartier."),
        ],
    )
    new = make_docx(
        tmp_path / "b.docx",
        [
            ("h1", "4. Projets de quartier"),
            ("h2", "Les Hauts de Creil"),
            ("p", "Portrait du quartier."),
            ("h2", "Rouher"),
            ("p", "Portrait du quartier, revu avec le conseil citoyen."),
        ],
    )
    diff = diff_files(old, new)
    assert [s.title for s in diff.sections] == ["4. Projets de quartier › Rouher"]
    assert diff.sections[0].changes[0].label == "paragraphe 1"


def test_renamed_heading_and_removed_section(tmp_path):
    old = make_docx(
        tmp_path / "a.docx",
        [
            ("h1", "1. Cadre"),
            ("p", "Texte du cadre."),
            ("h1", "2. Partie retirée"),
            ("p", "Texte retiré."),
            ("h1", "3. Gouvernance et pilotage"),
            ("p", "Le comité se réunit."),
        ],
    )
    new = make_docx(
        tmp_path / "b.docx",
        [
            ("h1", "1. Cadre"),
            ("p", "Texte du cadre."),
            ("h1", "3. Gouvernance"),
            ("p", "Le comité se réunit."),
        ],
    )
    found = listing(diff_files(old, new))
    assert ("2. Partie retirée", REMOVED, "titre", "2. Partie retirée", "") in found
    assert ("2. Partie retirée", REMOVED, "paragraphe 1", "Texte retiré.", "") in found
    assert ("3. Gouvernance", CHANGED, "titre", "3. Gouvernance et pilotage", "3. Gouvernance") in (
        found
    )
    assert len(found) == 3


def test_existing_tracked_changes_are_read_as_accepted(tmp_path):
    w = nsdecls("w")
    xml = (
        f'<w:p {w}><w:r><w:t xml:space="preserve">Montant : </w:t></w:r>'
        '<w:del w:id="1" w:author="x"><w:r><w:delText>100</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t>200</w:t></w:r></w:ins></w:p>'
    )
    text = read_text(make_docx(tmp_path / "a.docx", [("xml", xml)]))
    assert text.texts() == ["Montant : 200"]


def test_table_of_contents_is_skipped(tmp_path):
    path = make_docx(tmp_path / "a.docx", [("h1", "Titre"), ("p", "Texte.")])
    document = docx.Document(path)
    document.add_paragraph("Titre\t3", style=document.styles.add_style("toc 1", 1))
    document.save(path)
    assert read_text(path).texts() == ["Titre", "Texte."]


def test_headers_and_footers_are_compared(tmp_path):
    old = make_docx(tmp_path / "a.docx", OLD, header="Contrat de ville — version 0.3")
    new = make_docx(tmp_path / "b.docx", OLD, header="Contrat de ville — version 0.4")
    assert listing(diff_files(old, new)) == [
        (
            "En-têtes et pieds de page",
            CHANGED,
            "en-tête 1, ligne 1",
            "Contrat de ville — version 0.3",
            "Contrat de ville — version 0.4",
        )
    ]


def test_word_diff_keeps_amounts_whole():
    assert word_ops("Total : 1 234 567 € en 2025", "Total : 1 250 000 € en 2025") == [
        ("=", "Total : "),
        ("-", "1 234 567"),
        ("+", "1 250 000"),
        ("=", " € en 2025"),
    ]


def test_long_paragraphs_are_shown_around_their_changes():
    words = [f"mot{i}" for i in range(60)]
    old = " ".join(words)
    new = " ".join(words[:30] + ["nouveau"] + words[31:])
    shown = "".join(t for _, t in compact(word_ops(old, new), context=3))
    assert shown == "… mot27 mot28 mot29 mot30nouveau mot31 mot32 mot33 …"


def test_terminal_output_with_and_without_colour(tmp_path):
    diff = diff_files(*pair(tmp_path))
    plain = format_text(diff)
    assert "  ~ paragraphe 2 : Il couvre [-trois-]{+quatre+} quartiers prioritaires." in plain
    assert "  + ajout, tableau 1, ligne 4 : {+Région | FSE+ | 20 000 €+}" in plain
    assert "  - suppression, paragraphe 3 : [-Ce paragraphe sera supprimé.-]" in plain
    assert "§ 2. Moyens financiers (2 changements)" in plain
    assert "\x1b[" not in plain
    coloured = format_text(diff, color=True)
    assert "\x1b[31m\x1b[9mtrois\x1b[0m\x1b[32m\x1b[4mquatre\x1b[0m" in coloured
    assert "[-" not in coloured


def test_html_report_is_self_contained(tmp_path):
    old, new = pair(tmp_path)
    page = format_html(diff_files(old, new))
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    for external in ("http://", "https://", "src=", "<link", "@import", "url(", "<script"):
        assert external not in page, external
    # navigation by section, with the number of changes of each
    nav = re.search(r"<nav>(.*?)</nav>", page, re.S).group(1)
    assert nav.count("<li>") == 3
    assert '<a href="#s2"><span>2. Moyens financiers</span>' in nav
    assert 'title="modifications">~1</b> <b class="a" title="ajouts">+1</b>' in nav
    assert '<section id="s2">' in page
    assert "<del>trois</del><ins>quatre</ins>" in page


def test_html_escapes_document_text(tmp_path):
    old = make_docx(tmp_path / "a.docx", [("p", "a < b")])
    new = make_docx(tmp_path / "b.docx", [("p", "<script>alert(1)</script> & co")])
    page = format_html(diff_files(old, new))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


# --------------------------------------------------------------------------- bad input


def _expect(path: Path, *fragments: str) -> None:
    with pytest.raises(DocxError) as error:
        read_package(path)
    for fragment in fragments:
        assert fragment in str(error.value)


def test_missing_file(tmp_path):
    _expect(tmp_path / "absent.docx", "fichier introuvable", "absent.docx")


def test_pdf(tmp_path):
    path = tmp_path / "contrat.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    _expect(path, "est un PDF", "comparez les fichiers .docx")


def test_word_97_document(tmp_path):
    path = tmp_path / "contrat.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    _expect(path, "Word 97-2003 (.doc)", "enregistrez-le au format Document Word (.docx)")


def test_password_protected_document():
    _expect(CAS / "diff" / "protege.docx", "protégé par mot de passe", "retirez le mot de passe")


def test_corrupt_zip(tmp_path):
    good = make_docx(tmp_path / "bon.docx", OLD).read_bytes()
    path = tmp_path / "tronque.docx"
    path.write_bytes(good[: len(good) // 2])
    _expect(path, "est abîmé", "nouvelle copie")


def test_damaged_document_xml(tmp_path):
    path = make_docx(tmp_path / "a.docx", OLD)
    damaged = tmp_path / "abime.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(DocxError) as error:
        read_text(damaged)
    assert "est abîmé" in str(error.value) and "word/document.xml" in str(error.value)


def test_zip_that_is_not_a_word_document(tmp_path):
    path = tmp_path / "tableur.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    _expect(path, "n'est pas un document Word")


def test_text_file_and_empty_file(tmp_path):
    text = tmp_path / "notes.docx"
    text.write_text("ceci est du texte", encoding="utf-8")
    _expect(text, "n'est pas un document Word (.docx)")
    empty = tmp_path / "vide.docx"
    empty.write_bytes(b"")
    _expect(empty, "est vide")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
def test_real_doc_and_odt_from_libreoffice(tmp_path):
    source = make_docx(tmp_path / "source.docx", OLD)
    for target, fragment in (("doc", "Word 97-2003 (.doc)"), ("odt", "OpenDocument (.odt)")):
        subprocess.run(
            [
                "soffice",
                "--headless",
                # a private profile: another LibreOffice running on the machine (another test
                # run, a user's session) would otherwise make this conversion fail
                f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
                "--convert-to",
                target,
                "--outdir",
                str(tmp_path),
                source,
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        _expect(tmp_path / f"source.{target}", fragment)


def test_diff_texts_of_parts(tmp_path):
    old, new = pair(tmp_path)
    assert listing(diff_texts(read_text(old), read_text(new))) == EXPECTED


# --- tables named as the document names them (issue 11) -------------------------------------


def _captioned_pair(tmp_path: Path) -> tuple[Path, Path]:
    from docx.oxml.ns import qn

    def build(path: Path, cpo: str) -> Path:
        document = docx.Document()
        document.add_heading("1. Financements", 1)
        document.add_paragraph("Tableau 19 – Par nature", style="Caption")
        first = document.add_table(rows=2, cols=2)
        for c, text in enumerate(["Nature", "Montant"]):
            first.cell(0, c).text = text
        first.cell(1, 0).text, first.cell(1, 1).text = "Droit commun", "10 000 €"
        document.add_heading("2. Par financeur", 1)  # a new section: numbering goes on
        document.add_paragraph("Tableau 20 – Par financeur et par année", style="Caption")
        table = document.add_table(rows=4, cols=3)
        for c, text in enumerate(["Financeur", "2024", "2025"]):
            table.cell(0, c).text = text
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
        for c, text in enumerate(["État", "10", "20"]):
            table.cell(1, c).text = text
        for r, (label, value) in ((2, ("Total", "30")), (3, ("Dont CPO", cpo))):
            merged = table.cell(r, 0).merge(table.cell(r, 1))
            merged.text = label
            table.cell(r, 2).text = value
        document.add_paragraph("Signatures")
        signatures = document.add_table(rows=1, cols=2)
        signatures.cell(0, 0).text, signatures.cell(0, 1).text = "Pour l'État", cpo
        document.save(path)
        return path

    return build(tmp_path / "v1.docx", "15"), build(tmp_path / "v2.docx", "16")


def test_tables_are_named_by_their_caption_and_columns_by_their_header(tmp_path):
    diff = diff_files(*_captioned_pair(tmp_path))
    labels = [c.label for s in diff.sections for c in s.changes]
    # the document says « Tableau 20 », in the second section: not « tableau 1 »
    assert labels[0] == "tableau 20, ligne 4, colonne 2 (2025)", labels
    # a table without caption beside captioned ones does not take a number of its own
    assert labels[1].startswith("tableau sans légende n° 1, ligne 1"), labels
    assert not any("(30)" in label or "(Total)" in label for label in labels)
    assert "tableau 20, ligne 4, colonne 2 (2025) : [-15-]{+16+}" in format_text(diff)


def test_without_captions_tables_are_numbered_through_the_document(tmp_path):
    blocks = [
        ("h1", "A"),
        ("table", [["Nom", "Montant"], ["x", "1 €"]]),
        ("h1", "B"),
        ("table", [["Nom", "Montant"], ["y", "2 €"]]),
    ]
    changed = [*blocks[:3], ("table", [["Nom", "Montant"], ["y", "3 €"]])]
    diff = diff_files(
        make_docx(tmp_path / "a.docx", blocks), make_docx(tmp_path / "b.docx", changed)
    )
    assert [c.label for s in diff.sections for c in s.changes] == [
        "tableau 2, ligne 2, colonne 2 (Montant)"
    ]


def test_a_change_in_a_generated_annex_names_its_table_as_printed(tmp_path_factory, tmp_path):
    from test_documents import built_examples

    source = built_examples(tmp_path_factory) / "creil-sud-oise" / "annexe-3-financiere.docx"
    document = docx.Document(str(source))
    body = list(document.element.body)
    tables = [i for i, el in enumerate(body) if el.tag.endswith("}tbl")]
    index = tables[4]
    caption = "".join(t.text or "" for t in body[index - 1].iter() if t.tag.endswith("}t"))
    number = re.match(r"Tableau\s+(\d+)", caption).group(1)
    table = document.tables[4]
    header = [c.text.strip() for c in table.rows[0].cells]
    cell = table.rows[1].cells[-1]
    cell.paragraphs[0].runs[0].text = "1 €"
    changed = tmp_path / "modifie.docx"
    document.save(changed)
    labels = [c.label for s in diff_files(source, changed).sections for c in s.changes]
    column = len(table.rows[1]._tr.findall(docx.oxml.ns.qn("w:tc")))
    assert labels == [f"tableau {number}, ligne 2, colonne {column} ({header[-1]})"], labels


def test_a_change_in_the_last_rows_kept_together_names_the_row_as_printed(
    tmp_path_factory, tmp_path
):
    """The last rows of an annex table are held in a nested table (documents.kept_rows): the
    report still counts them as rows of the table, under its column headers."""
    from conftest import table_rows
    from test_documents import built_examples

    from generator.documents.kept_rows import is_holder

    source = built_examples(tmp_path_factory) / "creil-sud-oise" / "annexe-3-financiere.docx"
    document = docx.Document(str(source))
    table = document.tables[4]  # « Tableau 5 – Financements par quartier… »
    assert is_holder(table.rows[-1]._tr)  # the total row and the row before it
    rows = table_rows(table)
    header = [c.text.strip() for c in rows[0].cells]
    total = rows[-1].cells[-1]
    old = total.text
    total.paragraphs[0].runs[0].text = "1 €"
    changed = tmp_path / "modifie.docx"
    document.save(changed)
    diff = diff_files(source, changed)
    labels = [c.label for s in diff.sections for c in s.changes]
    column = len(rows[-1]._tr.findall(docx.oxml.ns.qn("w:tc")))
    assert labels == [f"tableau 5, ligne {len(rows)}, colonne {column} ({header[-1]})"], labels
    assert header[-1] == "Total 2024-2030" and rows[-1].cells[0].text == "Total"
    assert f"[-{old[:-1]}-]{{+1 +}}€" in format_text(diff)
