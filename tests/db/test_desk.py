"""The desk service: one transaction per action, with its audit event, on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from db.desk import DeskService
from db.models import AuditEvent, Patient, Referral, Referrer
from spr_desk.desk_api import DeskError
from spr_desk.facts import FieldError, parse_facts
from spr_desk.lifecycle import LeadChangeError, TransitionError
from spr_desk.referral import (
    Decision,
    NewReferral,
    PatientDetails,
    RedirectedCall,
    ReferrerDetails,
)
from spr_desk.vocabulary import CloseOutcome, Lead, RedFlag, ReferrerRole, Response, Status

RECEIVED = datetime(2026, 11, 23, 10, 50, tzinfo=UTC)


def ethel_call(**changes: object) -> NewReferral:
    """Ethel's story (reference 001:533): her GP calls from her home; she is alone and failing."""
    values: dict[str, object] = {
        "received_at": RECEIVED,
        "referrer": ReferrerDetails(
            "Dr Amy Stone", ReferrerRole.GP_OR_PRACTICE_NURSE, "Meadowbank Surgery", "01296 555 010"
        ),
        "patient": PatientDetails(
            nhs_number="9434765919",
            given_name="Ethel",
            family_name="Example",
            date_of_birth=date(1945, 5, 1),
            postcode="HP20 1AA",
            lives_alone=True,
        ),
        "facts": parse_facts(
            {
                "pathway": "step_up",
                "setting": "home",
                "age": 81,
                "needs": ["dehydration", "personal_care"],
                "urgency": ["unsafe_alone_tonight"],
            }
        ),
        "locality": "Aylesbury",
    }
    values.update(changes)
    return NewReferral(**values)  # type: ignore[arg-type]


def count(desk: DeskService, table: type) -> int:
    with Session(desk.engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()[0]  # type: ignore[call-overload]


def test_recording_a_call_stores_referrer_patient_facts_recommendation_and_due_time(
    desk: DeskService,
) -> None:
    recorded = desk.record_referral(ethel_call(), by="handler1")
    assert recorded.reference == "SPR-2026-000001"
    assert recorded.status is Status.RECORDED
    assert recorded.due_at == RECEIVED + timedelta(hours=3)
    with Session(desk.engine) as session:
        row = session.exec(select(Referral)).scalars().one()
        referrer = session.get(Referrer, row.referrer_id)
        patient = session.get(Patient, row.patient_id)
        assert (row.response, row.lead, row.rec_outcome) == ("rapid", "nurse", "matrix")
        assert (row.rec_response, row.rec_lead, row.override_reason) == ("rapid", "nurse", "")
        assert row.facts["needs"] == ["dehydration", "personal_care"]
        assert row.rec_reasons == list(recorded.recommendation.reasons)
        assert row.due_at == RECEIVED + timedelta(hours=3)
        assert row.taken_by == "handler1" and row.status == "recorded" and row.version == 1
        assert referrer is not None and referrer.role == "gp_or_practice_nurse"
        assert patient is not None and patient.nhs_number == "9434765919"
    assert [entry.action for entry in desk.history(recorded.reference)] == ["recorded"]


def test_an_override_is_stored_beside_the_recommendation_with_its_reason(desk: DeskService) -> None:
    call = ethel_call(
        decision=Decision(Response.RAPID, Lead.SOCIAL_CARE, "Carer crisis is the need")
    )
    recorded = desk.record_referral(call, by="handler1")
    summary = desk.summary(recorded.reference)
    assert (summary.rec_response, summary.rec_lead) == ("rapid", "nurse")
    assert (summary.response, summary.lead) == ("rapid", "social_care")
    assert summary.override_reason == "Carer crisis is the need"
    history = desk.history(recorded.reference)
    assert [entry.action for entry in history] == ["recorded", "override"]
    assert history[1].detail == "Carer crisis is the need"


def test_an_override_without_a_reason_is_refused_and_writes_nothing(desk: DeskService) -> None:
    call = ethel_call(decision=Decision(Response.FAST, Lead.NURSE, ""))
    with pytest.raises(FieldError) as refused:
        desk.record_referral(call, by="handler1")
    assert refused.value.field == "override_reason"
    assert (count(desk, Referral), count(desk, AuditEvent), count(desk, Patient)) == (0, 0, 0)


def test_a_red_flag_call_is_still_recorded_as_redirected_with_no_due_time(
    desk: DeskService,
) -> None:
    facts = parse_facts(
        {"pathway": "step_up", "setting": "home", "red_flags": ["chest_pain"], "needs": []}
    )
    recorded = desk.record_referral(ethel_call(facts=facts), by="handler1")
    summary = desk.summary(recorded.reference)
    assert summary.status is Status.REDIRECTED
    assert summary.rec_outcome == "emergency"
    assert (summary.response, summary.lead, summary.due_at) == (None, None, None)
    assert "999" in " ".join(recorded.recommendation.reasons)
    assert desk.open_queue() == []


def test_references_run_in_sequence_within_the_uk_year(desk: DeskService) -> None:
    first = desk.record_referral(ethel_call(), by="h")
    second = desk.record_referral(ethel_call(), by="h")
    # Numbering starts again with the new year.
    new_year = desk.record_referral(
        ethel_call(received_at=datetime(2027, 1, 1, 0, 30, tzinfo=UTC)), by="h"
    )
    assert [first.reference, second.reference, new_year.reference] == [
        "SPR-2026-000001",
        "SPR-2026-000002",
        "SPR-2027-000001",
    ]
    # One patient, one referrer: the same people calling again are not duplicated.
    assert (count(desk, Patient), count(desk, Referrer)) == (1, 1)


def test_the_lifecycle_moves_are_stored_with_an_audit_event_each(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Aylesbury")
    responded = desk.move(reference, Status.RESPONDED, by="nurse1")
    assert responded.response_met is True and responded.allocated_team == "ACHT Aylesbury"
    desk.move(reference, Status.IN_SERVICE, by="nurse1")
    changed = desk.change_lead(reference, Lead.THERAPIST, reason="Now mobility", by="nurse1")
    assert changed.lead == "therapist" and changed.status is Status.IN_SERVICE
    closed = desk.move(
        reference,
        Status.CLOSED,
        by="nurse1",
        outcome=CloseOutcome.NO_FURTHER_SERVICES,
        gp_updated=True,
    )
    assert (closed.close_outcome, closed.gp_updated, closed.version) == (
        "no_further_services",
        True,
        6,
    )
    history = desk.history(reference)
    assert [entry.action for entry in history] == [
        "recorded",
        "status:allocated",
        "status:responded",
        "status:in_service",
        "lead_changed",
        "status:closed",
    ]
    assert history[4].before["lead"] == "nurse" and history[4].after["lead"] == "therapist"
    assert history[4].detail == "Now mobility"
    assert count(desk, Referral) == 1


def test_a_response_after_the_due_time_is_fixed_as_breached(
    desk: DeskService, now: datetime
) -> None:
    late_call = ethel_call(received_at=now - timedelta(hours=4))
    reference = desk.record_referral(late_call, by="h").reference
    desk.move(reference, Status.ALLOCATED, by="h", team="ACHT Night Team")
    assert desk.move(reference, Status.RESPONDED, by="h").response_met is False


def test_a_forbidden_move_is_refused_and_changes_nothing(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    with pytest.raises(TransitionError, match="recorded to responded"):
        desk.move(reference, Status.RESPONDED, by="h")
    with pytest.raises(DeskError, match="team"):
        desk.move(reference, Status.ALLOCATED, by="h")
    with pytest.raises(TransitionError, match="say why"):
        desk.move(reference, Status.CANCELLED, by="h")
    summary = desk.summary(reference)
    assert (summary.status, summary.version) == (Status.RECORDED, 1)
    assert [entry.action for entry in desk.history(reference)] == ["recorded"]


def test_a_lead_changes_while_recorded_and_not_once_cancelled(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    changed = desk.change_lead(reference, Lead.THERAPIST, reason="mobility first", by="h")
    assert (changed.status, changed.lead) == (Status.RECORDED, Lead.THERAPIST.value)
    desk.move(reference, Status.CANCELLED, by="h", reason="duplicate")
    with pytest.raises(LeadChangeError, match="only while the referral is open"):
        desk.change_lead(reference, Lead.NURSE, reason="x", by="h")


def test_a_stale_version_is_refused_so_another_desks_change_is_not_overwritten(
    desk: DeskService,
) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    desk.move(reference, Status.ALLOCATED, by="desk-a", team="ACHT Thame", expected_version=1)
    with pytest.raises(DeskError, match="another desk"):
        desk.move(reference, Status.CANCELLED, by="desk-b", reason="dup", expected_version=1)
    assert desk.summary(reference).status is Status.ALLOCATED


def test_a_lead_change_from_a_stale_view_is_refused(desk: DeskService) -> None:
    reference = desk.record_referral(ethel_call(), by="h").reference
    desk.move(reference, Status.ALLOCATED, by="desk-a", team="ACHT Thame", expected_version=1)
    with pytest.raises(DeskError, match="another desk"):
        desk.change_lead(
            reference, Lead.THERAPIST, reason="mobility first", by="desk-b", expected_version=1
        )
    assert desk.summary(reference).lead != Lead.THERAPIST.value
    changed = desk.change_lead(
        reference, Lead.THERAPIST, reason="mobility first", by="desk-b", expected_version=2
    )
    assert changed.lead == Lead.THERAPIST.value


def test_an_unknown_reference_is_a_clear_error(desk: DeskService) -> None:
    with pytest.raises(DeskError, match="No referral SPR-2026-999999"):
        desk.summary("SPR-2026-999999")


def test_a_draft_keeps_the_newest_revision_even_when_an_older_save_lands_late(
    desk: DeskService,
) -> None:
    assert desk.save_draft("call-1", by="h", payload={"notes": "a"}, revision=1) is True
    assert desk.save_draft("call-1", by="h", payload={"notes": "abc"}, revision=3) is True
    assert desk.save_draft("call-1", by="h", payload={"notes": "ab"}, revision=2) is False
    [draft] = desk.open_drafts("h")
    assert (draft.revision, draft.payload) == (3, {"notes": "abc"})
    desk.finish_draft("call-1", state="recorded")
    assert desk.open_drafts("h") == []


def test_a_draft_is_marked_recorded_with_its_referral_and_never_recorded_twice(
    desk: DeskService,
) -> None:
    # A crash between two transactions once left the referral stored and its draft offered
    # again, so resuming it recorded the call a second time (found by a SIGKILL trial).
    desk.save_draft("call-1", by="h", payload={"notes": "as typed"}, revision=4)
    reference = desk.record_referral(ethel_call(), by="h", draft_key="call-1").reference
    assert desk.open_drafts() == []
    with pytest.raises(DeskError, match=f"already recorded as {reference}; nothing new"):
        desk.record_referral(ethel_call(), by="h2", draft_key="call-1")
    with pytest.raises(DeskError, match=f"already recorded as {reference}"):
        redirected = RedirectedCall(RECEIVED, frozenset({RedFlag.CHEST_PAIN}), None, None, {})
        desk.record_redirect(redirected, by="h2", draft_key="call-1")
    with Session(desk.engine) as session:
        assert session.exec(select(func.count()).select_from(Referral)).one()[0] == 1
    assert desk.save_draft("call-1", by="h", payload={"notes": "late"}, revision=9) is False


def test_a_call_whose_draft_never_reached_the_database_is_still_recorded_only_once(
    desk: DeskService,
) -> None:
    # Every draft save failed (the database busy or gone since the call began): the record
    # itself leaves the key recorded, so the screen's retry cannot store the call twice.
    reference = desk.record_referral(ethel_call(), by="h", draft_key="never-saved").reference
    with pytest.raises(DeskError, match=f"already recorded as {reference}; nothing new"):
        desk.record_referral(ethel_call(), by="h", draft_key="never-saved")
    assert desk.open_drafts() == []
    assert desk.save_draft("never-saved", by="h", payload={"notes": "late"}, revision=1) is False
    with Session(desk.engine) as session:
        assert session.exec(select(func.count()).select_from(Referral)).one()[0] == 1


def test_a_draft_that_fails_to_record_stays_open_as_typed(desk: DeskService) -> None:
    desk.save_draft("call-2", by="h", payload={"notes": "as typed"}, revision=1)
    with pytest.raises(FieldError):
        desk.record_referral(
            ethel_call(decision=Decision(Response.FAST, Lead.NURSE, "")), by="h", draft_key="call-2"
        )
    [draft] = desk.open_drafts()
    assert (draft.draft_key, draft.payload) == ("call-2", {"notes": "as typed"})
    desk.finish_draft("call-2", state="discarded")
    with pytest.raises(DeskError, match="already discarded; nothing new was recorded"):
        desk.record_referral(ethel_call(), by="h", draft_key="call-2")


def test_the_queue_lists_open_referrals_awaiting_a_response_first_by_due_time(
    desk: DeskService, now: datetime
) -> None:
    normal = desk.record_referral(
        ethel_call(
            facts=parse_facts({"pathway": "step_up", "setting": "home", "needs": ["meals"]})
        ),
        by="h",
    ).reference
    rapid = desk.record_referral(ethel_call(), by="h").reference
    seen = desk.record_referral(ethel_call(received_at=now - timedelta(hours=1)), by="h").reference
    desk.move(seen, Status.ALLOCATED, by="h", team="ACHT Marlow")
    desk.move(seen, Status.RESPONDED, by="h")
    closed = desk.record_referral(ethel_call(), by="h").reference
    desk.move(closed, Status.CANCELLED, by="h", reason="duplicate call")
    queue = desk.open_queue()
    assert [row.reference for row in queue] == [rapid, normal, seen]
    assert queue[0].patient_name == "EXAMPLE, Ethel" and queue[0].locality == "Aylesbury"
