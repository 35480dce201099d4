"""The referrals CSV export: every referral in the UK-day range once, values as stored, formula
cells defused, progress reported, on every backend."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from db import export
from db.desk import DeskService
from db.export import EXPORT_COLUMNS, write_csv
from db.models import Locality, Patient, Referral, Referrer
from spr_desk.csv_text import FORMULA_STARTS, safe_text
from spr_desk.facts import parse_facts
from spr_desk.referral import NewReferral, PatientDetails, ReferrerDetails
from spr_desk.uktime import uk_days
from spr_desk.vocabulary import ReferrerRole

# Where each column comes from, when it is not the referral's own attribute of that name.
SOURCES = {
    "locality": ("locality", "name"),
    "referrer_role": ("referrer", "role"),
    "referrer_organisation": ("referrer", "organisation"),
    "nhs_number": ("patient", "nhs_number"),
    "patient_family_name": ("patient", "family_name"),
    "patient_given_name": ("patient", "given_name"),
}


def call_at(received_at: datetime, organisation: str = "Meadowbank Surgery") -> NewReferral:
    """Ethel's call (as in test_desk.py), received at `received_at`."""
    return NewReferral(
        received_at=received_at,
        referrer=ReferrerDetails(
            "Dr Amy Stone", ReferrerRole.GP_OR_PRACTICE_NURSE, organisation, "01296 555 010"
        ),
        patient=PatientDetails(
            nhs_number="9434765919",
            given_name="Ethel",
            family_name="Example",
            date_of_birth=date(1945, 5, 1),
            postcode="HP20 1AA",
            lives_alone=True,
        ),
        facts=parse_facts(
            {
                "pathway": "step_up",
                "setting": "home",
                "age": 81,
                "needs": ["dehydration", "personal_care"],
                "urgency": ["unsafe_alone_tonight"],
            }
        ),
        locality="Aylesbury",
    )


def exported(desk: DeskService, first: date, last: date) -> tuple[str, list[dict[str, str]]]:
    start, end = uk_days(first, last)
    handle = io.StringIO(newline="")
    count = desk.export_referrals(start, end, handle)
    text = handle.getvalue()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == EXPORT_COLUMNS
    rows = list(reader)
    assert count == len(rows)
    return text, rows


def references_received(desk: DeskService, start: datetime, end: datetime) -> set[str]:
    with Session(desk.engine) as session:
        query = select(Referral.reference).where(
            col(Referral.received_at) >= start, col(Referral.received_at) < end
        )
        return set(session.exec(query).all())


def assert_cell_matches(column: str, cell: str, stored: object) -> None:
    if stored is None:
        assert cell == "", column
    elif isinstance(stored, bool):
        assert cell == ("true" if stored else "false"), column
    elif isinstance(stored, datetime):
        assert cell.endswith("+00:00"), (column, cell)
        assert datetime.fromisoformat(cell) == stored, column
    else:
        assert isinstance(stored, str), column
        guarded = stored.startswith(FORMULA_STARTS)
        assert cell == ("'" + stored if guarded else stored), column


def test_the_export_holds_each_referral_in_the_range_once_with_the_stored_values(
    demo_desk: DeskService,
) -> None:
    first, last = date(2026, 11, 18), date(2026, 11, 20)
    start, end = uk_days(first, last)
    text, rows = exported(demo_desk, first, last)

    expected = references_received(demo_desk, start, end)
    with Session(demo_desk.engine) as session:
        everything = session.exec(select(func.count(col(Referral.id)))).one()
    assert expected and len(expected) < everything, "the range must leave some referrals out"
    references = [row["reference"] for row in rows]
    assert len(references) == len(set(references)) and set(references) == expected
    received = [datetime.fromisoformat(row["received_at"]) for row in rows]
    assert received == sorted(received) and all(start <= at < end for at in received)
    assert "\x1b" not in text and "[/" not in text

    with Session(demo_desk.engine) as session:
        for row in rows:
            referral = session.exec(
                select(Referral).where(Referral.reference == row["reference"])
            ).one()
            parts = {
                "referral": referral,
                "patient": session.get(Patient, referral.patient_id),
                "referrer": session.get(Referrer, referral.referrer_id),
                "locality": session.get(Locality, referral.locality_id),
            }
            for column in EXPORT_COLUMNS:
                owner, attribute = SOURCES.get(column, ("referral", column))
                source = parts[owner]
                stored = None if source is None else getattr(source, attribute)
                assert_cell_matches(column, row[column], stored)


def test_uk_days_are_local_midnights_in_utc_across_the_clock_changes() -> None:
    assert uk_days(date(2026, 7, 1), date(2026, 7, 7)) == (
        datetime(2026, 6, 30, 23, tzinfo=UTC),
        datetime(2026, 7, 7, 23, tzinfo=UTC),
    )
    assert uk_days(date(2026, 11, 1), date(2026, 11, 7)) == (
        datetime(2026, 11, 1, tzinfo=UTC),
        datetime(2026, 11, 8, tzinfo=UTC),
    )
    # The day the clocks go back lasts 25 hours.
    start, end = uk_days(date(2026, 10, 25), date(2026, 10, 25))
    assert end - start == timedelta(hours=25)


def test_the_range_runs_from_uk_midnight_to_uk_midnight_in_summer_time(desk: DeskService) -> None:
    def record(at: datetime) -> str:
        return desk.record_referral(call_at(at), by="handler1").reference

    before = record(datetime(2026, 6, 30, 22, 59, 59, tzinfo=UTC))  # 23:59:59 BST, 30 June
    first = record(datetime(2026, 6, 30, 23, 0, tzinfo=UTC))  # 00:00 BST, 1 July
    last = record(datetime(2026, 7, 7, 22, 59, 59, tzinfo=UTC))  # 23:59:59 BST, 7 July
    after = record(datetime(2026, 7, 7, 23, 0, tzinfo=UTC))  # 00:00 BST, 8 July

    _text, rows = exported(desk, date(2026, 7, 1), date(2026, 7, 7))
    assert [row["reference"] for row in rows] == [first, last]
    assert rows[0]["received_at"] == "2026-06-30T23:00:00+00:00"
    assert {before, after}.isdisjoint(row["reference"] for row in rows)

    _text, rows = exported(desk, date(2026, 6, 30), date(2026, 6, 30))
    assert [row["reference"] for row in rows] == [before]
    text, rows = exported(desk, date(2026, 7, 2), date(2026, 7, 6))
    assert rows == [] and text.splitlines() == [",".join(EXPORT_COLUMNS)]


def test_a_cell_that_would_run_as_a_formula_is_written_as_text(desk: DeskService) -> None:
    organisation = '=HYPERLINK("http://evil.example/?x=1","Click, please")'
    desk.record_referral(
        call_at(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), organisation), by="handler1"
    )
    text, rows = exported(desk, date(2026, 11, 20), date(2026, 11, 20))
    assert rows[0]["referrer_organisation"] == "'" + organisation
    assert rows[0]["referrer_organisation"].startswith("'=HYPERLINK(")
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1296 555010", "'+44 1296 555010"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),  # OWASP: a leading tab or carriage return can start one too
        ("\r=1+1", "'\r=1+1"),
        ("Meadowbank Surgery", "Meadowbank Surgery"),
        ("Meadowbank\tSurgery", "Meadowbank\tSurgery"),
        ("O'Neill", "O'Neill"),
        ("", ""),
    ],
)
def test_safe_text_prefixes_only_formula_starts(value: str, cell: str) -> None:
    assert safe_text(value) == cell


def test_progress_is_reported_every_thousand_rows() -> None:
    row = dict.fromkeys(EXPORT_COLUMNS, "x")
    seen: list[int] = []
    handle = io.StringIO(newline="")
    assert write_csv((row for _ in range(2500)), handle, seen.append) == 2500
    assert seen == [1000, 2000]
    lines = handle.getvalue().splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS) and len(lines) == 2501


def test_the_desk_export_reports_progress_as_it_streams(
    demo_desk: DeskService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PROGRESS_EVERY", 40)
    seen: list[int] = []
    start, end = uk_days(date(2026, 11, 1), date(2026, 11, 30))
    count = demo_desk.export_referrals(start, end, io.StringIO(newline=""), seen.append)
    assert count > 80
    assert seen == list(range(40, count + 1, 40))
