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
