"""Every generated document, and a tracked-changes comparison of two of them, passes an OOXML
validator (openxml-audit) with no error: Word opens them without offering to repair, and no
leftover of the template's history (Word 2010 parts, blank thumbnail, « Microsoft Macintosh
Word ») remains."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from test_documents import built_examples

from generator.compare.redline import make_redline

openxml_audit = pytest.importorskip("openxml_audit", reason="pip install -e '.[test]'")


def audit(path: Path) -> list[str]:
    result = openxml_audit.OpenXmlValidator().validate(str(path))
    return [f"{path.name}: {e.part_uri} {e.description}" for e in result.errors]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[Path]:
    found = sorted(built_examples(tmp_path_factory).rglob("*.docx"))
    assert len(found) >= 12
    return found


def test_every_generated_document_is_valid(documents):
    errors = [error for path in documents for error in audit(path)]
    assert errors == []


def test_the_redline_of_two_generated_documents_is_valid(documents, tmp_path):
    contracts = [p for p in documents if p.name == "contrat-de-ville.docx"]
    old = next(p for p in contracts if p.parent.name == "minimal")
    new = next(p for p in contracts if p.parent.name == "saint-quentinois")
    path = tmp_path / "modifications.docx"
    path.write_bytes(make_redline(old, new, date="2025-03-01T00:00:00Z").data)
    assert audit(path) == []


def test_no_leftover_of_the_template_history(documents):
    for path in documents:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
            app = package.read("docProps/app.xml").decode()
            settings = package.read("word/settings.xml").decode()
        assert "word/stylesWithEffects.xml" not in names, path
        assert "docProps/thumbnail.jpeg" not in names, path
        assert "Macintosh" not in app and "<Pages>" not in app, path
        assert (
            'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"'
            in settings
        )
        assert "savePreviewPicture" not in settings
