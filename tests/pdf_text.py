"""Read a PDF the way a person would see it, with Debian's poppler tools (poppler-utils).

`pdf_text` is `pdftotext -layout`; `pdf_pages_png` renders every page with `pdftoppm` and
checks it made one PNG per page `pdfinfo` counts. Shared by the pack's tests and the CLI's.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

PDFTOTEXT = "/usr/bin/pdftotext"
PDFTOPPM = "/usr/bin/pdftoppm"
PDFINFO = "/usr/bin/pdfinfo"


def _run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


def pdf_text(path: Path, *, layout: bool = True) -> str:
    """The text of every page (pages separated by form feeds): laid out as printed, or with
    `layout=False` in the order it was drawn, so the lines of one table cell stay together."""
    mode = "-layout" if layout else "-raw"
    return _run(PDFTOTEXT, mode, "-enc", "UTF-8", str(path), "-")


def pdf_page_count(path: Path) -> int:
    """The page count `pdfinfo` reads from the file."""
    for line in _run(PDFINFO, str(path)).splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    raise AssertionError(f"pdfinfo gave no page count for {path}")


def pdf_pages_png(path: Path, out_dir: Path, resolution: int = 30) -> list[Path]:
    """Every page rendered to `out_dir/page-N.png`, in page order (pdftoppm must succeed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _run(PDFTOPPM, "-r", str(resolution), "-png", str(path), str(out_dir / "page"))
    return sorted(out_dir.glob("page-*.png"), key=lambda png: int(png.stem.rsplit("-", 1)[1]))
