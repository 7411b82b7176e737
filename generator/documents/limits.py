"""Bounds on what a template may cost: rendering time, size of what it computes and writes,
decompressed size of its package (zip bomb).

A template is a maintainer's file, but a territory may bring its own (`modeles/`): a tag such as
`{{ 'x' * 10**10 }}`, nested loops or a 3 GiB zip bomb must give a located French error in
seconds, not a MemoryError after a minute. The sandbox (jinja2's ImmutableSandboxedEnvironment)
already refuses ranges over 100 000 items; `generator.documents.render` applies the rest.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

MAX_RENDER_SECONDS = 20.0  # a whole contract renders in well under a second
MAX_OUTPUT_CHARS = 50_000_000  # XML written by one part of a document
MAX_VALUE_ITEMS = 1_000_000  # a text or a list computed inside a tag
MAX_INTEGER_BITS = 4_096  # `10**10**10`
MAX_PACKAGE_BYTES = 256 * 1024 * 1024  # a template's parts once decompressed, all together
MAX_PART_BYTES = 64 * 1024 * 1024  # one part once decompressed (document.xml...)
MAX_ENTRIES = 10_000


class TemplateLimitError(Exception):
    """A template exceeds a bound; the message is French and says which and how to fix it."""


class RenderTimeout(BaseException):
    """Raised inside the rendering thread when the time is up (a BaseException, so that no
    `except Exception` of a library swallows it)."""


def check_package(source: Path | bytes, name: str) -> None:
    """Refuse a .docx whose parts would decompress beyond the bounds, before anything reads it.

    Python's zipfile never inflates an entry past the size its central directory declares, so
    checking the declared sizes is enough.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        with zipfile.ZipFile(stream) as package:
            infos = package.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return  # not a zip: the reader says so in its own words
    if len(infos) > MAX_ENTRIES:
        raise TemplateLimitError(
            f"modèle {name} : {len(infos)} éléments dans le fichier (au plus {MAX_ENTRIES}) ; "
            "ce n'est pas un document Word ordinaire"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_PACKAGE_BYTES:
            raise TemplateLimitError(
                f"modèle {name} : une fois décompressé, le fichier dépasserait "
                f"{MAX_PACKAGE_BYTES // 1024 // 1024} Mo (« {info.filename} » fait "
                f"{info.file_size / 1024 / 1024:.0f} Mo) : ce n'est pas un document Word "
                "ordinaire (archive piégée ?) ; enregistrez le modèle à nouveau depuis Word"
            )


@contextmanager
def time_limit(seconds: float | None = None):
    """Interrupt the code of the `with` block (running in this thread) after `seconds`."""
    seconds = MAX_RENDER_SECONDS if seconds is None else seconds
    target = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    finished = threading.Event()
    fired = []

    def watch() -> None:
        if finished.wait(seconds):
            return
        with lock:
            if not finished.is_set():
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(RenderTimeout))
                fired.append(True)

    watcher = threading.Thread(target=watch, name="cdv-limite-rendu", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        with lock:
            finished.set()
            if fired:  # delivered late, or not yet: never outside the block
                ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)
        watcher.join()


def too_long(what: str) -> TemplateLimitError:
    return TemplateLimitError(
        f"{what} dépasserait {MAX_VALUE_ITEMS:,} caractères ou éléments".replace(",", " ")
        + " : une balise ne construit pas de si grandes valeurs ; vérifiez les nombres de la "
        "balise (une multiplication, une répétition ?)"
    )


def check_binop(operator: str, left, right) -> None:
    """Refuse `'x' * 10**10`, `[0] * 10**9`, `10 ** 10 ** 10`, `'%99999999s' % x`."""
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                if len(sequence) * max(count, 0) > MAX_VALUE_ITEMS:
                    raise too_long("la répétition")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if right * abs(left).bit_length() > MAX_INTEGER_BITS:
                raise TemplateLimitError(
                    f"la puissance {left} ** {right} donnerait un nombre immense : une balise "
                    "n'en calcule pas de pareils ; vérifiez la balise"
                )
    elif operator == "%" and isinstance(left, str):
        check_format_string(left)


_WIDTH = re.compile(r"\d{7,}")


def check_format_string(text: str) -> None:
    """`'{:>9999999999}'.format(x)` and `'%9999999999s' % x` would build enormous texts."""
    if _WIDTH.search(text):
        raise too_long("la mise en forme")


def check_arguments(args, kwargs) -> None:
    """`'x'.center(10**10)`, `'x'|indent(10**10)`: no argument asks for an enormous result."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_VALUE_ITEMS:
            raise too_long(f"la valeur demandée ({value})")


def check_result(value) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_OUTPUT_CHARS:
        raise too_long("le résultat")
