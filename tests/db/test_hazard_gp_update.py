"""A GP update owed, for the hazard log (H023), on every backend: a referral closed without the
GP told (the box left unticked, or answered no) has its update drafted and is named "GP update
owed" in the next handover pack's needs-action summary, in the supervisor's "GP updates
outstanding" and in the desk's owed list, until the practice acknowledges the update; one closed
with the GP told (another way) is named in none."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select
from tests_support import crew_call

from db.desk import DeskService
from db.models import GpUpdate, Patient, Referral
from spr_desk.desk_api import DeskError
from spr_desk.gp_update.mesh_config import MeshConfig
from spr_desk.handover import needs_action
from spr_desk.vocabulary import CloseOutcome, GpUpdateState, Status


def closed(desk: DeskService, family: str, minutes_ago: int, gp_updated: bool | None) -> str:
    """A referral received `minutes_ago`, seen, and closed now with the GP told or not."""
    reference = desk.record_referral(
        crew_call(desk, "Pat", family, minutes_ago=minutes_ago), by="handler"
    ).reference
    desk.move(reference, Status.ALLOCATED, by="handler", team="ACHT Aylesbury")
    desk.move(reference, Status.RESPONDED, by="nurse")
    desk.move(
        reference,
        Status.CLOSED,
        by="nurse",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        gp_updated=gp_updated,
    )
    return reference


def later(desk: DeskService, moment: datetime) -> DeskService:
    return DeskService(desk.engine, clock=lambda: moment, rules=desk.rules)


def test_a_referral_closed_without_the_gp_told_is_owed_in_the_pack_and_the_review(
    desk: DeskService,
) -> None:
    told = closed(desk, "Told", 30, gp_updated=True)
    said_no = closed(desk, "Saidno", 20, gp_updated=False)
    never_ticked = closed(desk, "Unticked", 10, gp_updated=None)
    owed = (said_no, never_ticked)
    assert desk.summary(never_ticked).gp_updated is False  # unanswered is not told

    stored = desk.handover_pack(desk.build_handover(by="handler"))
    assert stored.gp_update_owed == owed
    assert stored.watch_ends is not None
    summary = needs_action(stored.pack, desk.now(), stored.watch_ends, stored.gp_update_owed)
    assert ("GP update owed", owed) in summary.lines
    assert told not in summary.gp_update_owed

    assert desk.review().gp_updates_outstanding == owed


def test_an_update_owed_leaves_the_pack_after_a_day_but_stays_in_the_review(
    desk: DeskService,
) -> None:
    """The pack names those closed in the 24 hours before its boundary (the two watches
    before); the supervisor's figure keeps every one received in the last 7 days."""
    owed = closed(desk, "Saidno", 10, gp_updated=False)
    two_days_on = later(desk, desk.now() + timedelta(days=2))
    stored = two_days_on.handover_pack(two_days_on.build_handover(by="handler"))
    assert stored.gp_update_owed == ()
    assert two_days_on.review().gp_updates_outstanding == (owed,)


def test_an_update_owed_until_the_practice_acknowledges_it(desk: DeskService) -> None:
    """Sent is not told: the update is owed while drafted, refused, queued and sent, and leaves
    the pack, the review and the owed list only when the practice acknowledges it over MESH."""
    told = closed(desk, "Told", 30, gp_updated=True)
    owed = closed(desk, "Unticked", 10, gp_updated=None)
    assert desk.gp_update(told) is None
    update = desk.gp_update(owed)
    assert update is not None and update.state is GpUpdateState.DRAFTED
    desk.mesh_config = MeshConfig(
        path="mesh.toml",
        url="http://127.0.0.1:1",
        mailbox="X26ABC1",
        password="password",
        shared_key="key",
        practices={"vale surgery": "X26ABC2"},
    )
    with pytest.raises(DeskError, match="no GP practice on the record"):
        desk.send_gp_update(update.id, by="nurse")  # the crew gave no practice: still owed
    desk.gp_update_acknowledged(update.id, desk.now())  # a drafted one cannot be
    assert [o.reference for o in desk.gp_updates_owed()] == [owed]

    with desk._write() as session:  # the practice added to the patient's record
        row = session.exec(select(Referral).where(Referral.reference == owed)).one()
        session.get_one(Patient, row.patient_id).gp_practice = "Vale Surgery"
    update = desk.draft_gp_update(owed, by="nurse")  # the same draft
    with desk._write() as session:
        session.get_one(GpUpdate, update.id).practice = "Vale Surgery"
    desk.send_gp_update(update.id, by="nurse")
    [handed] = desk.gp_updates_to_send()
    desk.gp_update_sent(handed.id, "MESSAGE-1")
    assert [o.reference for o in desk.gp_updates_owed()] == [owed]  # sent, not yet told

    desk.gp_update_acknowledged(update.id, desk.now())  # the practice acknowledges it
    stored = desk.handover_pack(desk.build_handover(by="handler"))
    assert stored.gp_update_owed == ()
    assert desk.review().gp_updates_outstanding == ()
    assert desk.gp_updates_owed() == []
