"""The files of a backup and a restore: what a file is, private temporary files beside the
target, setting a database aside, moving a file into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from db.backup.errors import BackupError
from spr_desk.private_files import sync_to_disk

SQLITE_MAGIC = b"SQLite format 3\x00"


def _is_database_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def _is_sqlite(path: Path) -> bool:
    """The file starts as a SQLite database does. Asked before SQLite opens a file that may not
    be one: SQLite closing such a file deletes the -wal beside it, which might be all that is
    left of some work."""
    with path.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC


def _same_file(one: Path, database: Path) -> bool:
    """`one` is the database or one of its -wal, -shm or -journal files."""
    ends = ("", "-wal", "-shm", "-journal")
    for candidate in (database.with_name(database.name + end) for end in ends):
        if one.resolve() == candidate.resolve():
            return True
        with suppress(OSError):  # samefile needs both to exist
            if one.samefile(candidate):
                return True
    return False


def _has_log(path: Path) -> bool:
    log = path.with_name(path.name + "-wal")
    return log.is_file() and log.stat().st_size > 0


@contextmanager
def _private_temp(folder: Path, name: str) -> Iterator[Path]:
    """A hidden file in `folder`, owner-only (mode 0600) from its first byte; removed, with any
    journal SQLite left beside it, unless it was renamed into place."""
    descriptor, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    os.close(descriptor)
    temp = Path(path)
    try:
        yield temp
    finally:
        for leftover in (temp, *(Path(f"{temp}{end}") for end in ("-journal", "-wal", "-shm"))):
            with suppress(FileNotFoundError):
                leftover.unlink()


def _set_aside(database: Path, now: datetime) -> Path:
    """Move an unreadable database out of the way, with its -wal and -shm (a stale log must
    never meet the restored file), never deleting it: it may be the only copy of some work."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = database.with_name(f"{database.name}.unreadable-{stamp}")
    for end in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.replace(f"{database}{end}", f"{kept}{end}")
    return kept


def _move_into_place(part: Path, target: Path, *, replace: bool) -> None:
    """Rename atomically; without `replace`, never over a file that appeared meanwhile (a hard
    link fails if the name exists; where links are not supported, check then rename)."""
    if replace:
        os.replace(part, target)
    else:
        try:
            os.link(part, target)
        except FileExistsError:
            raise BackupError(f"{target} already exists: add --force to replace it") from None
        except OSError:
            if target.exists():
                raise BackupError(f"{target} already exists: add --force to replace it") from None
            os.replace(part, target)
        else:
            part.unlink()
    with suppress(OSError):  # the rename itself must survive a power cut too
        sync_to_disk(target.parent)
