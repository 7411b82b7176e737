"""Annex 1 of each contract shows the locator map of its QPV, drawn deterministically."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import ROOT
from test_documents import CONTRACTS, EXAMPLES, built_examples, read_description

from generator.documents.locator_map import LocatorMap, _draw


def test_locator_map_png_is_deterministic_and_undated():
    codes = ("QN06258M", "QN06259M")
    first = LocatorMap(codes).png()
    _draw.cache_clear()
    assert LocatorMap(codes).png() == first
    assert first.startswith(b"\x89PNG")
    assert b"Software" not in first and b"tIME" not in first
    assert not LocatorMap(("QN99999X",))  # unknown codes: no map


def test_annex_1_shows_the_map_of_the_contract(tmp_path):
    from conftest import Cli
    from docx import Document

    out = tmp_path / "sortie"
    result = Cli()("build", str(ROOT / "contracts" / "arras"), "--sortie", str(out))
    assert result.exit_code == 0, result.output
    path = out / "arras" / "contrat-de-ville.docx"
    with zipfile.ZipFile(path) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert media == ["word/media/image1.png"]
        png = archive.read(media[0])
    assert (
        png
        == LocatorMap(
            ("QN06258M", "QN06259M", "QN06260M", "QN06261M", "QN06262M", "QN06263M")
        ).png()
    )
    document = Document(io.BytesIO(path.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    annex = max(i for i, t in enumerate(texts) if t.startswith("Annexe 1 –"))  # not the TOC
    caption = next(
        i for i, t in enumerate(texts) if t.startswith("Carte de situation des quartiers")
    )
    following = max(i for i, t in enumerate(texts) if t.startswith("Annexe 2 –"))
    assert annex < caption < following
    assert document.inline_shapes and len(document.inline_shapes) == 1


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_contract_shows_the_map_of_its_own_qpv(tmp_path_factory, name):
    """Every shipped contract's annex 1 holds one picture: the locator map of the QPV its YAML
    lists (the two-builds test of test_determinism.py compares these bytes too)."""
    from docx import Document

    out = built_examples(tmp_path_factory)
    codes = tuple(q["code"] for q in read_description(CONTRACTS / name)["territoire"]["qpv"])
    path = out / name / "contrat-de-ville.docx"
    with zipfile.ZipFile(path) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert len(media) == 1, media
        assert archive.read(media[0]) == LocatorMap(codes).png()
    document = Document(io.BytesIO(path.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    annex = max(i for i, t in enumerate(texts) if t.startswith("Annexe 1 –"))
    caption = texts.index(next(t for t in texts if t.startswith("Carte de situation des")))
    assert annex < caption < max(i for i, t in enumerate(texts) if t.startswith("Annexe 2 –"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_two_labels_of_a_map_overlap(name):
    """Amiens's QN08002M and QN08005M, side by side, used to print one over the other."""
    from generator.documents.locator_map import label_overlaps

    codes = tuple(q["code"] for q in read_description(CONTRACTS / name)["territoire"]["qpv"])
    assert label_overlaps(codes) == []
