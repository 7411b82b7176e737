"""Hostile characters and hostile files (issue 17, items 7, 8 and 11).

Non-characters and controls are refused at load with their line; whatever reaches the writer,
every XML part of every generated .docx is well-formed; nothing quoted from the input sends a
control sequence to the terminal; only regular files are read, and boundedly.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from conftest import CAS, write_territory
from lxml import etree
from test_bad_input import cdv, expect

from generator.description.characters import forbidden_character, terminal_safe
from generator.documents.write import deterministic_docx, read_embedded_description

HOSTILE = "Ville\uffff de \ufffeCreil\x07\x1b]0;pirate\x07 \u202eelbatrop\u202c \ud800fin\r"


def parts_are_well_formed(data: bytes) -> list[str]:
    """Names of the XML parts of a .docx that lxml cannot parse (an empty list is good)."""
    bad = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(package.read(name))
                except etree.XMLSyntaxError as exc:
                    bad.append(f"{name}: {exc}")
    return bad


def test_the_writer_keeps_every_part_well_formed_whatever_the_input():
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    description = {"signataires": [{"nom": HOSTILE}], HOSTILE: [HOSTILE]}
    data = deterministic_docx(
        buffer.getvalue(),
        date="2024-03-15",
        core={"title": HOSTILE, "subject": HOSTILE, "author": HOSTILE},
        custom={"cdv:territoire": HOSTILE, HOSTILE: "x"},
        description=description,
    )
    assert parts_are_well_formed(data) == []
    # the embedded description is read back exactly, non-characters included (JSON escapes)
    assert read_embedded_description(data) == description


def test_a_hostile_description_built_as_a_draft_gives_well_formed_documents(tmp_path, run):
    root = write_territory(tmp_path / "t")
    text = (root / "contrat.yaml").read_text(encoding="utf-8")
    text = text.replace("la Ville de Creil\n", '"la Ville de Creil\\uFFFF\\a\\e]0;x\\a"\n', 1)
    text = text.replace(
        "nom: Communauté d'agglomération Creil Sud Oise",
        'nom: "Communauté d\'agglomération\\uFFFE\\x01 Creil Sud Oise"',
    )
    text = text.replace(
        "portrait: Un grand quartier d'habitat social.",
        'portrait: "Un grand quartier\\u202E\\uFDD0 d\'habitat social\\x0b."',
    )
    (root / "contrat.yaml").write_text(text, encoding="utf-8")
    result = run("build", root, "-o", tmp_path / "out", "--draft")
    assert result.exit_code == 0, result.output
    documents = sorted((tmp_path / "out").rglob("*.docx"))
    assert documents
    for document in documents:
        assert parts_are_well_formed(document.read_bytes()) == [], document.name
    # the three refused characters are errors, located, and listed in the draft's frame
    checked = run("validate", root)
    expect(checked, root / "contrat.yaml", None, "non-caractère Unicode U+FFFF")
    expect(checked, root / "contrat.yaml", None, "non-caractère Unicode U+FFFE")
    expect(checked, root / "contrat.yaml", None, "sens d'écriture U+202E")
    assert "\x1b" not in checked.output and "\x07" not in checked.output


@pytest.mark.parametrize(
    ("char", "fragment"),
    [
        ("\uffff", "non-caractère"),
        ("\ufffe", "non-caractère"),
        ("\ufdd0", "non-caractère"),
        ("\U0010ffff", "non-caractère"),
        ("\x07", "contrôle invisible U+0007"),
        ("\x1b", "contrôle invisible U+001B"),
        ("\x9b", "contrôle invisible U+009B"),
        ("\u202e", "sens d'écriture U+202E"),
        ("\u2066", "sens d'écriture U+2066"),
    ],
)
def test_forbidden_characters(char, fragment):
    offset, message = forbidden_character(f"abc{char}def")
    assert offset == 3 and fragment in message


def test_ordinary_text_is_not_refused():
    assert forbidden_character("Hénin-Beaumont\tlà\n« 15 000 € » العربية עברית 😀\r\n") is None


def test_every_refused_code_point_is_found_after_a_long_clean_text():
    """The one-search fast path refuses exactly the characters the explained checks refuse."""
    clean = "Quartier des Hauts de Creil, « 15 000 € » " * 50
    refused = 0
    for code in range(0x110000):
        char = chr(code)
        found = forbidden_character(clean + char + "x")
        expected = char not in "\t\n\r" and (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or 0xFDD0 <= code <= 0xFDEF
            or code & 0xFFFF in (0xFFFE, 0xFFFF)
            or char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        )
        assert (found is not None) == expected, hex(code)
        if found:
            refused += 1
            assert found[0] == len(clean), hex(code)
    assert refused == 29 + 33 + 2048 + 32 + 34 + 9


def test_terminal_safe_shows_controls_and_keeps_text():
    assert terminal_safe("a\x1b]0;titre\x07b\rc\u202ed\n\te") == (
        "a\\x1b]0;titre\\x07b\\x0dc\\u202ed\n\te"
    )
    assert terminal_safe("« Hénin » 😀") == "« Hénin » 😀"
    styled = "\x1b[1mgras\x1b[0m \x1b]52;c;x\x07"
    assert terminal_safe(styled, keep_styles=True) == "\x1b[1mgras\x1b[0m \\x1b]52;c;x\\x07"
    assert json.loads(terminal_safe('"\x9b\u202e"', json=True)) == "\x9b\u202e"


def test_no_message_sends_a_control_sequence_to_the_terminal(tmp_path):
    root = write_territory(tmp_path / "t", split=True)
    (root / "gouvernance.yaml").write_bytes((CAS / "controle-terminal.yaml").read_bytes())
    # a file name is quoted raw in every message about that file
    (root / "quartiers" / "QN\x1b]0;titre\x07\r.yaml").write_text("qpv: [\n", encoding="utf-8")
    for args in (
        ("validate", root),
        ("validate", root, "--format", "json"),
        ("build", root, "-o", tmp_path / "out"),
        ("validate", tmp_path / "nulle\x1b]0;x\x07part"),
    ):
        done = cdv(*args)
        output = done.stdout + done.stderr
        assert "Traceback" not in output
        assert not any(c in output for c in "\x1b\x07\r\u202e"), (args, output)
    done = cdv("validate", root)
    assert "QN\\x1b]0;titre\\x07\\x0d.yaml" in done.stdout
    payload = json.loads(cdv("validate", root, "--format", "json").stdout)
    messages = [p["message"] for t in payload for p in t["problemes"]]
    assert any("U+001B" in m for m in messages)


# --------------------------------------------------------------------------- item 11


def test_a_device_is_refused_not_read_forever(run):
    result = run("validate", "/dev/zero")
    expect(result, Path("/dev/zero"), 0, "pas un fichier ordinaire")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "contrat.yaml"
    os.mkfifo(fifo)
    done = cdv("validate", fifo)  # the helper's timeout fails the test if it hangs
    assert done.returncode == 1
    assert "pas un fichier ordinaire" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_a_file_that_grows_past_the_limit_is_read_boundedly(tmp_path, monkeypatch):
    """The size is checked on what is read, not only on what stat said."""
    from generator.description import file_text as yaml_reader

    path = tmp_path / "contrat.yaml"
    path.write_text("format: 1\n" + "# x\n" * 100, encoding="utf-8")
    monkeypatch.setattr(yaml_reader, "MAX_FILE_BYTES", 50)
    real_stat = os.stat

    class Small:
        def __init__(self, info):
            self.st_mode, self.st_size = info.st_mode, 10

    monkeypatch.setattr(yaml_reader.os, "stat", lambda p: Small(real_stat(p)))
    text, problem = yaml_reader.read_text(path)
    assert text is None and "trop volumineux" in problem.message


def test_an_unreadable_file_is_explained_in_french(tmp_path, monkeypatch, run):
    root = write_territory(tmp_path / "t", split=True)
    real_open = open

    def refuse(file, *args, **kwargs):
        if str(file).endswith("gouvernance.yaml"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    result = run("validate", root)
    expect(result, root / "gouvernance.yaml", 0, "fichier illisible : accès refusé")
    assert "Permission denied" not in result.output


def test_utf16_main_file_gives_one_error_not_missing_fields(run, tmp_path):
    root = tmp_path / "t"
    root.mkdir()
    (root / "contrat.yaml").write_bytes(
        "\ufeffformat: 1\ncontrat:\n  statut: projet\n".encode("utf-16-le")
    )
    result = run("validate", root)
    expect(result, root / "contrat.yaml", 1, "encodé en UTF-16")
    assert "champ obligatoire" not in result.output, result.output
