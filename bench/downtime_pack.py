"""Downtime benchmark: the downtime pack for 500 open referrals (goal: under 5 s), and the drill.

On the handover benchmark's database (100,000 closed referrals, 500 open), median of `--runs`:

- **build**: `DeskService.build_downtime_pack` with 20 sheets: reserve their references, read the
  open queue, the rota and the card in one transaction, with its audit event; floor: a raw
  `sqlite3` SELECT of the open referrals with the same joins;
- **print**: `render_pack`, the PDF; floor: fpdf2 drawing the same cells' text with one `text()`
  call each on as many pages (no layout, no wrapping), so the figure is our layout's cost;
- **the drill** (`spr-desk downtime drill` with the packaged sheets): its own figures, one run.

Prints figures; asserts nothing. Run: python -m bench.downtime_pack [--cache DIR] [--runs 5]
"""

from __future__ import annotations

import argparse
import getpass
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.handover_pack import database
from bench.stats import median_seconds
from db.desk import DeskService
from db.engine import make_engine
from spr_desk.downtime.pack import DowntimePack

OPEN = 500
CLOSED = 100_000
SHEETS = 20
GOAL_PACK_MS = 5000.0

RAW_OPEN = """
SELECT r.reference, r.received_at, r.due_at, r.status, r.response, r.lead, p.given_name,
       p.family_name, p.nhs_number, p.date_of_birth, p.address, p.postcode, p.next_of_kin,
       f.name, f.organisation, f.phone, l.name, t.name, s.name
FROM referral r
LEFT JOIN patient p ON p.id = r.patient_id
LEFT JOIN referrer f ON f.id = r.referrer_id
LEFT JOIN locality l ON l.id = r.locality_id
LEFT JOIN team t ON t.id = r.allocated_team_id
LEFT JOIN staff_member s ON s.id = r.allocated_staff_id
WHERE r.queue_band IS NOT NULL
ORDER BY r.due_at IS NULL, r.due_at, r.id
"""


def _floor_pdf(pack: DowntimePack, pages: int) -> bytes:
    """The pack's referral text, one `text()` per cell, on `pages` pages: fpdf2's own cost."""
    import fpdf

    document = fpdf.FPDF(orientation="landscape")
    document.set_font("helvetica", size=7)
    cells = [
        (r.reference, r.status, r.patient_name, r.nhs_number, r.locality, r.caller, r.holder)
        for r in pack.referrals
    ]
    per_page = max(1, -(-len(cells) // pages))
    for start in range(0, len(cells), per_page):
        document.add_page()
        for row, values in enumerate(cells[start : start + per_page]):
            for column, value in enumerate(values):
                text = value.encode("latin-1", "replace").decode("latin-1")
                document.text(10 + column * 38, 15 + (row % 40) * 4.5, text[:30])
    return bytes(document.output())


def measure(path: Path, runs: int) -> dict[str, Any]:
    """The figures, on a copy of `path` (the pack reserves references; the drill records)."""
    import sqlite3

    from spr_desk.downtime.pack_pdf import render_pack
    from spr_desk.downtime.sheets_file import parse_sheets
    from spr_desk.entrypoints.drill import DRILL_SHEETS, run_drill_on

    with tempfile.TemporaryDirectory(prefix="spr-downtime-") as scratch:
        copy = Path(scratch) / "desk.db"
        shutil.copyfile(path, copy)
        engine = make_engine(f"sqlite:///{copy}")
        desk = DeskService(engine)
        connection = sqlite3.connect(copy)
        try:
            pack = desk.build_downtime_pack(by="bench", sheets=SHEETS)
            pdf = render_pack(pack)
            pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")
            render_pack(pack), _floor_pdf(pack, pages), connection.execute(RAW_OPEN).fetchall()
            figures: dict[str, Any] = {
                "open": len(pack.referrals),
                "pages": pages,
                "raw SQL": median_seconds(lambda: connection.execute(RAW_OPEN).fetchall(), runs),
                "build": median_seconds(
                    lambda: desk.build_downtime_pack(by="bench", sheets=SHEETS), runs
                ),
                "print": median_seconds(lambda: render_pack(pack), runs),
                "fpdf2 floor": median_seconds(lambda: _floor_pdf(pack, pages), runs),
            }
            started = time.perf_counter()
            sheets = parse_sheets(DRILL_SHEETS.read_text(encoding="utf-8"), now=desk.now())
            figures["drill"] = run_drill_on(desk, sheets, by=getpass.getuser())
            figures["drill total"] = time.perf_counter() - started
        finally:
            connection.close()
            engine.dispose()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="keep the built database here for re-runs")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spr-downtime-db-") as scratch:
        folder = args.cache or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        figures = measure(database(folder, CLOSED, OPEN), args.runs)
    print(f"downtime pack of {figures['open']} open ({CLOSED:,} closed), {figures['pages']} pages")
    for name in ("raw SQL", "build", "print", "fpdf2 floor"):
        print(f"  {name:<14}{figures[name] * 1e3:9.1f} ms")
    print(f"  drill: {figures['drill']}")


if __name__ == "__main__":
    main()
