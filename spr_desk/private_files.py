"""Files that hold patient details are owner-only from their first byte."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def open_owner_only(path: str | Path) -> TextIO:
    """Open `path` to write text, created with mode 0600. An existing regular file is truncated
    and made owner-only too; a device such as /dev/stdout keeps its mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


@contextlib.contextmanager
def written_whole(path: str | Path) -> Iterator[TextIO]:
    """Write `path` owner-only, whole or not at all: the text goes to a temporary owner-only file
    in the same folder, synced and renamed over `path` only once all of it is written. On any
    failure (a full disk) the temporary file is removed and `path` is as it was, so no partial
    file looks complete. A device or a link (/dev/stdout) is written in place."""
    target = Path(path)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        with open_owner_only(target) as handle:
            yield handle
        return
    with (
        _replaced_whole(target) as descriptor,
        os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle,
    ):
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def write_bytes_whole(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` owner-only and whole, as `written_whole` writes text (a PDF)."""
    with _replaced_whole(Path(path)) as descriptor, os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _replaced_whole(target: Path) -> Iterator[int]:
    """An owner-only temporary file beside `target` (its descriptor), renamed over `target`
    when the block ends cleanly, removed on any failure; the rename synced to disk."""
    descriptor, temporary = tempfile.mkstemp(  # mode 0600
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        yield descriptor
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    sync_to_disk(target.parent)  # so the rename itself survives a power cut


def sync_to_disk(path: str | Path) -> None:
    """fsync a file already closed, or a folder (so a rename in it survives a power cut)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def data_folder() -> Path:
    """The desk's own data folder (e.g. ~/.local/share/spr-desk on Linux): its database and
    its exports."""
    from platformdirs import user_data_path

    return user_data_path("spr-desk", appauthor=False)
