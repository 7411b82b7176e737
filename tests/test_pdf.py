"""LibreOffice conversion (generator/pdf.py): finding LibreOffice, one process for the batch,
a private profile, the timeout that kills the process group, failures per document.

Also holds the helpers that test_package.py and test_cli_pdf.py import: a small template set
made with python-docx, PDFs made with pypdf, a fake `soffice` script.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator.signature.pdf import (
    INSTALL_HINT,
    SOFFICE_ENV,
    ConversionError,
    LibreOfficeMissing,
    convert_to_pdf,
    find_soffice,
    require_soffice,
)

HAS_LIBREOFFICE = os.environ.get(SOFFICE_ENV) is None and find_soffice() is not None
needs_libreoffice = pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice absent")

MANIFEST = """\
nom: test
version: "0.0.1"
format_description: 1
documents:
  - {id: contrat, modele: contrat.docx, sortie: contrat-de-ville.docx, titre: Contrat de ville}
  - {id: annexe-financiere, modele: annexe.docx, sortie: annexe-3-financiere.docx,
     titre: "Annexe 3 – Annexe financière"}
  - {id: convention-tfpb, modele: conv.docx, sortie: "annexe-2-convention-tfpb-{bailleur}.docx",
     titre: Convention TFPB, pour_chaque: tfpb}
"""

CONTRACT_PARTS = ["Cadre du contrat", "Orientations stratégiques", "Gouvernance et pilotage"]


def _docx(path: Path, title: str, parts: list[str]) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    document.add_paragraph("{{ doc.epci }} — {{ doc.mention }}")
    document.add_paragraph("{{ sommaire }}")
    for part in parts:
        document.add_heading(part, level=1)
        document.add_paragraph(f"Texte de la partie « {part} ».")
        document.add_heading(f"{part} : détail", level=2)
        paragraph = document.add_paragraph("Le territoire s'engage. " * 20)
        paragraph.runs[-1].add_break(WD_BREAK.PAGE)
    document.save(path)


def make_templates(folder: Path) -> Path:
    """A small template set: a 3-page contract, a 1-page annex, a 2-page TFPB convention."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    _docx(folder / "contrat.docx", "Contrat de ville", CONTRACT_PARTS)
    _docx(folder / "annexe.docx", "Annexe financière", ["Tableaux financiers"])
    _docx(
        folder / "conv.docx",
        "Convention TFPB {{ convention.bailleur_info.nom }}",
        ["Parties", "Programme d'actions"],
    )
    return folder


def text_pdf(pages: list[str], size: tuple[float, float] = (595, 842)) -> bytes:
    """A PDF whose pages show the given lines of text (Helvetica), made with pypdf."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for text in pages:
        page = writer.add_blank_page(*size)
        stream = DecodedStreamObject()
        escaped = text.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)")
        stream.set_data(b"BT /F1 18 Tf 72 700 Td (" + escaped + b") Tj ET")
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str, owner_password: str = "proprietaire") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Document protégé"]))))
    writer.encrypt(user_password, owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fake_soffice(folder: Path, behaviour: str = "convert") -> Path:
    """An executable standing for soffice; it records its command line in calls.jsonl.

    convert: writes a one-page PDF for each input; hang: starts a child that sleeps (its pid
    in child.pid) and sleeps itself; nothing: exits with status 0 and writes nothing; crash:
    exits with status 3.
    """
    if sys.platform == "win32":
        pytest.skip("the fake soffice is a script with a #! line")
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "soffice"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            f"""
            import json, os, subprocess, sys, time
            from pathlib import Path
            here = Path({str(folder)!r})
            with open(here / "calls.jsonl", "a") as log:
                log.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
            behaviour = {behaviour!r}
            if behaviour == "hang":
                child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
                (here / "child.pid").write_text(str(child.pid))
                time.sleep(120)
            if behaviour == "crash":
                print("boom")
                sys.exit(3)
            if behaviour == "convert":
                outdir = Path(sys.argv[sys.argv.index("--outdir") + 1])
                pdf = Path({str(folder / "page.pdf")!r}).read_bytes()
                for name in sys.argv[sys.argv.index("--outdir") + 2:]:
                    (outdir / (Path(name).stem + ".pdf")).write_bytes(pdf)
            """
        ),
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (folder / "page.pdf").write_bytes(text_pdf(["Converti"]))
    return script


def calls(folder: Path) -> list[dict]:
    log = folder / "calls.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


# --- finding LibreOffice -------------------------------------------------------------------------


def test_missing_libreoffice_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "nulle-part" / "soffice"))
    assert find_soffice() is None
    with pytest.raises(LibreOfficeMissing) as error:
        require_soffice()
    message = str(error.value)
    assert "apt-get install libreoffice-writer-nogui" in message
    assert "https://fr.libreoffice.org/download/" in message
    assert SOFFICE_ENV in message and "nulle-part" in message
    with pytest.raises(LibreOfficeMissing):
        convert_to_pdf([tmp_path / "a.docx"])
    assert "libreoffice-writer-nogui" in INSTALL_HINT


def test_explicit_program_is_used(monkeypatch, tmp_path):
    script = fake_soffice(tmp_path / "lo")
    monkeypatch.setenv(SOFFICE_ENV, str(script))
    assert find_soffice() == script


def test_nothing_to_convert_starts_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "absent"))
    assert convert_to_pdf([]).pdfs == {}


# --- one process, private profile, same names ----------------------------------------------------


def test_jobs_run_that_many_processes_each_with_its_profile_and_share(tmp_path):
    script = fake_soffice(tmp_path / "lo")
    documents = []
    for territory in ("arras", "creil", "saint-quentin"):
        for name in ("contrat-de-ville.docx", "annexe-3-financiere.docx"):
            path = tmp_path / territory / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(b"docx " + territory.encode())
            documents.append(path)
    result = convert_to_pdf(documents, soffice=script, jobs=2)
    assert result.failures == {} and set(result.pdfs) == set(documents)
    assert result.processes == 2
    runs = calls(tmp_path / "lo")
    profiles = {a for run in runs for a in run["argv"] if a.startswith("-env:UserInstallation=")}
    assert len(runs) == 2 and len(profiles) == 2  # a private profile each
    shares = [[a for a in run["argv"] if a.endswith(".docx")] for run in runs]
    assert sorted(len(share) for share in shares) == [3, 3]
    assert sorted(sum(shares, [])) == [f"{n:04d}.docx" for n in range(1, 7)]  # each file once
    # more processes than files: one process per file, no empty process
    assert convert_to_pdf(documents[:1], soffice=script, jobs=4).processes == 1


def test_one_process_for_the_whole_batch_with_a_private_profile(tmp_path):
    script = fake_soffice(tmp_path / "lo")
    documents = []
    for territory in ("arras", "creil", "saint-quentin"):
        for name in ("contrat-de-ville.docx", "annexe-3-financiere.docx"):
            path = tmp_path / territory / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(b"docx " + territory.encode())
            documents.append(path)
    result = convert_to_pdf(documents, soffice=script)
    assert result.failures == {}
    assert set(result.pdfs) == set(documents)  # same names in different folders: no mix-up
    assert result.processes == 1
    (call,) = calls(tmp_path / "lo")
    argv = call["argv"]
    assert "--headless" in argv and "--convert-to" in argv
    profile = next(a for a in argv if a.startswith("-env:UserInstallation=file://"))
    assert "cdv-pdf-" in profile  # a temporary profile, not the user's
    assert len([a for a in argv if a.endswith(".docx")]) == len(documents)
    assert not Path(profile.split("file://", 1)[1]).exists()  # removed afterwards


def test_a_document_libreoffice_cannot_convert_is_reported(tmp_path):
    script = fake_soffice(tmp_path / "lo", "nothing")
    document = tmp_path / "contrat-de-ville.docx"
    document.write_bytes(b"x")
    result = convert_to_pdf([document], soffice=script)
    assert result.pdfs == {}
    assert "n'a pas pu le lire ou le convertir" in result.failures[document]


def test_a_crash_of_libreoffice_is_reported_with_its_status(tmp_path):
    script = fake_soffice(tmp_path / "lo", "crash")
    document = tmp_path / "contrat-de-ville.docx"
    document.write_bytes(b"x")
    result = convert_to_pdf([document], soffice=script)
    assert "code 3" in result.failures[document] and "boom" in result.failures[document]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform == "win32", reason="process groups (POSIX)")
def test_a_hanging_conversion_is_killed_with_its_children(tmp_path):
    folder = tmp_path / "lo"
    script = fake_soffice(folder, "hang")
    document = tmp_path / "contrat-de-ville.docx"
    document.write_bytes(b"x")
    start = time.perf_counter()
    with pytest.raises(ConversionError) as error:
        convert_to_pdf([document], soffice=script, timeout=1.5)
    assert time.perf_counter() - start < 15
    assert "n'a pas terminé la conversion en 2 s" in str(error.value)
    assert "--delai" in str(error.value)
    child = int((folder / "child.pid").read_text())
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child), "LibreOffice's child process survived the timeout"


def test_a_program_that_cannot_start_is_reported(tmp_path):
    script = tmp_path / "soffice"
    script.write_text("not a program")
    script.chmod(0o755)
    document = tmp_path / "a.docx"
    document.write_bytes(b"x")
    with pytest.raises(ConversionError) as error:
        convert_to_pdf([document], soffice=script)
    assert "impossible de lancer LibreOffice" in str(error.value)


# --- the real LibreOffice ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """Two Word documents (one of them twice, from two folders) and a broken one, in one go."""
    folder = tmp_path_factory.mktemp("conversion")
    templates = make_templates(folder / "modeles")
    first = folder / "un" / "contrat-de-ville.docx"
    second = folder / "deux" / "contrat-de-ville.docx"
    broken = folder / "abime.docx"
    for path in (first, second):
        path.parent.mkdir()
    first.write_bytes((templates / "contrat.docx").read_bytes())
    second.write_bytes((templates / "annexe.docx").read_bytes())
    broken.write_bytes((templates / "contrat.docx").read_bytes()[:3000])
    return first, second, broken, convert_to_pdf([first, second, broken])


@needs_libreoffice
def test_libreoffice_converts_a_batch_in_one_process(converted):
    first, second, broken, result = converted
    from pypdf import PdfReader

    assert result.processes == 1
    assert set(result.pdfs) == {first, second}
    contract = PdfReader(io.BytesIO(result.pdfs[first]))
    annex = PdfReader(io.BytesIO(result.pdfs[second]))
    assert len(contract.pages) == 3 and len(annex.pages) == 1
    assert "Cadre du contrat" in contract.pages[0].extract_text()
    assert "Tableaux financiers" in annex.pages[0].extract_text()
    # LibreOffice exports the headings as bookmarks
    titles = [item.title for item in contract.outline if not isinstance(item, list)]
    assert titles == CONTRACT_PARTS
    assert "n'a pas pu le lire" in result.failures[broken]
