"""Tracked changes: the old document with w:ins/w:del that lead to the new one. Accepting all
of them gives the new text, rejecting all gives the old one; LibreOffice opens the document
and sees the same revisions."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from test_diff_docx import NEW, OLD, make_docx, pair

from generator.compare.docx_text import read_text
from generator.compare.redline import (
    accept_all,
    check_redline,
    make_redline,
    reject_all,
    revisions,
)

soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@pytest.fixture(scope="module")
def redline(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redline")
    old, new = pair(folder)
    result = make_redline(old, new, author="Préfecture", date="2025-03-01T00:00:00Z")
    path = folder / "modifications.docx"
    path.write_bytes(result.data)
    return old, new, path, result


def test_redline_has_revisions_for_exactly_the_edits(redline):
    _old, _new, path, result = redline
    inserted, deleted = revisions(path.read_bytes())
    assert inserted == ["quatre", "135 000 €", "Région", "FSE+", "20 000 €",
                        "Un comité technique prépare ses travaux."]  # fmt: skip
    assert deleted == ["trois", "Ce paragraphe sera supprimé.", "120 000 €"]
    assert result.insertions > 0 and result.deletions > 0
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert 'w:author="Préfecture"' in xml
    assert 'w:date="2025-03-01T00:00:00Z"' in xml


def test_accepting_all_gives_the_new_text_and_rejecting_the_old(redline):
    old, new, path, _ = redline
    data = path.read_bytes()
    assert accept_all(data).texts() == read_text(new).texts()
    assert reject_all(data).texts() == read_text(old).texts()
    assert check_redline(data, read_text(old), read_text(new)) == []


def test_check_redline_notices_a_wrong_result(redline, tmp_path):
    old, _new, path, _ = redline
    other = make_docx(tmp_path / "autre.docx", OLD + [("p", "Un texte de plus.")])
    problems = check_redline(path.read_bytes(), read_text(old), read_text(other))
    assert problems == ["accepter toutes les modifications ne donne pas le nouveau texte"]


def test_formatting_and_headers_survive(tmp_path):
    old = make_docx(
        tmp_path / "a.docx",
        [("h1", "Titre"), ("p", "Le **comité de pilotage** se réunit deux fois par an.")],
        header="Version 0.3",
    )
    new = make_docx(
        tmp_path / "b.docx",
        [("h1", "Titre"), ("p", "Le **comité de pilotage** se réunit trois fois par an.")],
        header="Version 0.4",
    )
    data = make_redline(old, new).data
    assert check_redline(data, read_text(old), read_text(new)) == []
    assert b"<w:b/>" in zipfile.ZipFile(old).read("word/document.xml")
    redlined = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert b"<w:b" in redlined  # the bold run is still bold


def _libreoffice(path: Path, target: str, folder: Path) -> Path:
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={(folder / 'profil').as_uri()}",  # private profile
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    out = folder / f"{path.stem}.{target}"
    assert out.is_file(), f"LibreOffice n'a pas converti {path}"
    return out


@soffice
def test_libreoffice_opens_the_redline_and_sees_its_revisions(redline, tmp_path):
    _old, new, path, _ = redline
    assert _libreoffice(path, "pdf", tmp_path).stat().st_size > 1000
    odt = _libreoffice(path, "odt", tmp_path)
    root = etree.fromstring(zipfile.ZipFile(odt).read("content.xml"))
    ns = {"text": ODF_TEXT, "office": ODF_OFFICE}
    regions = root.findall(".//text:tracked-changes/text:changed-region", ns)
    deletions = [
        "".join(p.itertext())
        for region in regions
        for p in region.iterfind("text:deletion//text:p", ns)
    ]
    assert len(regions) >= 6
    assert root.findall(".//text:changed-region/text:insertion", ns)
    assert [d for d in deletions if d] == ["trois", "Ce paragraphe sera supprimé.", "120 000 €"]
    # what LibreOffice shows once the changes are accepted: the body, deletions left out
    tracked = root.find(".//text:tracked-changes", ns)
    tracked.getparent().remove(tracked)
    body = root.find(".//office:text", ns)
    shown = [
        "".join(p.itertext())
        for p in body.iter(f"{{{ODF_TEXT}}}p", f"{{{ODF_TEXT}}}h")
        if "".join(p.itertext()).strip()
    ]
    assert shown == read_text(new).texts()


def test_new_content_at_the_start_and_end(tmp_path):
    old = make_docx(tmp_path / "a.docx", [("p", "Milieu.")])
    new = make_docx(tmp_path / "b.docx", [("h1", "Début"), ("p", "Milieu."), ("p", "Fin.")])
    data = make_redline(old, new).data
    assert check_redline(data, read_text(old), read_text(new)) == []
    assert revisions(data) == (["Début", "Fin."], [])


def test_same_documents_give_no_revision(tmp_path):
    old = make_docx(tmp_path / "a.docx", NEW)
    new = make_docx(tmp_path / "b.docx", NEW)
    assert revisions(make_redline(old, new).data) == ([], [])


def test_each_deletion_comes_before_its_insertion(redline):
    _old, _new, path, _ = redline
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    changes = re.findall(r"<w:(ins|del) [^>]*>(?:(?!</w:\1>).)*?<w:(?:t|delText)>([^<]*)<", xml)
    pairs = [(kind, text) for kind, text in changes]
    assert ("del", "trois") in pairs and ("ins", "quatre") in pairs
    assert pairs.index(("del", "trois")) < pairs.index(("ins", "quatre"))
    assert pairs.index(("del", "120 000 €")) < pairs.index(("ins", "135 000 €"))


def test_revisions_are_dated_by_default_with_the_day_of_the_comparison(tmp_path):
    from datetime import UTC, datetime

    old, new = pair(tmp_path)
    xml = zipfile.ZipFile(io.BytesIO(make_redline(old, new).data)).read("word/document.xml")
    today = datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")
    dates = set(re.findall(rb'w:date="([^"]+)"', xml))
    assert dates == {today.encode()}
