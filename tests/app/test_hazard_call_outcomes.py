"""Calls whose outcome is not the cell their needs ask for, taken on the call screen: the hazard
log's controls H004 (a person under 18 is redirected, not taken into the adult service) and H005
(a Rapid call nobody can go to is escalated, keeping Rapid and its due time) in
safety/hazards.toml. The night fallback, which says why and names the follow-up, is
tests/app/test_triage.py's."""

from __future__ import annotations

from datetime import timedelta

from call_script import ETHEL, record, start_call, take_call
from sqlmodel import Session, select
from textual.widgets import Static

from db.desk import DeskService
from db.models import Referral
from spr_desk.entrypoints.bootstrap import build_app
from spr_desk.vocabulary import Lead, Outcome, Response

SIZE = (120, 40)
HEADER = "team,name,role,date,start,end,capacity,band"
LAST_MINUTES = "ACHT Aylesbury,Jo Bloggs,nurse,23/11/2026,08:00,11:20,5,Band 6"
"""The one shift on the rota: a nurse with 20 minutes left at the desk's 11:00 (GMT), too
little for any visit (an hour on shift within the response's window)."""


def panel(pilot) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The recommendation panel's headline and reasons, as the handler reads them."""
    screen = pilot.app.screen
    outcome = str(screen.query_one("#panel-outcome", Static).render())
    reasons = str(screen.query_one("#panel-reasons", Static).render())
    return outcome, reasons


def stored(desk: DeskService, reference: str) -> Referral:
    with Session(desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).one()
        session.expunge(row)
        return row


async def test_a_call_for_a_16_year_old_is_redirected_and_recorded_with_no_cell(
    sqlite_desk: DeskService,
) -> None:
    """Ethel's call, but the person is 16 on the day of the call (the desk's day is 23
    November 2026): the screen says redirect, children's services, and no cell is recorded."""
    born = (sqlite_desk.now() - timedelta(days=16 * 365 + 30)).date()
    child = {**ETHEL, "date_of_birth": f"{born:%d/%m/%Y}"}
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=SIZE) as pilot:
        call = await start_call(pilot)
        await take_call(pilot, child)
        assert call.recommendation is not None
        assert call.recommendation.outcome is Outcome.REDIRECT
        assert call.recommendation.cell is None
        outcome, reasons = panel(pilot)
        assert outcome.startswith("REDIRECT")
        assert "children" in reasons
        reference = await record(pilot)
    row = stored(sqlite_desk, reference)
    assert (row.status, row.rec_outcome) == ("redirected", "redirect")
    assert (row.response, row.lead, row.due_at) == (None, None, None)
    assert row.facts["age"] == 16
    assert any("children" in reason for reason in row.rec_reasons)
    assert sqlite_desk.summary(reference).status == "redirected"


async def test_a_rapid_call_nobody_can_go_to_says_escalate_and_keeps_rapid_and_its_due_time(
    sqlite_desk: DeskService,
) -> None:
    """On the rota, only a nurse in her last 20 minutes: Ethel's Rapid call is escalated, not
    moved to a slower row nor given a lead who cannot go."""
    imported = sqlite_desk.import_rota("\n".join((HEADER, LAST_MINUTES)), by="sup1")
    assert imported.shifts_added == 1
    app = build_app(sqlite_desk, user="handler1")
    async with app.run_test(size=SIZE) as pilot:
        call = await start_call(pilot)
        await take_call(pilot, ETHEL)
        assert not any(call.availability.can(Response.RAPID, lead) for lead in Lead)
        assert call.recommendation is not None
        assert call.recommendation.outcome is Outcome.ESCALATE
        assert call.recommendation.response is Response.RAPID
        outcome, reasons = panel(pilot)
        assert outcome.startswith("ESCALATE: Rapid, no lead can go")
        assert "escalate" in reasons
        reference = await record(pilot)
    row = stored(sqlite_desk, reference)
    assert (row.status, row.rec_outcome, row.response, row.lead) == (
        "recorded",
        "escalate",
        "rapid",
        None,
    )
    assert row.due_at == row.received_at + timedelta(hours=3)
