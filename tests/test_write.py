"""Atomic, deterministic writes."""

from __future__ import annotations


def test_atomic_write_gives_ordinary_permissions(tmp_path):
    import os
    import stat

    from generator.documents.write import atomic_write

    target = tmp_path / "document.docx"
    atomic_write(target, b"contenu")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert target.read_bytes() == b"contenu"
    assert [p.name for p in tmp_path.iterdir()] == ["document.docx"]
