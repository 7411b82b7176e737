"""Faults and odd inputs that used to end in a Python traceback (issue 17, « Tracebacks » and
« Smaller »): each is now a French message, an exit code, and nothing written where it should
not be.

Running as root, a read-only folder cannot be made with chmod: the system's refusal is
simulated by raising the very OSError the system would raise (EACCES, ENOSPC, EROFS).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import minimal, write_territory
from test_bad_input import cdv
from test_pdf import fake_soffice, make_templates

from generator.signature.pdf import SOFFICE_ENV


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(os.fsencode(path.relative_to(folder)) + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_main(monkeypatch, capfd, *args: str) -> tuple[int, str]:
    """`cdv …` through the real entry point (French click errors, the last safety nets), in
    this process so that faults can be simulated; output captured at the file-descriptor
    level, so that a worker process's traceback would be seen too."""
    from generator.cli.main import main

    monkeypatch.setattr(sys, "argv", ["cdv", *map(str, args)])
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capfd.readouterr()
    return stopped.value.code, out + err


# --------------------------------------------------------------------------- --brouillon


def test_a_draft_with_a_french_date_is_a_message_not_a_traceback(tmp_path, run):
    data = minimal()
    data["contrat"]["date"] = "15/03/2024"
    root = write_territory(tmp_path / "t", data)
    result = run("build", root, "--brouillon", "--sortie", tmp_path / "build")
    assert result.exit_code == 1, result.text
    assert "le brouillon n'a pas pu être mis en page" in result.text
    assert "contrat.date" in result.text and "15/03/2024" in result.text
    assert not (tmp_path / "build" / "t").exists()  # nothing half-written


def test_a_draft_with_a_list_for_an_identifier_is_a_message_not_a_traceback(tmp_path, run):
    data = minimal()
    data["investissements"][0]["orientation"] = []
    data["financements"] = {
        "lignes": [
            {
                "annee": 2024,
                "financeur": "etat",
                "orientation": [],
                "type": "specifique",
                "montant": 1000,
            }
        ]
    }
    root = write_territory(tmp_path / "t", data)
    result = run("build", root, "--draft", "--sortie", tmp_path / "build")
    assert result.exit_code == 1, result.text
    assert "le brouillon n'a pas pu être mis en page" in result.text
    assert "orientation" in result.text and "pas une liste" in result.text


# --------------------------------------------------------------------------- file names


def test_a_file_name_that_is_not_utf8_is_an_error_naming_it(tmp_path, run):
    root = write_territory(tmp_path / "t")
    (root / "quartiers").mkdir()
    bad = root / "quartiers" / os.fsdecode(b"QN\xff.yaml")
    bad.write_text("qpv: QN06001M\n", encoding="utf-8")
    result = run("build", root, "--sortie", tmp_path / "build")
    assert result.exit_code == 1, result.text
    assert "nom de fichier illisible « QN\ufffd.yaml »" in result.text
    assert "renommez le fichier" in result.text
    assert not (tmp_path / "build" / "t").exists()
    # a draft is still produced, the bad file left aside and listed
    result = run("build", root, "--brouillon", "--sortie", tmp_path / "build")
    assert result.exit_code == 0, result.text
    assert (tmp_path / "build" / "t" / "contrat-de-ville.brouillon.docx").is_file()


# --------------------------------------------------------------------------- the output folder


@pytest.mark.parametrize("command", ["build", "pdf"])
def test_an_output_that_is_an_existing_file_is_refused_in_french(tmp_path, command):
    root = write_territory(tmp_path / "t")
    existing = tmp_path / "build"
    existing.write_text("pas un dossier\n", encoding="utf-8")
    done = cdv(command, root, "--sortie", existing)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "Directory" not in done.stderr
    assert f"erreur : valeur refusée pour --sortie : « {existing} » est un fichier" in done.stderr
    assert existing.read_text(encoding="utf-8") == "pas un dossier\n"
    done = cdv("templates", "check", "--modeles", existing)
    assert done.returncode == 2 and "est un fichier, pas un dossier" in done.stderr


def _refuse_writes_in(monkeypatch, folder: Path, code: int) -> None:
    """Every temporary file made in `folder` (how every write starts) fails with `code`."""
    import generator.documents.write as write

    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir).resolve().is_relative_to(folder.resolve()):
            raise OSError(code, os.strerror(code), str(dir))
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(write.tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize(
    ("code", "french"),
    [(errno.EACCES, "accès refusé"), (errno.ENOSPC, "plus de place sur le disque")],
)
def test_pdf_into_a_read_only_or_full_folder(tmp_path, monkeypatch, run, code, french):
    root = write_territory(tmp_path / "contracts" / "t")
    output, templates = tmp_path / "build", make_templates(tmp_path / "modeles")
    monkeypatch.setenv(SOFFICE_ENV, str(fake_soffice(tmp_path / "lo", "convert")))
    built = run("build", root, "--sortie", output, "--modeles", templates)
    assert built.exit_code == 0, built.text
    before = tree_hash(output)
    _refuse_writes_in(monkeypatch, output, code)
    result = run("pdf", root, "--sortie", output, "--modeles", templates)
    assert result.exit_code == 1, result.text
    assert f"impossible d'écrire dans {output / 't'} : {french}" in result.text
    assert os.strerror(code) not in result.text  # the system's English words
    assert "--sortie" in result.text and "--output" not in result.text
    assert tree_hash(output) == before  # no PDF, no temporary file left behind


def test_build_into_a_read_only_folder_from_scratch(tmp_path, monkeypatch, run):
    root = write_territory(tmp_path / "t")
    output = tmp_path / "build"
    output.mkdir()
    _refuse_writes_in(monkeypatch, output, errno.EROFS)
    result = run("build", root, "--sortie", output)
    assert result.exit_code == 1, result.text
    assert "support en lecture seule" in result.text
    assert list(output.rglob("*.docx")) == []


# --------------------------------------------------------------------------- cdv init


def test_init_under_an_unwritable_parent(tmp_path, monkeypatch, run):
    import generator.description.starter as starter

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path))

    monkeypatch.setattr(starter.tempfile, "mkdtemp", refused)
    result = run("init", tmp_path / "nouveau", "--epci", "CA du Test", "--qpv", "QN06001M")
    assert result.exit_code == 1, result.text
    assert "impossible d'écrire" in result.text and "accès refusé" in result.text
    assert "Permission denied" not in result.text
    assert not (tmp_path / "nouveau").exists()


def test_init_inside_another_territory_is_refused(tmp_path, run):
    root = write_territory(tmp_path / "contracts" / "minimal")
    before = tree_hash(root)
    for inside in (root / "quartiers", root / "quartiers" / "x", root / "engagements"):
        result = run("init", inside, "--epci", "CA du Test", "--qpv", "QN06001M")
        assert result.exit_code == 1, result.text
        assert "serait à l'intérieur du territoire" in result.text
        assert tree_hash(root) == before
    assert run("validate", root).exit_code == 0


def test_init_refuses_an_epci_name_cdv_would_reject(tmp_path, run):
    for name in ("CA\x07", "CA\u202edu Test", "CA\nCreil"):
        result = run("init", tmp_path / "t", "--epci", name, "--qpv", "QN06001M")
        assert result.exit_code == 1, result.text
        assert "nom de l'EPCI refusé" in result.text and "rien n'a été écrit" in result.text
        assert not (tmp_path / "t").exists()
    # what init accepts, cdv accepts
    result = run("init", tmp_path / "t", "--epci", "CA du Test", "--qpv", "QN06001M")
    assert result.exit_code == 0, result.text
    assert "erreur" not in run("validate", tmp_path / "t").text


# --------------------------------------------------------------------------- unreadable folders


@pytest.mark.parametrize("where", ["territory", "items"])
def test_an_unreadable_folder_is_a_french_message(tmp_path, monkeypatch, capfd, where):
    root = write_territory(tmp_path / "t", split=True)
    locked = root if where == "territory" else root / "quartiers"
    real = Path.iterdir

    def iterdir(self):
        if self.resolve() == locked.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    for command in ("validate", "build"):
        code, text = run_main(
            monkeypatch,
            capfd,
            command,
            root,
            *(("--sortie", tmp_path / "build") if command == "build" else ()),
        )
        assert code == 1, text
        assert "Traceback" not in text and "Permission denied" not in text
        assert "accès refusé (droits insuffisants)" in text and "vérifiez les droits" in text
        assert str(locked.name) in text
    assert not (tmp_path / "build").exists() or list((tmp_path / "build").rglob("*.docx")) == []


# --------------------------------------------------------------------------- Ctrl-C


def _interrupted(args):
    """What a worker does when Ctrl-C reaches it mid-build."""
    raise KeyboardInterrupt


def test_ctrl_c_with_parallel_builds_is_a_clean_interruption(tmp_path, monkeypatch, capfd):
    import generator.documents.build as build

    contracts = tmp_path / "contracts"
    for name in ("a", "b", "c"):
        write_territory(contracts / name)

    monkeypatch.setattr(build, "_build_one", _interrupted)  # workers are forked: they see it
    for option in ("--parallele", "--jobs"):
        code, text = run_main(
            monkeypatch, capfd, "build", contracts, "--sortie", tmp_path / "build", option, "2"
        )
        assert code == 130, text
        assert text.strip().endswith("Interrompu."), text
        assert "Traceback" not in text and "KeyboardInterrupt" not in text


def test_a_worker_ignores_ctrl_c_and_leaves_it_to_the_command():
    import signal

    from generator.documents.build import _ignore_interrupts

    previous = signal.getsignal(signal.SIGINT)
    try:
        _ignore_interrupts()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


# --------------------------------------------------------------------------- cdv produire .


def test_build_dot_inside_a_territory_uses_its_name(tmp_path):
    root = write_territory(tmp_path / "contracts" / "laon")
    output = tmp_path / "build"
    done = cdv("build", ".", "--sortie", output, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (output / "laon" / "contrat-de-ville.docx").is_file()
    assert sorted(p.name for p in output.iterdir()) == ["laon"]  # nothing in the root
    assert "laon" in done.stdout
