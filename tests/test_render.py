"""Rendering: hostile text from the description appears verbatim (modulo French typography),
free texts become paragraphs, line breaks and bulleted items, control characters vanish
without turning into page breaks, missing optional sections render as nothing, and a broken
template gives a French error that names the template and the variable.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import minimal, write_territory
from lxml import etree
from test_documents import CONTRACT, W, norm, read_docx, tfpb_file

from generator.documents.build import BUILT, build_territory
from generator.documents.context import build_context
from generator.documents.render import RenderError, render_template
from generator.documents.templates import load_template_set

# \x0b and \x0c are refused at load (issue 17: XML forbids them, see test_hostile_text):
# the built documents get the private-use debris only; the render's own removal of controls
# is checked by rendering a context directly (test_controls_reaching_the_render_leave_no_trace).
HOSTILE = (
    "A & B < C > D \" E ' F {{ x }} {% if %} {%p endfor %} {%tr for r in x %} "
    "GHI \ue000J 👩\u200d👩\u200d👧\u200d👦 🇫🇷 مرحبا بالعالم שלום ]]> <w:br/>"
)
LONG = "Paragraphe très long : " + "mot " * 2500
PREAMBLE = f"{HOSTILE}\n\nPremière ligne\nDeuxième ligne\n\n- puce un\n- puce deux\n\n{LONG}"


def printed(text: str) -> str:
    """What the document must show: control characters and private-use characters removed."""
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Co"))


def hostile_data(hostile: str = HOSTILE, preamble: str = PREAMBLE) -> dict:
    data = minimal()
    data["territoire"]["epci"]["nom"] = f"Agglo {hostile}"
    data["contrat"]["preambule"] = preamble
    data["orientations"][0]["titre"] = f"Orientation {hostile}"
    data["signataires"][3]["nom"] = f"Bailleur {hostile}"
    data["quartiers"][0]["portrait"] = f"Portrait {hostile}"
    data["financements"]["operations"][0]["intitule"] = f"Dispositif {hostile}"
    data["tfpb"][0]["actions"][0]["libelle"] = f"Action {hostile}"
    return data


def build(root: Path, out: Path) -> Path:
    result = build_territory(root, out, load_template_set())
    assert result.status == BUILT, result.message
    return out / root.name


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    return build(write_territory(base / "hostile", hostile_data()), base / "out")


@pytest.fixture(scope="module")
def tamed(tmp_path_factory) -> Path:
    """The same description without its control and private-use characters."""
    base = tmp_path_factory.mktemp("tamed")
    data = hostile_data(printed(HOSTILE), printed(PREAMBLE))
    return build(write_territory(base / "hostile", data), base / "out")


# --- hostile strings -----------------------------------------------------------------------------


def test_hostile_strings_appear_verbatim_everywhere(hostile):
    expected = norm(printed(HOSTILE))
    contract = norm(read_docx(hostile / CONTRACT).text)
    for label in ("Orientation", "Bailleur", "Portrait"):
        assert norm(f"{label} {expected}") in contract, label
    assert expected in contract  # the preamble
    assert norm(f"Pour Bailleur {expected},") in contract  # the signature page
    annex = norm(read_docx(hostile / "annexe-3-financiere.docx").text)
    assert norm(f"Dispositif {expected}") in annex
    convention = norm(read_docx(hostile / tfpb_file(minimal()["tfpb"][0])).text)
    assert norm(f"Action {expected}") in convention
    assert norm(f"Bailleur {expected}") in convention


def test_hostile_strings_in_headers_and_footers(hostile):
    expected = norm(printed(f"Agglo {HOSTILE}"))
    # a convention's running header names its bailleur (the EPCI is on its first page)
    bailleur = norm(printed(f"Bailleur {HOSTILE}"))
    for path in sorted(hostile.glob("*.docx")):
        wanted = bailleur if path.name.startswith("annexe-2-") else expected
        assert wanted in norm("\n".join(read_docx(path).margins)), path.name


def test_hostile_strings_in_document_properties(hostile):
    expected = norm(printed(f"Agglo {HOSTILE}"))
    for path in sorted(hostile.glob("*.docx")):
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.endswith((".xml", ".rels")):
                    etree.fromstring(package.read(name))  # every part is well-formed XML
        properties = docx.Document(str(path)).core_properties
        assert expected in norm(properties.title) and norm(properties.author) == expected


def test_no_character_of_the_data_is_lost_or_added(hostile):
    """Emoji with joiners, flags, right-to-left text, XML-like text: exactly as written."""
    text = read_docx(hostile / CONTRACT).text
    for piece in (
        "👩\u200d👩\u200d👧\u200d👦",
        "🇫🇷",
        "مرحبا بالعالم שלום",
        "{{ x }} {% if %} {%p endfor %} {%tr for r in x %}",
        "A & B < C > D \" E ' F",
        "]]> <w:br/>",
        "GHI J",
    ):
        assert piece in text, piece


def test_control_characters_leave_no_trace(hostile, tamed):
    """A form feed or a vertical tab in the data never becomes a page or line break: the
    document is the one rendered from the same text without them."""
    for name in sorted(p.name for p in hostile.glob("*.docx")):
        with zipfile.ZipFile(hostile / name) as a, zipfile.ZipFile(tamed / name) as b:
            assert a.read("word/document.xml") == b.read("word/document.xml"), name
    for p in read_docx(hostile / CONTRACT).paragraphs:
        if "GHI" in p.text:
            assert p.element.find(f".//{W}br[@{W}type='page']") is None
            assert "\n" not in p.text and "\x0c" not in p.text and "\x0b" not in p.text


def test_controls_reaching_the_render_leave_no_trace(tmp_path):
    """A value that reaches the render with a form feed or a vertical tab (not from a
    description, which refuses them) never becomes a page or line break."""
    template_set = load_template_set()
    template = next(d.template for d in template_set.documents if d.for_each is None)
    data = minimal()
    data["signataires"][3]["nom"] = "Bailleur G\x0bH\x0cI\uffff"
    document = render_template(template, build_context(data))
    texts = [p for p in document.paragraphs if "Bailleur GHI" in p.text]
    assert texts
    for p in texts:
        assert p._p.find(f".//{W}br[@{W}type='page']") is None
        assert not any(c in p.text for c in "\n\x0c\x0b\uffff")


def test_no_page_break_comes_from_data(hostile):
    """Page breaks sit only in paragraphs of the template, never in one that holds data."""
    data_words = ("GHI", "Première ligne", "puce un", "Paragraphe très long")
    for p in read_docx(hostile / CONTRACT).paragraphs:
        if p.element.find(f".//{W}br[@{W}type='page']") is not None:
            assert not any(word in p.text for word in data_words), p.text[:80]


# --- free texts: paragraphs, line breaks, lists --------------------------------------------------


def _preamble(hostile: Path):
    return read_docx(hostile / CONTRACT).section("Préambule")


def test_a_blank_line_separates_paragraphs_and_a_newline_is_a_line_break(hostile):
    paragraphs = _preamble(hostile)
    texts = [p.text for p in paragraphs]
    first = next(i for i, t in enumerate(texts) if "GHI" in t)
    assert texts[first + 1] == "Première ligne\nDeuxième ligne"
    lines = paragraphs[first + 1].element
    breaks = lines.findall(f".//{W}br")
    assert len(breaks) == 1 and breaks[0].get(f"{W}type") in (None, "textWrapping")


def test_lines_starting_with_a_dash_are_bulleted_paragraphs(hostile):
    paragraphs = _preamble(hostile)
    items = [p for p in paragraphs if p.text in ("puce un", "puce deux")]
    assert [p.text for p in items] == ["puce un", "puce deux"]
    assert {p.style for p in items} == {"List Bullet"}
    others = {p.style for p in paragraphs if p.text not in ("puce un", "puce deux")}
    assert "List Bullet" not in others
    assert not any(p.text.startswith("-") for p in paragraphs)


def test_a_ten_thousand_character_paragraph_stays_whole(hostile):
    long = [p for p in _preamble(hostile) if p.text.startswith("Paragraphe très long")]
    assert len(long) == 1
    assert len(LONG) > 10_000
    assert norm(long[0].text) == norm(LONG)


# --- missing optional sections -------------------------------------------------------------------


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    """A minimal territory whose optional texts are absent or empty."""
    data = minimal()
    data["contrat"]["preambule"] = ""
    data["contrat"]["sous_titre"] = ""
    data["contrat"]["bilan_contrat_precedent"] = ""
    data["quartiers"][0]["priorites_habitants"] = []
    base = tmp_path_factory.mktemp("bare")
    return build(write_territory(base / "bare", data), base / "out")


def test_a_missing_optional_section_renders_as_nothing(bare):
    doc = read_docx(bare / CONTRACT)
    headings = {norm(p.text) for p in doc.paragraphs if p.bookmark}
    for absent in (
        "Territoires de vigilance hors quartiers prioritaires",
        "Enseignements du contrat de ville 2015-2023",
        "Articulation avec les autres stratégies",
        "Indicateurs des quartiers et de l'intercommunalité",
    ):
        assert absent not in headings
    # the preamble holds only the template's own paragraphs: no empty one for the data
    preamble = doc.section("Préambule")
    assert len(preamble) == 3 and all(p.text.strip() for p in preamble)
    assert "Priorités des habitants" not in doc.section_text("Les Hauts de Creil")
    for path in sorted(bare.glob("*.docx")):
        text = read_docx(path).text
        assert not re.search(r"\bNone\b", text), path.name
        assert "\ue002" not in text


def test_a_blank_optional_text_renders_as_nothing(tmp_path):
    data = minimal()
    data["contrat"]["bilan_contrat_precedent"] = "  \n  "
    folder = build(write_territory(tmp_path / "blanc", data), tmp_path / "out")
    headings = {norm(p.text) for p in read_docx(folder / CONTRACT).paragraphs if p.bookmark}
    assert "Enseignements du contrat de ville 2015-2023" not in headings


def test_an_empty_field_leaves_no_empty_paragraph_in_a_table_cell(bare):
    """Word refuses a table cell without a paragraph: every cell keeps at least one."""
    for path in sorted(bare.glob("*.docx")):
        with zipfile.ZipFile(path) as package:
            xml = package.read("word/document.xml").decode()
        for cell in re.findall(r"<w:tc>.*?</w:tc>|<w:tc .*?</w:tc>", xml, re.S):
            assert "<w:p>" in cell or "<w:p " in cell or "<w:p/>" in cell, path.name


# --- template errors -----------------------------------------------------------------------------


def _template(path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    document.add_heading("Modèle de test", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


@pytest.fixture(scope="module")
def context() -> dict:
    return build_context(minimal())


def test_a_template_renders_with_the_real_context(tmp_path, context):
    template = _template(tmp_path / "bon.docx", "Territoire : {{ territoire.epci.nom }}")
    document = render_template(template, context)
    text = norm("\n".join(p.text for p in document.paragraphs))
    assert norm("Territoire : Communauté d'agglomération Creil Sud Oise") in text


def test_an_unknown_field_names_the_template_and_the_variable(tmp_path, context):
    template = _template(tmp_path / "contrat-essai.docx", "Nom : {{ territoire.nomm }}")
    with pytest.raises(RenderError) as error:
        render_template(template, context)
    message = str(error.value)
    assert "contrat-essai.docx" in message
    assert "« nomm »" in message
    assert "variable ou champ inconnu" in message


def test_an_unknown_variable_names_the_template_and_the_variable(tmp_path, context):
    template = _template(tmp_path / "annexe-essai.docx", "{{ territoir.epci.nom }}")
    with pytest.raises(RenderError) as error:
        render_template(template, context)
    assert "annexe-essai.docx" in str(error.value) and "« territoir »" in str(error.value)


def test_a_syntax_error_names_the_template_and_quotes_the_text_around(tmp_path, context):
    template = _template(tmp_path / "syntaxe.docx", "Avant {{ territoire.epci.nom } après")
    with pytest.raises(RenderError) as error:
        render_template(template, context)
    message = str(error.value)
    assert message.startswith("modèle syntaxe.docx : erreur de syntaxe")
    assert "texte autour" in message


def test_a_broken_file_is_reported_as_such(tmp_path, context):
    template = tmp_path / "abime.docx"
    template.write_bytes(b"PK\x03\x04 ceci n'est pas un document")
    with pytest.raises(RenderError) as error:
        render_template(template, context)
    assert "modèle abime.docx illisible ou cassé" in str(error.value)


def test_the_sandbox_refuses_python_internals(tmp_path, context):
    template = _template(tmp_path / "malin.docx", "{{ territoire.__class__.__mro__ }}")
    with pytest.raises(RenderError) as error:
        render_template(template, context)
    assert "malin.docx" in str(error.value)


def test_error_messages_are_french_and_never_show_python(tmp_path, context):
    template = _template(tmp_path / "contrat.docx", "{{ orientations[0].titr }}")
    with pytest.raises(RenderError) as error:
        render_template(template, context)
    message = str(error.value)
    assert "« titr »" in message
    assert "Traceback" not in message and "dict object" not in message
