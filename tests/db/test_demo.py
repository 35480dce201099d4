"""Demo data: the source's volume with a daytime peak, every state, test NHS numbers, idempotent."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import func, select
from sqlmodel import Session
from tests_support import crew_call, fill_demo

from db.demo import DemoReport, load_demo_in_steps
from db.desk import DeskService
from db.models import Patient, Referral, Shift, StaffMember, Team
from spr_desk.nhs_number import is_valid_nhs_number
from spr_desk.uktime import as_local
from spr_desk.vocabulary import Status


def _counts(desk: DeskService) -> dict[str, int]:
    with Session(desk.engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()[0]  # type: ignore[call-overload]
            for table in (Referral, Patient, StaffMember, Shift, Team)
        }


def test_demo_volume_matches_about_13000_a_year_with_a_daytime_peak(demo_desk: DeskService) -> None:
    with Session(demo_desk.engine) as session:
        received = session.exec(select(Referral.received_at)).scalars().all()
    # 13,000 a year is 35.6 a day: 7 days is about 249 (Poisson spread: well within 200-300).
    assert 200 <= len(received) <= 300
    hours = Counter(as_local(moment).hour for moment in received)
    day = sum(hours[h] for h in range(9, 17))
    night = sum(hours[h] for h in (0, 1, 2, 3, 4, 5, 6, 7))
    assert day > 4 * night


def test_demo_referrals_are_in_every_state(demo_desk: DeskService) -> None:
    with Session(demo_desk.engine) as session:
        statuses = set(session.exec(select(Referral.status)).scalars().all())
    assert statuses == {status.value for status in Status} - {Status.DRAFT.value}


def test_demo_patients_have_valid_test_range_nhs_numbers_marked_as_test_data(
    demo_desk: DeskService,
) -> None:
    with Session(demo_desk.engine) as session:
        patients = session.exec(select(Patient)).scalars().all()
    assert patients
    for patient in patients:
        assert patient.nhs_number.startswith("999")
        assert is_valid_nhs_number(patient.nhs_number)
        assert patient.is_test_data


def test_demo_gives_every_team_staff_and_shifts(demo_desk: DeskService) -> None:
    with Session(demo_desk.engine) as session:
        staffed = set(
            session.exec(
                select(Team.name).join(StaffMember, StaffMember.team_id == Team.id).distinct()
            ).scalars()
        )
        teams = set(session.exec(select(Team.name)).scalars())
    assert staffed == teams
    assert _counts(demo_desk)["Shift"] > len(teams) * 7


def test_running_the_demo_twice_adds_nothing(demo_desk: DeskService) -> None:
    before = _counts(demo_desk)
    fill_demo(demo_desk)
    assert _counts(demo_desk) == before


def test_some_demo_referrals_breached_their_due_time(demo_desk: DeskService) -> None:
    with Session(demo_desk.engine) as session:
        met = session.exec(select(Referral.response_met)).scalars().all()
    assert met.count(False) >= 1 and met.count(True) > met.count(False)


def test_the_command_writes_the_demo_in_short_transactions_and_twice_adds_nothing(
    desk: DeskService,
) -> None:
    first = load_demo_in_steps(engine=desk.engine, days=2, now=desk.now(), rules=desk.rules)
    counts = _counts(desk)
    again = load_demo_in_steps(engine=desk.engine, days=2, now=desk.now(), rules=desk.rules)

    assert first.referrals_added == counts["Referral"] > 40  # about 35.6 a day
    assert first.staff_added == counts["StaffMember"] and first.shifts_added == counts["Shift"]
    assert first.writes > 2  # the rota and users, then the referrals in steps
    # STEP_SECONDS a step, and one referral over: the bound leaves room for a loaded machine.
    assert first.longest_write_seconds < 1.0
    assert (again.referrals_added, again.staff_added, again.shifts_added) == (0, 0, 0)
    assert again.already_present and again.writes == 1
    assert _counts(desk) == counts


def test_a_desk_records_calls_in_under_a_second_while_the_demo_is_written(
    desk: DeskService,
) -> None:
    filling: list[DemoReport] = []
    errors: list[BaseException] = []

    def fill() -> None:
        try:
            # 4 days, about 140 referrals: in one transaction, 2 s and more of lock.
            filling.append(
                load_demo_in_steps(engine=desk.engine, days=4, now=desk.now(), rules=desk.rules)
            )
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    demo = threading.Thread(target=fill)
    calls: list[float] = []
    demo.start()
    try:
        while demo.is_alive() and len(calls) < 200:
            began = time.perf_counter()
            desk.record_referral(crew_call(desk, given=f"Ada{len(calls)}"), by="handler")
            calls.append(time.perf_counter() - began)
            time.sleep(0.02)  # leave the demo the interpreter; a call still falls in each step
    finally:
        demo.join(timeout=120)

    assert errors == [] and filling and filling[0].referrals_added > 100
    assert calls and max(calls) < 1.0, f"slowest call {max(calls):.2f} s of {len(calls)}"
