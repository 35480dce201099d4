"""A patient without an NHS number, the number added later, and the redirected calls kept as
typed: stored, listed, searched and counted, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session
from tests_support import crew_call

from db.desk import DeskService
from db.models import AuditEvent, Patient, Referral, Referrer
from spr_desk.desk_api import DeskError
from spr_desk.queue_view import REDIRECTED, TO_TRACE, QueueFilter
from spr_desk.referral import NewReferral, PatientDetails, RedirectedCall, ReferrerDetails
from spr_desk.vocabulary import (
    NhsNumberStatus,
    NhsNumberUnavailable,
    RedFlag,
    ReferrerRole,
    Status,
)

ADA_NUMBER = "9434765919"
OTHER_NUMBER = "4010232137"
ADVICE = "Please call 999 now. Stay with them until help arrives."


def without_number(
    desk: DeskService,
    given: str = "Ada",
    family: str = "Lovelace",
    reason: NhsNumberUnavailable = NhsNumberUnavailable.OVERSEAS,
    minutes_ago: int = 5,
) -> NewReferral:
    call = crew_call(desk, given, family, minutes_ago)
    return replace(
        call,
        patient=replace(call.patient, nhs_number=""),
        nhs_number_status=NhsNumberStatus.TRACE_REQUIRED,
        nhs_number_unavailable=reason,
        caller_answers=(("incident_number", "INC-4471"),),
    )


def redirect(desk: DeskService, **changes: object) -> RedirectedCall:
    """A crew's call that ended at a red flag: only their number typed, and the patient's
    first name and postcode."""
    values: dict[str, object] = {
        "received_at": desk.now() - timedelta(minutes=2),
        "red_flags": frozenset({RedFlag.CHEST_PAIN, RedFlag.SEVERE_BREATHLESSNESS}),
        "referrer": ReferrerDetails("", ReferrerRole.OTHER, "", "01296555010"),
        "patient": PatientDetails("", "Winifred", "", postcode="HP20 1AA"),
        "call_record": {"referrer_phone": "01296 555010", "given_name": "Winifred"},
        "advice": ADVICE,
    }
    values.update(changes)
    return RedirectedCall(**values)  # type: ignore[arg-type]


def row_of(desk: DeskService, reference: str) -> tuple[Referral, Patient | None]:
    with Session(desk.engine) as session:
        row = session.exec(select(Referral).where(Referral.reference == reference)).scalar_one()
        patient = session.get(Patient, row.patient_id) if row.patient_id else None
        return row, patient


def count(desk: DeskService, table: type) -> int:
    with Session(desk.engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()[0]  # type: ignore[call-overload]


def test_a_referral_without_an_nhs_number_keeps_why_and_is_to_trace(desk: DeskService) -> None:
    reference = desk.record_referral(without_number(desk), by="h").reference
    row, patient = row_of(desk, reference)
    assert patient is not None and patient.nhs_number is None
    assert (row.nhs_number_status, row.nhs_unavailable_reason) == ("03", "overseas-patient")
    assert row.caller_answers == [["incident_number", "INC-4471"]]
    detail = desk.detail(reference)
    assert detail.to_trace and detail.patient is not None and detail.patient.nhs_number == ""
    assert (detail.nhs_number_status, detail.nhs_unavailable_reason) == ("03", "overseas-patient")
    assert detail.caller_answers == (("incident_number", "INC-4471"),)
    # Still in the open queue as any referral is, and also in the list to trace.
    assert reference in [r.reference for r in desk.open_queue()]
    traced = desk.queue_page(QueueFilter(status=TO_TRACE), 0, 50)
    assert [r.reference for r in traced.rows] == [reference]
    assert traced.counts.matching == 1 and traced.rows[0].nhs_number == ""


def test_two_patients_without_a_number_are_never_merged(desk: DeskService) -> None:
    first = desk.record_referral(without_number(desk, "Ada", "Lovelace"), by="h").reference
    second = desk.record_referral(without_number(desk, "Ada", "Lovelace"), by="h").reference
    third = desk.record_referral(without_number(desk, "Bea", "Other"), by="h").reference
    patients = {row_of(desk, reference)[1].id for reference in (first, second, third)}  # type: ignore[union-attr]
    assert len(patients) == 3 and count(desk, Patient) == 3
    assert desk.patient_history("") is None  # no number finds nobody
    listed = desk.queue_page(QueueFilter(status=TO_TRACE), 0, 50).rows
    assert [r.reference for r in listed] == [third, second, first]  # newest first


def test_a_new_number_goes_on_the_patients_row_with_one_audit_event(desk: DeskService) -> None:
    reference = desk.record_referral(without_number(desk), by="h").reference
    version = desk.summary(reference).version
    summary = desk.add_nhs_number(reference, "943 476 5919", by="tracer", expected_version=version)
    assert summary.version == version + 1
    row, patient = row_of(desk, reference)
    assert patient is not None and patient.nhs_number == ADA_NUMBER
    assert (row.nhs_number_status, row.nhs_unavailable_reason) == ("02", None)
    detail = desk.detail(reference)
    assert not detail.to_trace and detail.patient is not None
    assert detail.patient.nhs_number == ADA_NUMBER
    assert desk.queue_page(QueueFilter(status=TO_TRACE), 0, 50).rows == []
    history = desk.history(reference)
    assert [entry.action for entry in history] == ["recorded", "nhs_number_added"]
    added = history[-1]
    assert added.actor == "tracer"
    with Session(desk.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "nhs_number_added"))
        event = event.scalar_one()
    assert event.before is not None and event.after is not None
    assert (event.before["nhs_number_status"], event.after["nhs_number_status"]) == ("03", "02")
    assert event.before["nhs_unavailable_reason"] == "overseas-patient"
    assert event.after["nhs_unavailable_reason"] is None
    assert (event.before["version"], event.after["version"]) == (version, version + 1)
    # The trail keeps no patient details: not the number itself.
    assert ADA_NUMBER not in f"{event.before}{event.after}{event.detail}"
    assert desk.patient_history(ADA_NUMBER) is not None


def test_a_number_checked_on_the_record_is_present_and_verified(desk: DeskService) -> None:
    reference = desk.record_referral(without_number(desk), by="h").reference
    desk.add_nhs_number(
        reference, ADA_NUMBER, by="tracer", status=NhsNumberStatus.PRESENT_AND_VERIFIED
    )
    assert desk.detail(reference).nhs_number_status == "01"


def test_a_number_held_by_a_patient_on_record_moves_the_referral_to_them(
    desk: DeskService,
) -> None:
    known = desk.record_referral(crew_call(desk, "Ada", "Lovelace", 60), by="h").reference
    _, on_record = row_of(desk, known)
    reference = desk.record_referral(without_number(desk, "Ada", "L"), by="h").reference
    _, unnumbered = row_of(desk, reference)
    assert on_record is not None and unnumbered is not None and on_record.id != unnumbered.id

    desk.add_nhs_number(reference, ADA_NUMBER, by="tracer")
    row, patient = row_of(desk, reference)
    assert patient is not None and patient.id == on_record.id
    assert (row.nhs_number_status, row.nhs_unavailable_reason) == ("02", None)
    history = desk.patient_history(ADA_NUMBER)
    assert history is not None
    assert {r.reference for r in history.referrals} == {known, reference}
    [event] = [e for e in desk.history(reference) if e.action == "nhs_number_added"]
    assert "already held it" in event.detail
    with Session(desk.engine) as session:
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "nhs_number_added"))
        audit = audit.scalar_one()
    assert audit.before is not None and audit.after is not None
    assert (audit.before["patient_id"], audit.after["patient_id"]) == (unnumbered.id, on_record.id)


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("943 476 5918", "check digit does not match"),
        ("94347659", "has 10 digits; this has 8"),
        ("nine four three", "digits only"),
    ],
)
def test_a_wrong_number_is_refused_in_the_handlers_words_and_changes_nothing(
    desk: DeskService, typed: str, words: str
) -> None:
    reference = desk.record_referral(without_number(desk), by="h").reference
    with pytest.raises(DeskError, match=words):
        desk.add_nhs_number(reference, typed, by="tracer")
    row, patient = row_of(desk, reference)
    assert patient is not None and patient.nhs_number is None
    assert (row.nhs_number_status, row.version) == ("03", 1)
    assert [entry.action for entry in desk.history(reference)] == ["recorded"]


def test_a_stale_version_is_refused_like_any_other_action(desk: DeskService) -> None:
    reference = desk.record_referral(without_number(desk), by="h").reference
    opened = desk.summary(reference).version
    desk.move(reference, Status.ALLOCATED, by="other desk", team="ACHT Aylesbury")
    with pytest.raises(DeskError, match="changed at another desk"):
        desk.add_nhs_number(reference, ADA_NUMBER, by="tracer", expected_version=opened)
    _, patient = row_of(desk, reference)
    assert patient is not None and patient.nhs_number is None
    assert desk.detail(reference).to_trace


def test_a_patient_who_already_has_a_number_keeps_it(desk: DeskService) -> None:
    reference = desk.record_referral(crew_call(desk), by="h").reference
    with pytest.raises(DeskError, match="already has another NHS number"):
        desk.add_nhs_number(reference, OTHER_NUMBER, by="tracer")
    with pytest.raises(DeskError, match="already has that NHS number"):
        desk.add_nhs_number(reference, ADA_NUMBER, by="tracer")
    assert [entry.action for entry in desk.history(reference)] == ["recorded"]
    # The same number checked on the record since is news, once.
    verified = NhsNumberStatus.PRESENT_AND_VERIFIED
    desk.add_nhs_number(reference, ADA_NUMBER, by="tracer", status=verified)
    assert desk.detail(reference).nhs_number_status == "01"
    for status in (verified, NhsNumberStatus.PRESENT_NOT_TRACED):
        with pytest.raises(DeskError, match="already has that NHS number"):
            desk.add_nhs_number(reference, ADA_NUMBER, by="tracer", status=status)
    history = desk.history(reference)
    assert [entry.action for entry in history] == ["recorded", "nhs_number_added"]
    assert history[-1].detail == "NHS number now present and verified"
    with pytest.raises(DeskError, match="read out"):
        desk.add_nhs_number(reference, ADA_NUMBER, by="t", status=NhsNumberStatus.TRACE_REQUIRED)


def test_a_redirect_keeps_the_caller_and_patient_as_typed_the_flags_and_the_words_said(
    desk: DeskService,
) -> None:
    reference = desk.record_redirect(redirect(desk), by="h").reference
    row, patient = row_of(desk, reference)
    assert row.status == "redirected" and row.queue_band is None
    assert row.status_reason == ADVICE
    assert row.facts == {"red_flags": ["chest_pain", "severe_breathlessness"]}
    assert patient is not None and patient.nhs_number is None
    assert (patient.given_name, patient.family_name, patient.postcode) == (
        "Winifred",
        "",
        "HP20 1AA",
    )
    with Session(desk.engine) as session:
        referrer = session.get(Referrer, row.referrer_id)
    assert referrer is not None and (referrer.name, referrer.phone) == ("", "01296555010")
    detail = desk.detail(reference)
    assert detail.advice == ADVICE
    assert detail.red_flags == ("chest_pain", "severe_breathlessness")
    assert detail.referrer is not None and detail.referrer.phone == "01296555010"
    assert not detail.to_trace  # it went to emergency care: nothing for the desk to trace
    assert desk.open_queue() == []


def test_a_redirect_with_a_known_number_never_blanks_the_patient_on_record(
    desk: DeskService,
) -> None:
    desk.record_referral(crew_call(desk, "Ada", "Lovelace", 60), by="h")
    patient = PatientDetails(ADA_NUMBER, "", "", postcode="HP20 1AA")
    reference = desk.record_redirect(redirect(desk, patient=patient), by="h").reference
    _, stored = row_of(desk, reference)
    assert stored is not None and (stored.given_name, stored.family_name) == ("Ada", "Lovelace")
    assert stored.postcode == "HP20 1AA" and count(desk, Patient) == 1


def test_redirects_are_listed_newest_first_and_found_by_search(desk: DeskService) -> None:
    older = desk.record_redirect(
        redirect(desk, received_at=desk.now() - timedelta(hours=3)), by="h"
    ).reference
    crew = ReferrerDetails("Crew 12", ReferrerRole.AMBULANCE_CREW, "Ambulance", "999")
    newer = desk.record_redirect(
        redirect(desk, referrer=crew, patient=PatientDetails(ADA_NUMBER, "Ada", "Lovelace")),
        by="h",
    ).reference
    nobody = desk.record_redirect(
        redirect(desk, referrer=None, patient=None, received_at=desk.now() - timedelta(hours=5)),
        by="h",
    ).reference
    open_call = replace(crew_call(desk), patient=PatientDetails(OTHER_NUMBER, "Open", "Queue"))
    open_one = desk.record_referral(open_call, by="h").reference

    page = desk.queue_page(QueueFilter(status=REDIRECTED), 0, 50)
    assert [r.reference for r in page.rows] == [newer, older, nobody]
    assert (page.counts.matching, page.counts.open) == (3, 1)
    first, second, third = page.rows
    assert (first.caller, first.patient_name, first.nhs_number) == (
        "Crew 12",
        "LOVELACE, Ada",
        ADA_NUMBER,
    )
    assert (second.caller, second.patient_name) == ("01296 555010", "Winifred")
    assert second.red_flags == ("chest_pain", "severe_breathlessness")
    assert (third.caller, third.patient_name) == ("", "")
    assert second.received_at == desk.now() - timedelta(hours=3)

    def found(text: str) -> list[str]:
        return [
            r.reference
            for r in desk.queue_page(QueueFilter(status=REDIRECTED, text=text), 0, 50).rows
        ]

    assert found("winifred") == [older]  # only a first name was typed
    assert found("555 010") == [older]  # only the caller's number
    assert found("crew 12") == [newer]
    assert found("943 476") == [newer]
    assert found(older.lower()) == [older]
    # The open queue and its search are as they were: no redirect in them.
    assert [r.reference for r in desk.open_queue()] == [open_one]
    assert desk.queue_page(QueueFilter(text="winifred"), 0, 50).rows == []


def test_the_supervisor_counts_todays_and_the_periods_redirects(desk: DeskService) -> None:
    desk.record_redirect(redirect(desk), by="h")
    desk.record_redirect(redirect(desk, received_at=desk.now() - timedelta(days=3)), by="h")
    desk.record_redirect(redirect(desk, received_at=desk.now() - timedelta(days=9)), by="h")
    desk.record_referral(crew_call(desk), by="h")
    review = desk.review(days=7)
    assert (review.redirected_today, review.redirected_period) == (1, 2)
    assert desk.review(days=14).redirected_period == 3


def page_plans(desk: DeskService, wanted: QueueFilter) -> list[str]:
    """EXPLAIN QUERY PLAN of the page and count statements one `queue_page` sends."""
    sent: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, sql: str, params: object, *_: object) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            sent.append((sql, params))

    event.listen(desk.engine, "before_cursor_execute", capture)
    try:
        desk.queue_page(wanted, 0, 50)
    finally:
        event.remove(desk.engine, "before_cursor_execute", capture)
    with desk.engine.connect() as connection:
        return [
            " | ".join(
                row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            )
            for sql, params in sent
        ]


def test_sqlite_walks_the_redirected_calls_index_and_the_open_queue_keeps_its_own(
    sqlite_demo_desk: DeskService,
) -> None:
    """Newest first along the partial index, with no sort of every redirect ever taken; the
    open queue's page and count still read only its own index."""
    page, counted, _open = page_plans(sqlite_demo_desk, QueueFilter(status=REDIRECTED))
    assert "ix_referral_redirected" in page and "TEMP B-TREE" not in page, page
    assert "ix_referral_redirected" in counted, counted
    for plan in page_plans(sqlite_demo_desk, QueueFilter()):
        assert "ix_referral_queue" in plan and "ix_referral_redirected" not in plan, plan
    # Those to trace are found from the patients without a number, not a walk of referrals.
    page, counted, _open = page_plans(sqlite_demo_desk, QueueFilter(status=TO_TRACE))
    for plan in (page, counted):
        assert plan.startswith("SEARCH patient") and "SCAN referral" not in plan, plan
