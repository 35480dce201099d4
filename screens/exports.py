"""Where the desk's screens write files (exports in the desk's data folder), owner-only."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from spr_desk.private_files import data_folder, open_owner_only


def export_path(name: str) -> Path:
    """`<the desk's data folder>/exports/<name>`."""
    return data_folder() / "exports" / name


def open_private(path: Path) -> TextIO:
    """Open an export to write, owner-only, with its folder and the desk's data folder above it
    owner-only too if this makes them: the files hold patient details."""
    for folder in (path.parent.parent, path.parent):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return open_owner_only(path)
