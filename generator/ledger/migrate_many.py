"""Migrating many territories at once (`cdv migrer contracts/`), several at a time.

Each territory is migrated by `migrate.migrate_territory`, which is atomic on its own (a
territory is converted entirely or left as it was); here they are shared among worker
processes. Ctrl-C stops the pool cleanly: no new territory is started, those under way finish
(or are put back) and the caller says what happened.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.ledger.migrate import MigrationError, MigrationReport, migrate_territory

PARALLEL_FROM = 4  # fewer territories than this: not worth starting processes


def migrate_territories(
    roots: list[Path], jobs: int | None = None
) -> list[MigrationReport | MigrationError]:
    """One result per root, in order: its report, or the error that left it unchanged."""
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(roots) < PARALLEL_FROM:
        return [_migrate_one(root) for root in roots]
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        return list(pool.map(_migrate_one, roots, chunksize=1))
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def _migrate_one(root: Path) -> MigrationReport | MigrationError:
    try:
        return migrate_territory(root)
    except MigrationError as exc:
        return exc


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
