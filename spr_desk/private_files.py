"""Files that hold patient details are owner-only from their first byte."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO


def open_owner_only(path: str | Path) -> TextIO:
    """Open `path` to write text, created with mode 0600. An existing regular file is truncated
    and made owner-only too; a device such as /dev/stdout keeps its mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")


def data_folder() -> Path:
    """The desk's own data folder (e.g. ~/.local/share/spr-desk on Linux): its database and
    its exports."""
    from platformdirs import user_data_path

    return user_data_path("spr-desk", appauthor=False)
