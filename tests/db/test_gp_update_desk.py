"""The GP update at the desk, on every backend: drafted at the close, edited, queued for the
practice's MESH mailbox, handed to one sender at a time, tracked to acknowledged; owed until
then, and overdue from its due time (not a minute before)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from tests_support import crew_call, sqlite_plans

from db.desk import DeskService
from spr_desk.desk_api import DeskError
from spr_desk.gp_update.mesh_config import MeshConfig
from spr_desk.vocabulary import CloseOutcome, GpUpdateState, Status

PRACTICE = "Vale Surgery"
MESH = MeshConfig(
    path="mesh.toml",
    url="http://127.0.0.1:1",
    mailbox="X26ABC1",
    password="password",
    shared_key="TestKey",
    practices={"vale surgery": "X26ABC2"},
)
FROZEN = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
"""08:00 the working day after FROZEN_NOW (Monday 23 November 2026, 11:00 UTC = GMT)."""


def closed(desk: DeskService, *, practice: str = PRACTICE, gp_updated: bool | None = None) -> str:
    call = crew_call(desk, "Ivy", "Quill", minutes_ago=40)
    call = replace(call, patient=replace(call.patient, gp_practice=practice))
    reference = desk.record_referral(call, by="handler").reference
    desk.move(reference, Status.ALLOCATED, by="handler", team="ACHT Aylesbury")
    desk.move(reference, Status.RESPONDED, by="nurse")
    desk.move(
        reference,
        Status.CLOSED,
        by="nurse",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        gp_updated=gp_updated,
    )
    desk.mesh_config = MESH
    return reference


def actions_of(desk: DeskService, reference: str) -> list[str]:
    return [event.action for event in desk.detail(reference).history]


def test_closing_drafts_the_update_for_the_practice_and_it_is_owed(desk: DeskService) -> None:
    reference = closed(desk)
    update = desk.gp_update(reference)
    assert update is not None
    assert update.state is GpUpdateState.DRAFTED
    assert (update.practice, update.drafted_by, update.due_at) == (PRACTICE, "nurse", DUE)
    assert "Ivy" in update.body and update.body.strip()
    assert update.title and not update.overdue and update.mailbox is None
    assert "GP update drafted" in actions_of(desk, reference)
    [owed] = desk.gp_updates_owed()
    assert (owed.reference, owed.practice, owed.state, owed.due_at, owed.overdue) == (
        reference,
        PRACTICE,
        GpUpdateState.DRAFTED,
        DUE,
        False,
    )
    assert owed.patient == "QUILL, Ivy"
    assert desk.draft_gp_update(reference, by="nurse").id == update.id  # still the draft


def test_a_referral_closed_with_the_gp_told_owes_no_update(desk: DeskService) -> None:
    reference = closed(desk, gp_updated=True)
    assert desk.gp_update(reference) is None
    assert desk.gp_updates_owed() == []
    later = desk.draft_gp_update(reference, by="nurse")  # one can still be written after
    assert later.state is GpUpdateState.DRAFTED and later.reference == reference


def test_an_edit_needs_the_current_version_and_words_and_a_draft(desk: DeskService) -> None:
    update = desk.gp_update(closed(desk))
    assert update is not None
    with pytest.raises(DeskError, match="changed by someone else"):
        desk.edit_gp_update(update.id, "Seen at home.", by="nurse", version=update.version + 1)
    with pytest.raises(DeskError, match="empty"):
        desk.edit_gp_update(update.id, "  \n ", by="nurse", version=update.version)
    edited = desk.edit_gp_update(update.id, "Seen at home; well.", by="nurse", version=1)
    assert (edited.body, edited.version) == ("Seen at home; well.", 2)
    assert "GP update edited" in actions_of(desk, update.reference)
    queued = desk.send_gp_update(update.id, by="nurse")
    assert (queued.state, queued.mailbox, queued.queued_at) == (
        GpUpdateState.QUEUED,
        "X26ABC2",
        desk.now(),
    )
    with pytest.raises(DeskError, match="no longer be changed"):
        desk.edit_gp_update(update.id, "More.", by="nurse", version=queued.version)
    assert desk.draft_gp_update(update.reference, by="nurse").id != update.id  # a new one


def test_a_practice_without_a_mailbox_is_refused_and_stays_drafted(desk: DeskService) -> None:
    reference = closed(desk, practice="Nowhere Health Centre")
    update = desk.gp_update(reference)
    assert update is not None
    with pytest.raises(DeskError) as refused:
        desk.send_gp_update(update.id, by="nurse")
    assert str(refused.value) == (
        "No MESH mailbox for Nowhere Health Centre: add it to mesh.toml [practices]."
    )
    after = desk.gp_update(reference)
    assert after is not None and after.state is GpUpdateState.DRAFTED
    assert "GP update queued" not in actions_of(desk, reference)


def test_one_sender_at_a_time_then_sent_and_acknowledged(desk: DeskService) -> None:
    reference = closed(desk)
    update = desk.gp_update(reference)
    assert update is not None
    desk.send_gp_update(update.id, by="nurse")
    [outgoing] = desk.gp_updates_to_send()
    assert (outgoing.reference, outgoing.mailbox, outgoing.patient_name) == (
        reference,
        "X26ABC2",
        "Ivy Quill",
    )
    assert desk.gp_updates_to_send() == []  # leased
    desk.gp_update_not_sent(update.id, "MESH could not be reached", for_good=False)
    assert desk.gp_updates_to_send() == []  # backing off
    desk.clock = lambda: FROZEN + timedelta(minutes=30)
    [again] = desk.gp_updates_to_send()
    desk.gp_update_sent(again.id, "MSG-1")
    [tracked] = desk.gp_updates_to_track()
    assert (tracked.id, tracked.mesh_message_id, tracked.local_id) == (
        update.id,
        "MSG-1",
        outgoing.local_id,
    )
    sent = desk.gp_update(reference)
    assert sent is not None and sent.state is GpUpdateState.SENT
    assert sent.last_error == "" and sent.mesh_message_id == "MSG-1"
    acknowledged_at = desk.now()
    desk.gp_update_acknowledged(update.id, acknowledged_at)
    done = desk.gp_update(reference)
    assert done is not None and done.state is GpUpdateState.ACKNOWLEDGED
    assert done.acknowledged_at == acknowledged_at and not done.overdue
    assert desk.summary(reference).gp_updated is True
    assert desk.gp_updates_owed() == [] and desk.gp_updates_to_track() == []
    assert desk.review().gp_updates_outstanding == ()
    history = actions_of(desk, reference)
    assert {"GP update queued", "GP update sent", "GP update acknowledged"} <= set(history)


def test_refused_for_good_or_expired_stays_owed(desk: DeskService) -> None:
    failed_ref = closed(desk)
    failed = desk.gp_update(failed_ref)
    assert failed is not None
    desk.send_gp_update(failed.id, by="nurse")
    desk.gp_updates_to_send()
    desk.gp_update_not_sent(failed.id, "MESH refused: unknown recipient", for_good=True)
    after = desk.gp_update(failed_ref)
    assert after is not None and after.state is GpUpdateState.FAILED
    assert after.last_error == "MESH refused: unknown recipient"
    assert desk.gp_updates_to_send() == []
    assert [o.state for o in desk.gp_updates_owed()] == [GpUpdateState.FAILED]
    assert "GP update failed" in actions_of(desk, failed_ref)
    resent = desk.draft_gp_update(failed_ref, by="nurse")
    desk.send_gp_update(resent.id, by="nurse")
    desk.gp_update_sent(desk.gp_updates_to_send()[0].id, "MSG-2")
    desk.gp_update_expired(resent.id)
    assert [o.state for o in desk.gp_updates_owed()] == [GpUpdateState.EXPIRED]
    assert "GP update expired" in actions_of(desk, failed_ref)
    assert desk.review().gp_updates_outstanding == (failed_ref,)


def test_an_unacknowledged_update_goes_overdue_at_its_due_time(desk: DeskService) -> None:
    reference = closed(desk)
    update = desk.gp_update(reference)
    assert update is not None and update.due_at == DUE
    desk.send_gp_update(update.id, by="nurse")
    desk.gp_update_sent(desk.gp_updates_to_send()[0].id, "MSG-3")

    desk.clock = lambda: DUE - timedelta(minutes=1)
    before = desk.gp_update(reference)
    assert before is not None and not before.overdue
    assert [o.overdue for o in desk.gp_updates_owed()] == [False]

    desk.clock = lambda: DUE
    at_due = desk.gp_update(reference)
    assert at_due is not None and at_due.overdue
    assert [o.overdue for o in desk.gp_updates_owed()] == [True]

    desk.gp_update_acknowledged(update.id, DUE + timedelta(minutes=5))
    desk.clock = lambda: DUE + timedelta(hours=1)
    told = desk.gp_update(reference)
    assert told is not None and not told.overdue


def test_an_update_a_sender_stopped_sending_is_never_sent_again_by_itself(
    desk: DeskService,
) -> None:
    """Handed out and no outcome recorded (the sender died mid-send): MESH may have it, so once
    its lease runs out it fails for a person to check; g drafts it again in the sent words."""
    reference = closed(desk)
    update = desk.gp_update(reference)
    assert update is not None
    edited = desk.edit_gp_update(update.id, "Seen; all well.", by="nurse", version=update.version)
    desk.send_gp_update(update.id, by="nurse")
    [handed] = desk.gp_updates_to_send()
    desk.clock = lambda: FROZEN + timedelta(minutes=1)
    assert desk.gp_updates_to_send() == []  # still leased to the sender
    desk.clock = lambda: FROZEN + timedelta(minutes=3)
    assert desk.gp_updates_to_send() == []  # never handed out again
    failed = desk.gp_update(reference)
    assert failed is not None and failed.state is GpUpdateState.FAILED
    assert "MESH may have it" in failed.last_error
    assert [o.state for o in desk.gp_updates_owed()] == [GpUpdateState.FAILED]
    again = desk.draft_gp_update(reference, by="nurse")
    assert again.id != handed.id and again.state is GpUpdateState.DRAFTED
    assert again.body == edited.body == "Seen; all well."


def test_only_the_latest_sent_update_acknowledged_tells_the_gp(desk: DeskService) -> None:
    """A drafted update cannot be acknowledged; an earlier update acknowledged after a newer one
    was drafted leaves the newer one owed (the practice has not read what was said last)."""
    reference = closed(desk)
    first = desk.gp_update(reference)
    assert first is not None
    desk.gp_update_acknowledged(first.id, desk.now())  # drafted: nothing to acknowledge
    drafted = desk.gp_update(reference)
    assert drafted is not None and drafted.state is GpUpdateState.DRAFTED
    desk.send_gp_update(first.id, by="nurse")
    desk.gp_update_sent(desk.gp_updates_to_send()[0].id, "MSG-4")
    second = desk.draft_gp_update(reference, by="nurse")  # more to say: a new draft
    assert second.id != first.id
    desk.gp_update_acknowledged(first.id, desk.now())
    latest = desk.gp_update(reference)
    assert latest is not None and latest.id == second.id
    assert latest.state is GpUpdateState.DRAFTED
    assert [o.reference for o in desk.gp_updates_owed()] == [reference]
    assert desk.summary(reference).gp_updated is False
    assert "GP update acknowledged" in actions_of(desk, reference)  # the first one's, kept


def test_the_owed_list_stops_at_a_screens_worth_and_the_count_says_how_many(
    desk: DeskService,
) -> None:
    references = [closed(desk) for _ in range(3)]
    assert [owed.reference for owed in desk.gp_updates_owed(2)] == references[:2]
    assert [owed.reference for owed in desk.gp_updates_owed()] == references
    assert desk.gp_updates_owed_count() == 3
    closed(desk, gp_updated=True)  # told at the close: not owed, not counted
    assert desk.gp_updates_owed_count() == 3


def test_the_owed_list_and_its_count_read_the_partial_index_only(
    sqlite_desk: DeskService,
) -> None:
    """A desk's years of closed referrals are not read to find the few not yet told."""
    closed(sqlite_desk)

    def read() -> None:
        sqlite_desk.gp_updates_owed(50)
        sqlite_desk.gp_updates_owed_count()

    plans = sqlite_plans(sqlite_desk, "gp_updated = false", read)
    assert len(plans) == 2
    for plan in plans:
        assert "ix_referral_gp_owed" in plan and "TEMP B-TREE" not in plan, plan
