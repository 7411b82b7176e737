"""External annexes: only files inside the territory folder, checked before anything opens them
(point 4), and no active content (JavaScript, launch actions, embedded files…) carried into the
signature package, with a warning that says what was removed (point 5) (issue 17)."""

from __future__ import annotations

import builtins
import io
import os
import sys
from pathlib import Path

import pytest
from conftest import Cli, line_of, minimal, problems_of, write_territory
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from test_pdf import fake_soffice, make_templates, text_pdf

from generator.description import paths
from generator.signature.pdf import SOFFICE_ENV

PACKAGE = "contrat-de-ville-signature.pdf"
SECRET = "Contenu confidentiel hors du territoire"


def with_annexes(tmp_path: Path, names: list[str]) -> Path:
    data = minimal()
    data["annexes"] = [{"titre": f"Annexe {i + 1}", "fichier": n} for i, n in enumerate(names)]
    return write_territory(tmp_path / "contracts" / "t", data)


@pytest.fixture
def secret(tmp_path) -> Path:
    """A real PDF outside the territory: what must never be read, nor joined."""
    path = tmp_path / "ailleurs" / "secret.pdf"
    path.parent.mkdir()
    path.write_bytes(text_pdf([SECRET]))
    return path


# --------------------------------------------------------------------------- 4. where annexes are


def test_annexes_outside_the_territory_are_errors_with_their_line(tmp_path, secret):
    names = [
        "../../ailleurs/secret.pdf",
        str(secret),
        "annexes/lien.pdf",  # a symbolic link inside the folder, to the file outside
        "C:/Users/pilote/secret.pdf",
        "annexes\\carte.pdf",
        "annexes/tube.pdf",  # a FIFO: opening it would hang
    ]
    root = with_annexes(tmp_path, names)
    (root / "annexes").mkdir()
    (root / "annexes" / "lien.pdf").symlink_to(secret)
    os.mkfifo(root / "annexes" / "tube.pdf")
    problems = [p for p in problems_of(root) if p.path[:1] == ("annexes",)]
    file = root / "contrat.yaml"
    expected = {
        0: "le chemin remonte hors du dossier (« .. »)",
        1: "chemin absolu",
        2: f"le fichier est hors du dossier du territoire (il mène à {secret.resolve()})",
        3: "chemin absolu",
        4: "le chemin contient « \\ » : séparez les dossiers par « / »",
        5: "ce n'est pas un fichier ordinaire",
    }
    assert [p.path[1] for p in problems] == list(expected), [p.format() for p in problems]
    for problem in problems:
        index = problem.path[1]
        assert problem.is_error and problem.file == str(file)
        assert problem.line == line_of(file, names[index][:12])
        assert problem.message.startswith("fichier d'annexe refusé : "), problem.message
        assert expected[index] in problem.message, problem.message
        assert "une annexe est un fichier du dossier du territoire" in problem.message


def test_a_link_inside_the_territory_and_a_missing_file_are_fine(tmp_path):
    root = with_annexes(tmp_path, ["annexes/raccourci.pdf", "annexes/plus-tard.pdf"])
    (root / "annexes").mkdir()
    (root / "annexes" / "carte.pdf").write_bytes(text_pdf(["Carte"]))
    (root / "annexes" / "raccourci.pdf").symlink_to("carte.pdf")
    problems = [p for p in problems_of(root) if p.path[:1] == ("annexes",)]
    assert [(p.severity, p.path[1]) for p in problems] == [("avertissement", 1)]
    assert "fichier d'annexe introuvable : annexes/plus-tard.pdf" in problems[0].message


def test_a_huge_annex_is_refused_without_being_read(tmp_path):
    root = with_annexes(tmp_path, ["annexes/enorme.pdf"])
    (root / "annexes").mkdir()
    with open(root / "annexes" / "enorme.pdf", "wb") as stream:  # sparse: instant
        stream.truncate(paths.MAX_ANNEX_BYTES + 1)
    (problem,) = [p for p in problems_of(root) if p.path[:1] == ("annexes",)]
    assert problem.is_error and "fichier trop gros (200 Mo, au plus 200 Mo)" in problem.message


@pytest.fixture
def pdf_run(tmp_path, monkeypatch):
    templates = make_templates(tmp_path / "modeles")
    output = tmp_path / "build"
    monkeypatch.setenv(SOFFICE_ENV, str(fake_soffice(tmp_path / "lo")))

    def run(*args: str):
        return Cli()("pdf", *args, "--sortie", output, "--modeles", templates)

    return output, run


def opened_paths(monkeypatch) -> list[str]:
    """Every path this process opens from now on (builtins.open, io.open, os.open)."""
    seen: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy(file, *args, **kwargs):
        if isinstance(file, str | bytes | os.PathLike):
            seen.append(os.fsdecode(file))
        return real_open(file, *args, **kwargs)

    def os_spy(file, *args, **kwargs):
        seen.append(os.fsdecode(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy)
    monkeypatch.setattr(os, "open", os_spy)
    return seen


@pytest.mark.parametrize("how", ["remonte", "absolu", "lien"])
def test_pdf_never_opens_nor_joins_a_file_outside(tmp_path, secret, pdf_run, monkeypatch, how):
    output, run = pdf_run
    name = {"remonte": "../../ailleurs/secret.pdf", "absolu": str(secret)}.get(how, "lien.pdf")
    root = with_annexes(tmp_path, [name])
    if how == "lien":
        (root / "lien.pdf").symlink_to(secret)
    seen = opened_paths(monkeypatch)
    result = run(root, "--brouillon")  # a working draft goes on despite errors: not this annex
    monkeypatch.undo()
    assert result.exit_code == 1, result.text
    assert "l'annexe « Annexe 1 » (annexes[1].fichier, " in result.text
    assert "fichier refusé (" in result.text
    assert not any(Path(p).resolve() == secret.resolve() for p in seen if p)
    assert not (output / "t" / PACKAGE).exists()


def test_etc_passwd_is_not_read(tmp_path, pdf_run, monkeypatch):
    if not Path("/etc/passwd").is_file():
        pytest.skip("pas de /etc/passwd")
    output, run = pdf_run
    root = with_annexes(tmp_path, ["/etc/passwd"])
    (problem,) = [p for p in problems_of(root) if p.path[:1] == ("annexes",)]
    assert problem.is_error and "chemin absolu" in problem.message
    seen = opened_paths(monkeypatch)
    result = run(root, "--brouillon")
    monkeypatch.undo()
    assert result.exit_code == 1 and "fichier refusé (chemin absolu)" in result.text
    assert "/etc/passwd" not in [p for p in seen if p == "/etc/passwd"]


# --------------------------------------------------------------------------- 5. active content


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _link(writer: PdfWriter, action: DictionaryObject, y: float):
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, y, 300, y + 20)]),
                NameObject("/A"): action,
            }
        )
    )


def hostile_pdf() -> bytes:
    """Two pages carrying every kind of active content, built with pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(["Piège 1", "Piège 2"]))))
    js = TextStringObject("app.alert('cdv-js-marqueur')")
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS=js)}  # runs when the page opens
    )
    embedded = DecodedStreamObject()
    embedded.set_data(b"#!/bin/sh\necho cdv-fichier-marqueur\n")
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    filespec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("lanceur.sh"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)}),
        }
    )
    attachment = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 30, 30)]),
                NameObject("/FS"): filespec,
            }
        )
    )
    web = _action("/URI", URI=TextStringObject("https://www.example.org/cdv-lien-web"))
    chained = _action("/URI", URI=TextStringObject("https://example.org/chaine"))
    chained[NameObject("/Next")] = _action("/JavaScript", JS=js)
    page[NameObject("/Annots")] = ArrayObject(
        [
            _link(writer, _action("/Launch", F=TextStringObject("/bin/sh")), 600),
            _link(writer, web, 560),
            _link(writer, _action("/URI", URI=TextStringObject("file:///etc/passwd")), 520),
            _link(writer, _action("/SubmitForm", F=TextStringObject("https://x.test")), 480),
            _link(writer, _action("/GoToR", F=TextStringObject("autre.pdf")), 440),
            _link(writer, chained, 400),
            attachment,
        ]
    )
    field = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("champ"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 300, 300, 320)]),
                NameObject("/AA"): DictionaryObject(
                    {NameObject("/K"): _action("/JavaScript", JS=js)}
                ),
            }
        )
    )
    writer.pages[1][NameObject("/Annots")] = ArrayObject([field])
    root = writer.root_object
    root[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([field]),
            NameObject("/XFA"): TextStringObject("<xdp:xdp>cdv-xfa-marqueur</xdp:xdp>"),
        }
    )
    root[NameObject("/OpenAction")] = _action("/JavaScript", JS=js)
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _action("/JavaScript", JS=js)})
    names = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [TextStringObject("init"), _action("/JavaScript", JS=js)]
                    )
                }
            ),
            NameObject("/EmbeddedFiles"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("lanceur.sh"), filespec])}
            ),
        }
    )
    root[NameObject("/Names")] = writer._add_object(names)
    outline = writer.add_outline_item(title="Ouvrir", page_number=0).get_object()
    for key in ("/Dest", "/A"):
        if key in outline:
            del outline[key]
    outline[NameObject("/A")] = _action("/Launch", F=TextStringObject("/bin/sh"))
    page[NameObject("/Rotate")] = NumberObject(0)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


FORBIDDEN_KEYS = {"/AA", "/JS", "/EF", "/XFA", "/EmbeddedFiles", "/OpenAction"}
FORBIDDEN_VALUES = {"/JavaScript", "/Launch", "/SubmitForm", "/GoToR", "/FileAttachment"}


def reachable(data: bytes) -> list:
    """Every object reachable in a PDF, from its trailer and its pages (read back with pypdf)."""
    reader = PdfReader(io.BytesIO(data))
    out: list = []
    pending: list = [reader.trailer, *reader.pages]
    seen: set[int] = set()
    while pending:
        value = pending.pop()
        if hasattr(value, "idnum"):
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = value.get_object()
        out.append(value)
        if isinstance(value, DictionaryObject):
            pending.extend(v for k, v in value.items() if k != "/Parent")
        elif isinstance(value, ArrayObject):
            pending.extend(value)
    return out


def texts_of(data: bytes) -> str:
    """The strings and stream contents of a PDF, decoded, one per line."""
    out = []
    for value in reachable(data):
        if isinstance(value, str):
            out.append(str(value))
        elif hasattr(value, "get_data"):
            out.append(value.get_data().decode("latin-1"))
    return "\n".join(out)


def active_content(data: bytes) -> set[str]:
    """Every forbidden key or action type reachable in a PDF."""
    found: set[str] = set()
    for value in reachable(data):
        if isinstance(value, DictionaryObject):
            found |= FORBIDDEN_KEYS & set(value)
            found |= FORBIDDEN_VALUES & {str(v) for v in value.values() if isinstance(v, str)}
    return found


def test_the_hostile_pdf_really_is_hostile():
    data = hostile_pdf()
    assert active_content(data) == FORBIDDEN_KEYS | FORBIDDEN_VALUES
    texts = texts_of(data)
    for marker in ("cdv-js-marqueur", "cdv-fichier-marqueur", "cdv-xfa-marqueur"):
        assert marker in texts


@pytest.mark.skipif(sys.platform == "win32", reason="le faux LibreOffice est un script #!")
def test_active_content_is_removed_from_annexes_and_said(tmp_path, pdf_run):
    output, run = pdf_run
    root = with_annexes(tmp_path, ["annexes/piege.pdf"])
    (root / "annexes").mkdir()
    (root / "annexes" / "piege.pdf").write_bytes(hostile_pdf())
    result = run(root)
    assert result.exit_code == 0, result.text
    line = next(x for x in result.text.splitlines() if "contenu actif retiré" in x)
    where = f"{root / 'contrat.yaml'}:{line_of(root / 'contrat.yaml', 'fichier: annexes/piege')}"
    assert line.startswith(f"  ! t : l'annexe « Annexe 1 » (annexes[1].fichier, {where}) : ")
    for what in (
        "JavaScript",
        "actions automatiques (/AA)",
        "lancement de programme (/Launch)",
        "envoi de formulaire (/SubmitForm)",
        "lien vers un autre fichier (/GoToR)",
        "lien vers un fichier ou un programme (/URI non web)",
        "fichier incorporé (pièce jointe)",
        "fichier incorporé",
        "formulaire XFA (scripts)",
    ):
        assert what in line, line
    package = (output / "t" / PACKAGE).read_bytes()
    assert active_content(package) == set()
    texts = texts_of(package)
    for marker in ("cdv-js-marqueur", "cdv-fichier-marqueur", "cdv-xfa-marqueur"):
        assert marker not in texts
    assert "https://www.example.org/cdv-lien-web" in texts  # a plain web link is kept
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(package)).pages]
    assert any("Piège 1" in t for t in pages) and any("Piège 2" in t for t in pages)


def test_a_clean_annex_gets_no_warning(tmp_path, pdf_run):
    output, run = pdf_run
    root = with_annexes(tmp_path, ["annexes/carte.pdf"])
    (root / "annexes").mkdir()
    (root / "annexes" / "carte.pdf").write_bytes(text_pdf(["Carte"]))
    result = run(root)
    assert result.exit_code == 0, result.text
    assert "contenu actif" not in result.text
