"""Issue 17: two builds started at once into one output folder.

Two descriptions of the same territory (two copies of one folder, two versions) built at the
same moment into the same output folder used to read the manifest before the other wrote it,
and took each other's documents for hand edits (`….nouveau.docx`, « protégé »). The builds of
one folder now take turns: the second finds the first's documents in the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from generator.documents.folder_lock import folder_lock, lock_path

ROOT = Path(__file__).resolve().parent.parent


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy(tmp_path: Path, side: str, version: str) -> Path:
    root = tmp_path / side / "arras"
    shutil.copytree(ROOT / "contracts" / "arras", root)
    contrat = root / "contrat.yaml"
    text = contrat.read_text("utf-8")
    assert 'version: "0.5"' in text
    contrat.write_text(text.replace('version: "0.5"', f'version: "{version}"', 1), "utf-8")
    return root


def test_two_builds_at_once_into_one_folder_do_not_protect_each_other(tmp_path):
    first, second = _copy(tmp_path, "a", "0.6"), _copy(tmp_path, "b", "0.7")
    output = tmp_path / "build"
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir()
    command = [sys.executable, "-m", "generator", "build"]
    runs = [
        subprocess.Popen(
            [*command, str(root), "--sortie", str(output)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for root in (first, second)
    ]
    results = [(run.communicate(timeout=240)[0], run.returncode) for run in runs]
    for text, code in results:
        assert code == 0, text
        assert "protégé" not in text and "modifié à la main" not in text, text
    folder = output / "arras"
    assert not list(folder.glob("*.nouveau.*")) and not list(folder.glob("*.sauvegarde*"))
    manifest = json.loads((folder / "manifeste.json").read_text("utf-8"))
    documents = manifest["documents"]
    assert len(documents) == 4
    for name, entry in documents.items():
        assert not entry.get("protege"), name
        assert entry["sha256"] == _sha(folder / name), name  # the manifest knows the bytes
    # whichever came last, its documents are all there: one version, not a mix of both
    from docx import Document

    headers = {
        p.text
        for name in documents
        for section in Document(str(folder / name)).sections
        for p in section.header.paragraphs
        if "version" in p.text
    }
    versions = {v for v in ("0.6", "0.7") if any(f"version {v}" in h for h in headers)}
    assert len(versions) == 1, headers


def test_the_lock_of_a_folder_is_outside_it_and_excludes_a_second_holder(tmp_path):
    folder = tmp_path / "build" / "arras"
    path = lock_path(folder)
    assert tmp_path / "build" not in path.parents
    assert lock_path(tmp_path / "build" / "." / "arras") == path
    script = (
        "import sys; from pathlib import Path; "
        "from generator.documents.folder_lock import folder_lock; "
        "sys.stdout.write('attend\\n'); sys.stdout.flush(); "
        f"cm = folder_lock(Path({str(folder)!r})); cm.__enter__(); print('tenu')"
    )
    with folder_lock(folder):
        waiting = subprocess.Popen(
            [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert waiting.stdout.readline() == "attend\n"
        try:
            waiting.wait(timeout=1.5)
            raise AssertionError("the second holder did not wait")
        except subprocess.TimeoutExpired:
            pass
    assert waiting.communicate(timeout=30)[0] == "tenu\n"
    assert not folder.exists()  # nothing written into the output folder
