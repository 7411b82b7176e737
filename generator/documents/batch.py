"""What `cdv produire` and `cdv bilan` share to build many territories: the problem counts of a
result, the hash of input files, and the loop that settles the up-to-date territories at once
and builds the others, here or in worker processes (Ctrl-C stops the pool cleanly)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["ProblemCounts", "hash_files", "run_territories"]


class ProblemCounts:
    """`errors` and `warnings` of a result holding `problems`."""

    problems: list

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if not p.is_error)


def hash_files(digest, root: Path, files: Iterable[Path]) -> None:
    """Feed each file's path (relative to `root`, the same on every machine) and bytes."""
    import os

    for path in files:
        digest.update(os.fsencode(path.relative_to(root).as_posix()) + b"\0")
        digest.update(path.read_bytes() + b"\0")


def run_territories(
    roots: list[Path],
    *,
    settled: Callable[[Path], object | None],
    build: Callable[[Path], object],
    worker: Callable[[tuple], object],
    worker_args: Callable[[Path], tuple],
    jobs: int = 1,
    on_result=None,
) -> list:
    """Results in the order of `roots`: `settled(root)` (up to date) when it says so, else
    `build(root)` here, or `worker(worker_args(root))` in `jobs` processes (picklable)."""
    results: dict[Path, object] = {}
    pending = []
    for root in roots:
        result = settled(root)
        if result is None:
            pending.append(root)
            continue
        results[root] = result
        if on_result:
            on_result(result)
    if jobs <= 1 or len(pending) <= 1:
        for root in pending:
            results[root] = build(root)
            if on_result:
                on_result(results[root])
    else:
        from concurrent.futures import ProcessPoolExecutor

        args = [worker_args(root) for root in pending]
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
        try:
            for root, result in zip(pending, pool.map(worker, args, chunksize=1), strict=True):
                results[root] = result
                if on_result:
                    on_result(result)
        except KeyboardInterrupt:
            # Ctrl-C: no new territory is started; those under way finish their (atomic)
            # writes, then the command says « Interrompu. » — no worker prints a traceback
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    return [results[root] for root in roots]


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the pool cleanly)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def document_properties(
    *,
    title: str,
    author: str,
    subject: str,
    keywords: str,
    templates,
    template_file: str,
    digest: str,
    origin: str | None = None,
    **custom: str,
) -> dict[str, dict[str, str]]:
    """The core and custom properties of a produced document (`deterministic_docx`'s `core`
    and `custom`): its title and author, the template set and file it came from, the toolkit
    version and the hash of the inputs, then what the caller adds (`cdv_…` names)."""
    from generator import __version__

    return {
        "core": {
            "title": f"{title} — {author}",
            "subject": subject,
            "author": author,
            "keywords": keywords,
            "language": "fr-FR",
        },
        "custom": {
            "cdv_modele": templates.name,
            "cdv_modele_version": templates.version,
            "cdv_modele_fichier": template_file,
            **({"cdv_modele_origine": origin} if origin is not None else {}),
            "cdv_outil_version": __version__,
            "cdv_empreinte_entrees": digest,
            **custom,
        },
    }


def write_failure(exc: OSError, folder: Path, opened_in: str = "Word") -> str:
    """Why a territory's documents could not be written, and what to do (French)."""
    from generator.description.file_text import os_reason

    return (
        f"impossible d'écrire {exc.filename or folder} : {os_reason(exc)} (document ouvert dans "
        f"{opened_in}, disque plein ou dossier protégé ?) ; fermez le document ou choisissez un "
        "autre dossier avec --sortie, puis relancez"
    )
