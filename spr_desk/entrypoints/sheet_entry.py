"""One paper sheet entered at the desk, and the line that says how it went: shared by
`spr-desk downtime enter` and the drill."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.desk import DeskService
    from spr_desk.downtime.sheets_file import TypedSheet


def enter_sheet(desk: DeskService, sheet: TypedSheet, reference: str, *, by: str) -> str:
    """Enter one sheet; the line that says what was entered (the due time, a breach on paper).

    Raises:
        Refused: the desk refused it (the message names why).
    """
    from spr_desk.downtime.paper import PaperEntry, breached_on_paper
    from spr_desk.milestones import given_time_text
    from spr_desk.referral import NewReferral

    paper = PaperEntry(reference=reference, taken_by=sheet.taken_by)
    if isinstance(sheet.call, NewReferral):
        recorded = desk.record_referral(
            sheet.call, by=by, availability=sheet.availability, paper=paper
        )
    else:
        recorded = desk.record_redirect(sheet.call, by=by, paper=paper)
    said = f"{recorded.reference}: received {given_time_text(sheet.received_at)} (as written)"
    if recorded.due_at is None:
        return f"{said}, {recorded.status.value}"
    said += f", due {given_time_text(recorded.due_at)}"
    if breached_on_paper(recorded.due_at, desk.now(), None):
        said += " - BREACHED ON PAPER (its due time passed before it was entered)"
    return said
