"""Storing a checked rota on each backend: people found or added by team and name, shifts added
or replaced by start, and nothing stored when the caller's transaction rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from db.desk import DeskService
from db.models import AuditEvent, Shift, StaffMember, Team
from db.rota import RotaApplied, apply_rota, team_names
from spr_desk.reference_data import TEAMS
from spr_desk.rota_csv import RotaRow, parse_rota
from spr_desk.vocabulary import StaffRole

HEADER = "team,name,role,date,start,end,capacity,band"
ROTA = (
    "ACHT Aylesbury,Jo Bloggs,nurse,23/11/2026,08:00,16:00,5,Band 6",
    "ACHT Aylesbury,Jo Bloggs,nurse,24/11/2026,08:00,16:00,5,Band 6",
    "ACHT Night Team,Sam Smith,HCA,24/10/2026,21:00,07:30,,",
)


def rows(*lines: str) -> list[RotaRow]:
    result = parse_rota("\n".join((HEADER, *lines)), [spec.name for spec in TEAMS])
    assert result.errors == []
    return result.rows


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def apply(desk: DeskService, checked: list[RotaRow]) -> RotaApplied:
    with Session(desk.engine) as session, session.begin():
        return apply_rota(session=session, rows=checked)


def stored_staff(desk: DeskService) -> dict[str, tuple[str, str, str, int, bool, bool]]:
    with Session(desk.engine) as session:
        found = session.exec(select(StaffMember, Team).where(StaffMember.team_id == Team.id)).all()
        return {
            member.name: (
                team.name,
                member.role,
                member.band,
                member.capacity,
                member.active,
                member.is_demo,
            )
            for member, team in found
        }


def stored_shifts(desk: DeskService) -> list[tuple[str, datetime, datetime]]:
    with Session(desk.engine) as session:
        found = session.exec(
            select(StaffMember.name, Shift.starts_at, Shift.ends_at).where(
                Shift.staff_id == StaffMember.id
            )
        ).all()
        return sorted((name, starts_at, ends_at) for name, starts_at, ends_at in found)


def test_team_names_are_the_reference_teams_in_their_order(desk: DeskService) -> None:
    with Session(desk.engine) as session:
        assert team_names(session=session) == [spec.name for spec in TEAMS]


def test_a_rota_adds_its_people_and_their_shifts_as_utc_instants(desk: DeskService) -> None:
    applied = apply(desk, rows(*ROTA))

    assert applied == RotaApplied(staff_added=2, staff_updated=0, shifts_added=3, shifts_replaced=0)
    assert stored_staff(desk) == {
        "Jo Bloggs": ("ACHT Aylesbury", "nurse", "Band 6", 5, True, False),
        "Sam Smith": ("ACHT Night Team", "hca", "", 6, True, False),
    }
    assert stored_shifts(desk) == [
        ("Jo Bloggs", utc(2026, 11, 23, 8), utc(2026, 11, 23, 16)),
        ("Jo Bloggs", utc(2026, 11, 24, 8), utc(2026, 11, 24, 16)),
        # 21:00 BST to 07:30 GMT over the October clock change: 11.5 hours.
        ("Sam Smith", utc(2026, 10, 24, 20), utc(2026, 10, 25, 7, 30)),
    ]


def test_the_same_rota_twice_adds_nothing_new(desk: DeskService) -> None:
    apply(desk, rows(*ROTA))
    staff, shifts = stored_staff(desk), stored_shifts(desk)

    again = apply(desk, rows(*ROTA))

    assert again == RotaApplied(staff_added=0, staff_updated=0, shifts_added=0, shifts_replaced=3)
    assert stored_staff(desk) == staff
    assert stored_shifts(desk) == shifts


def test_a_changed_rota_updates_the_person_and_replaces_the_end_of_a_shift(
    desk: DeskService,
) -> None:
    apply(desk, rows(*ROTA))

    changed = apply(
        desk,
        rows(
            "ACHT Aylesbury,Jo Bloggs,Physiotherapist,23/11/2026,08:00,17:30,7,Band 7",
            "ACHT Aylesbury,Jo Bloggs,physiotherapist,25/11/2026,08:00,16:00,7,Band 7",
            "ACHT Aylesbury,Sam Smith,nurse,25/11/2026,08:00,16:00,,",  # a new person, same name
        ),
    )

    assert changed == RotaApplied(staff_added=1, staff_updated=1, shifts_added=2, shifts_replaced=1)
    with Session(desk.engine) as session:
        people = session.exec(select(StaffMember).order_by(StaffMember.id)).all()
        assert [(person.name, person.role, person.band, person.capacity) for person in people] == [
            ("Jo Bloggs", StaffRole.PHYSIOTHERAPIST.value, "Band 7", 7),
            ("Sam Smith", StaffRole.HCA.value, "", 6),
            ("Sam Smith", StaffRole.NURSE.value, "", 6),
        ]
    assert stored_shifts(desk) == [
        ("Jo Bloggs", utc(2026, 11, 23, 8), utc(2026, 11, 23, 17, 30)),
        ("Jo Bloggs", utc(2026, 11, 24, 8), utc(2026, 11, 24, 16)),
        ("Jo Bloggs", utc(2026, 11, 25, 8), utc(2026, 11, 25, 16)),
        ("Sam Smith", utc(2026, 10, 24, 20), utc(2026, 10, 25, 7, 30)),
        ("Sam Smith", utc(2026, 11, 25, 8), utc(2026, 11, 25, 16)),
    ]


def test_a_person_made_inactive_is_active_again_when_a_rota_names_them(
    desk: DeskService,
) -> None:
    apply(desk, rows(ROTA[0]))
    with Session(desk.engine) as session, session.begin():
        person = session.exec(select(StaffMember)).one()
        person.active = False

    again = apply(desk, rows(ROTA[0]))

    assert again == RotaApplied(staff_added=0, staff_updated=1, shifts_added=0, shifts_replaced=1)
    assert stored_staff(desk)["Jo Bloggs"][4] is True


def test_an_unknown_team_raises_and_the_rolled_back_transaction_stores_nothing(
    desk: DeskService,
) -> None:
    good = rows(*ROTA)
    stray = RotaRow(
        line=9,
        team="ACHT Nowhere",
        name="Alex Green",
        role=StaffRole.NURSE,
        starts_at=utc(2026, 11, 23, 8),
        ends_at=utc(2026, 11, 23, 16),
        capacity=6,
        band="",
    )

    with (
        pytest.raises(ValueError, match="ACHT Nowhere"),
        Session(desk.engine) as session,
        session.begin(),
    ):
        # The first call's rows are flushed; the caller's rollback must take them away too.
        assert apply_rota(session=session, rows=good).shifts_added == 3
        apply_rota(session=session, rows=[*good, stray])

    assert stored_staff(desk) == {}
    assert stored_shifts(desk) == []


def test_the_same_start_twice_in_one_call_is_added_once_then_replaced(desk: DeskService) -> None:
    # `parse_rota` refuses such a file; `apply_rota` still counts as it did row by row.
    first, later = rows(ROTA[0])[0], rows(ROTA[0].replace("16:00", "17:00"))[0]

    applied = apply(desk, [first, later])

    assert applied == RotaApplied(staff_added=1, staff_updated=0, shifts_added=1, shifts_replaced=1)
    assert stored_shifts(desk) == [("Jo Bloggs", utc(2026, 11, 23, 8), utc(2026, 11, 23, 17))]


def test_an_import_reports_how_long_it_held_the_write_lock_and_audits_its_counts(
    desk: DeskService,
) -> None:
    done = desk.import_rota("\n".join((HEADER, *ROTA)), by="sup1")

    assert (done.staff_added, done.shifts_added, done.shifts_replaced) == (2, 3, 0)
    assert 0 < done.write_seconds < 5
    with Session(desk.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "rota_imported")).one()
    assert event.actor == "sup1"
    assert event.after == {
        "rows": 3,
        "staff_added": 2,
        "shifts_added": 3,
        "shifts_replaced": 0,
    }


class TeamGoesAfterTheCheck(DeskService):
    """A desk whose first read of the team names is followed, before the import writes, by
    another connection renaming the team the file names: the change an import must not miss
    now that it checks the file outside its write transaction."""

    renamed = False

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with super()._read() as session:
            yield session
        if not self.renamed:
            self.renamed = True
            with Session(self.engine) as other, other.begin():
                team = other.exec(select(Team).where(Team.name == "ACHT Night Team")).one()
                team.name = "ACHT Nights"


def test_a_team_renamed_between_the_check_and_the_write_is_refused_by_line(
    desk: DeskService,
) -> None:
    racing = TeamGoesAfterTheCheck(desk.engine, clock=desk.clock)

    done = racing.import_rota("\n".join((HEADER, *ROTA)), by="sup1")

    assert [(error.line, error.column) for error in done.parsed.errors] == [(4, "team")]
    assert "No team by that name" in done.parsed.errors[0].message
    assert stored_staff(desk) == {} and stored_shifts(desk) == []
    with Session(desk.engine) as session:
        assert (
            session.exec(select(AuditEvent).where(AuditEvent.action == "rota_imported")).all() == []
        )
