"""One writer at a time per output folder.

Two builds (or a build and `cdv pdf`) started at once into the same territory folder would
each read the manifest before the other wrote it, and take the other's documents for hand
edits. `folder_lock(folder)` makes the second wait until the first has written its manifest.
The lock is a file of the temporary folder named after the output folder's resolved path
(nothing is added to the output folder); the operating system releases it when the process
ends, even killed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

LOCK_FOLDER = "cdv-verrous"


def lock_path(folder: Path) -> Path:
    key = os.path.normcase(str(Path(folder).resolve()))
    name = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return Path(tempfile.gettempdir()) / LOCK_FOLDER / f"{name}.lock"


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of an output folder (waits while another process holds it)."""
    path = lock_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd)
        try:
            yield
        finally:
            _release(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _acquire(fd: int) -> None:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for about 10 s, then raises
                return
            except OSError:
                time.sleep(0.1)

    def _release(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _acquire(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
