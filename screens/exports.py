"""Where the desk's screens write files (exports in the desk's data folder), owner-only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from platformdirs import user_data_path


def export_path(name: str) -> Path:
    """`<the desk's data folder>/exports/<name>`."""
    return user_data_path("spr-desk", appauthor=False) / "exports" / name


def open_private(path: Path) -> TextIO:
    """Open `path` to write, owner-only from the first byte, with its folder and the desk's data
    folder above it owner-only too if this makes them: the files hold patient details."""
    for folder in (path.parent.parent, path.parent):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode on open: set it
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="")
