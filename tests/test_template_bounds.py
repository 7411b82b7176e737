"""Template bounds (issue 17, item 9): hostile templates give a located French error in
seconds, never a MemoryError, and `cdv modeles verifier` reports them too."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest
from conftest import write_territory
from docx import Document

from generator.documents import limits
from generator.documents.render import RenderError, render_template
from generator.maintenance.check import check_file


def template_with(tmp_path: Path, tag: str, name: str = "contrat.docx") -> Path:
    document = Document()
    document.add_paragraph("Début")
    document.add_paragraph(tag)
    path = tmp_path / name
    document.save(path)
    return path


HOSTILE = [
    pytest.param("{{ 'x' * 10**10 }}", "répétition", id="repetition"),
    pytest.param("{{ [0] * 10**9 }}", "répétition", id="liste"),
    pytest.param("{{ 7 ** 10000000 }}", "puissance", id="puissance"),
    pytest.param("{{ range(10**9) | list }}", "(1000000000)", id="range"),
    pytest.param("{{ range(200000) | list }}", "boucle trop longue", id="range-moyen"),
    pytest.param("{{ 'x' | center(10**10) }}", "valeur demandée", id="filtre"),
    pytest.param("{{ 'x'.ljust(10**10) }}", "valeur demandée", id="methode"),
    pytest.param("{{ '{:>9999999999}'.format(1) }}", "mise en forme", id="format"),
    pytest.param(
        "{% for a in range(100000) %}{% for b in range(100000) %}xxxxxxxxxx{% endfor %}"
        "{% endfor %}",
        "le texte produit dépasserait",
        id="boucles-qui-ecrivent",
    ),
]


@pytest.mark.parametrize(("tag", "fragment"), HOSTILE)
def test_a_hostile_tag_gives_a_french_error_quickly(tmp_path, tag, fragment):
    path = template_with(tmp_path, tag)
    start = time.monotonic()
    with pytest.raises(RenderError) as caught:
        render_template(path, {})
    assert time.monotonic() - start < 15
    assert caught.value.limit
    assert "contrat.docx" in str(caught.value) and fragment in str(caught.value)


def test_nested_loops_that_write_nothing_are_stopped_by_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RENDER_SECONDS", 1.0)
    path = template_with(
        tmp_path,
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    )
    start = time.monotonic()
    with pytest.raises(RenderError) as caught:
        render_template(path, {})
    assert time.monotonic() - start < 10
    assert "a dépassé 1 s et a été arrêté" in str(caught.value)
    # the limit never fires after the block: a normal render afterwards is untouched
    render_template(template_with(tmp_path, "{{ 1 + 1 }}", "ok.docx"), {})
    time.sleep(1.2)


def zip_bomb(tmp_path: Path, megabytes: int) -> Path:
    """A real .docx plus a highly compressible entry: small on disk, big once inflated."""
    path = template_with(tmp_path, "{{ 1 }}", "bombe.docx")
    block = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
        with package.open("word/media/image1.bin", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(block)
    return path


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PACKAGE_BYTES", 16 * 1024 * 1024)
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 16 * 1024 * 1024)
    path = zip_bomb(tmp_path, 24)
    assert path.stat().st_size < 200_000
    with pytest.raises(RenderError) as caught:
        render_template(path, {})
    assert "une fois décompressé" in str(caught.value) and "bombe.docx" in str(caught.value)
    messages = [p.message for p in check_file(path)]
    assert any("une fois décompressé" in m for m in messages), messages
    # the shipped bounds stop a 3 GiB bomb
    assert limits.MAX_PACKAGE_BYTES < 3 * 1024**3


@pytest.mark.parametrize(("tag", "fragment"), HOSTILE[:3] + HOSTILE[8:])
def test_templates_check_reports_a_hostile_template(tmp_path, run, tag, fragment):
    root = write_territory(tmp_path / "t")
    (root / "modeles").mkdir()
    template_with(root / "modeles", tag)
    result = run("templates", "check", root)
    assert result.exit_code == 1, result.output
    assert fragment in result.output, result.output
    assert "contrat.docx" in result.output


def test_an_ordinary_template_renders_within_the_bounds(tmp_path):
    path = template_with(
        tmp_path, "{% for i in range(1000) %}{{ 'ab' * 100 }}{{ 2 ** 10 }}{% endfor %}"
    )
    document = render_template(path, {})
    assert "1024" in "\n".join(p.text for p in document.paragraphs)
