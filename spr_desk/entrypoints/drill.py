"""`spr-desk downtime drill`: time the pack for the open queue, re-enter a set of sheets in a
scratch desk, and reconcile. The live desk gains only the drill's record (its sheets are
released at once); the sheets are entered in a temporary SQLite desk whose clock is set, so
the entry comes six hours after the times written, as after a long outage."""

from __future__ import annotations

import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.desk import DeskService
    from spr_desk.downtime.sheets_file import TypedSheet

DRILL_SHEETS = Path(__file__).resolve().parent.parent / "downtime" / "drill_sheets.json"
"""The packaged sheets: six fictional calls (test NHS numbers), one advised 999."""
ENTERED_LATE = timedelta(hours=6)
"""How long after the last written time the scratch desk enters the sheets."""
_PAGE = re.compile(rb"/Type\s*/Page(?![a-z])")


def _seconds(since: float) -> float:
    return round(time.perf_counter() - since, 3)


def run_drill_on(desk: DeskService, sheets: list[TypedSheet], *, by: str) -> dict[str, Any]:
    """The drill's figures (also recorded on `desk`): times in seconds, counts, and whether
    everything reconciled."""
    from db.desk import DeskService
    from db.opening import open_engine
    from spr_desk.downtime.pack_pdf import render_pack
    from spr_desk.downtime.reconcile import reconcile
    from spr_desk.entrypoints.sheet_entry import enter_sheet

    started = time.perf_counter()
    pack = desk.build_downtime_pack(by=by, sheets=len(sheets))
    built = _seconds(started)
    started = time.perf_counter()
    pdf = render_pack(pack)
    rendered = _seconds(started)
    desk.release_sheets(pack.sheets, by=by)  # the live desk's drill sheets are never written on

    first = min(sheet.received_at for sheet in sheets)
    last = max(sheet.received_at for sheet in sheets)
    moment = [first - timedelta(minutes=1)]
    with tempfile.TemporaryDirectory(prefix="spr-desk-drill-") as folder:
        engine = open_engine(f"sqlite:///{folder}/drill.db", purpose="desk")
        try:
            scratch = DeskService(
                engine, clock=lambda: moment[0], rules=desk.rules, hours=desk.hours
            )
            scratch.ensure_reference_data()
            spare = 2
            printed = scratch.build_downtime_pack(by=by, sheets=len(sheets) + spare)
            moment[0] = last + ENTERED_LATE
            started = time.perf_counter()
            for sheet, reference in zip(sheets, printed.sheets, strict=False):
                enter_sheet(scratch, sheet, reference, by=by)
            entered = _seconds(started)
            started = time.perf_counter()
            released = scratch.release_sheets([], by=by)
            result = reconcile(
                scratch.reserved_sheets(), scratch.paper_calls(), desk.rules.due_hours
            )
            reconciled = _seconds(started)
        finally:
            engine.dispose()
    figures: dict[str, Any] = {
        "open_referrals": len(pack.referrals),
        "pack_build_seconds": built,
        "pack_render_seconds": rendered,
        "pack_pages": len(_PAGE.findall(pdf)),
        "sheets_entered": result.used,
        "entry_seconds": entered,
        "seconds_per_sheet": round(entered / max(result.used, 1), 4),
        "unused_released": len(released),
        "still_reserved": len(result.reserved),
        "due_not_from_paper_time": len(result.due_wrong),
        "breached_on_paper": len(result.breached_on_paper),
        "reconcile_seconds": reconciled,
        "reconciled": result.complete and result.used == len(sheets),
    }
    desk.record_drill(figures, by=by)
    return figures
