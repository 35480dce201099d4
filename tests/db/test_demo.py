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


def test_a_desk_records_calls_between_the_demos_short_transactions(desk: DeskService) -> None:
    """While 4 days of demo (about 140 referrals) are written, a desk's calls all succeed and get
    in between the demo's transactions, not after them. The proof is the order the rows were
    numbered in: on SQLite a row is numbered under the write lock, so a call's referral follows a
    demo row, before the demo's last, only if the call took the lock between two of the demo's
    commits. (In one transaction the demo held the lock 2 s and more; a desk then waited, or
    failed after 5 s.) How long a call takes is not bounded here: on a busy two-core machine a
    call beside the writing thread took 1.4 s on PostgreSQL, where the demo holds no lock a call
    needs, so such a bound measured the machine, not the demo."""
    filling: list[DemoReport] = []
    errors: list[BaseException] = []

    def fill() -> None:
        try:
            filling.append(
                load_demo_in_steps(engine=desk.engine, days=4, now=desk.now(), rules=desk.rules)
            )
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    demo = threading.Thread(target=fill)
    calls = 0
    demo.start()
    try:
        while demo.is_alive() and calls < 200:
            desk.record_referral(crew_call(desk, given=f"Ada{calls}"), by="handler")
            calls += 1
            time.sleep(0.02)  # leave the demo the interpreter; a call still falls in each step
    finally:
        demo.join(timeout=120)

    assert errors == [] and filling and filling[0].referrals_added > 100
    # The setting, then referrals in steps, then the 999 ones: 3 would be one referral step.
    assert filling[0].writes > 3, "the demo's referrals were written in one transaction"
    with Session(desk.engine) as session:
        numbered = session.exec(select(Referral.id, Referral.is_demo).order_by(Referral.id)).all()
    last_demo = max(number for number, is_demo in numbered if is_demo)
    # Each place a call's row follows a demo row, before the demo's last: a gap it got into.
    gaps = sum(
        1
        for (_, was_demo), (number, is_demo) in zip(numbered, numbered[1:], strict=False)
        if was_demo and not is_demo and number < last_demo
    )
    assert calls > 0 and gaps >= 2, f"{calls} calls, in {gaps} gaps between the demo's rows"
