"""`spr-desk export csds`: the demo month's national return, read back as the commissioner would
read it, and its UCR measures recomputed from the files with code of the test's own."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from desk_databases import opened_desk
from tests_support import mode_of

from db.desk import DeskService
from spr_desk.audit_actions import AuditAction
from spr_desk.call_form import UCR_CONDITION_NEEDED, CallForm, FormErrors, referral_from
from spr_desk.entrypoints.cli import main
from spr_desk.sample_calls import ETHEL
from spr_desk.uktime import as_local, utc_now
from spr_desk.vocabulary import Response

MONTH = "2026-11"  # the demo data's seven days end at FROZEN_NOW, 2026-11-23
LONDON = ZoneInfo("Europe/London")
CYP101 = [
    "service_request_identifier",
    "referral_request_received_date",
    "referral_request_received_time",
    "source_of_referral_for_community",
    "primary_reason_for_referral_community_care",
    "priority_type_code",
    "referring_care_professional_staff_group_community_care",
    "referring_organisation_code",
    "organisation_code_provider",
    "service_discharge_date",
]
CYP201_NAMED = [  # the care contact's columns as NHS.md section 3 lists them
    "care_contact_identifier",
    "care_contact_date",
    "care_contact_time",
    "attended_or_did_not_attend_code",
    "consultation_mechanism_community_care",
    "activity_location_type_code",
    "clinical_contact_duration_of_care_contact",
]
TWO_HOUR_CODES = {f"U{n}" for n in range(1, 10)}  # the nine conditions' codes in the return


@pytest.fixture
def demo_url(tmp_path: Path, templates: object) -> str:
    return templates.sqlite_copy("demo", tmp_path / "desk.db")  # type: ignore[attr-defined]


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def instant(day: str, clock: str) -> datetime:
    local = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M:%S").replace(tzinfo=LONDON)
    return local.astimezone(UTC)


def test_the_demo_months_return_has_the_national_columns_minutes_and_the_desks_measures(
    demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "return"
    out.mkdir()
    assert main(["export", "csds", "--month", MONTH, "-o", str(out), "--db", demo_url]) == 0
    said = capsys.readouterr().err
    assert said.startswith(f"Wrote the CSDS return for {MONTH} to {out}: ")
    assert sorted(p.name for p in out.iterdir()) == ["CYP101.csv", "CYP102.csv", "CYP201.csv"]
    assert all(mode_of(path) == 0o600 for path in out.iterdir())

    columns, referrals = read(out / "CYP101.csv")
    assert columns == CYP101
    team_columns, teams = read(out / "CYP102.csv")
    assert team_columns[0] == "service_request_identifier"
    assert {"referral_closure_date", "referral_rejection_date"} <= set(team_columns)
    contact_columns, contacts = read(out / "CYP201.csv")
    assert [name for name in contact_columns if name in CYP201_NAMED] == CYP201_NAMED
    assert len(referrals) > 150 and len(contacts) > 100 and len(teams) == len(referrals)

    minute = re.compile(r"\d{2}:\d{2}:00")
    iso_day = re.compile(r"2026-11-\d{2}")
    assert all(minute.fullmatch(row["referral_request_received_time"]) for row in referrals)
    assert all(iso_day.fullmatch(row["referral_request_received_date"]) for row in referrals)
    assert all(minute.fullmatch(row["care_contact_time"]) for row in contacts)

    # The four measures, from the files alone.
    received = {
        row["service_request_identifier"]: instant(
            row["referral_request_received_date"], row["referral_request_received_time"]
        )
        for row in referrals
    }
    two_hour = {
        row["service_request_identifier"]
        for row in referrals
        if row["primary_reason_for_referral_community_care"] in TWO_HOUR_CODES
    }
    rejected = {
        row["service_request_identifier"] for row in teams if row["referral_rejection_date"]
    }
    first_contact = {
        row["service_request_identifier"]: instant(
            row["care_contact_date"], row["care_contact_time"]
        )
        for row in contacts
    }
    counted = two_hour - rejected
    met = [
        key
        for key in counted
        if key in first_contact and first_contact[key] - received[key] <= timedelta(hours=2)
    ]
    assert len(two_hour) > 10 and 0 < len(met) < len(counted)

    with opened_desk(demo_url, utc_now()) as desk:
        measures = desk.ucr_measures(MONTH)
        events, _ = desk.audit_events()
        (exported,) = [e for e in events if e.action == AuditAction.CSDS_EXPORTED.value]
        event = desk.audit_event(exported.event_id)  # who, when, which month, how many rows
    assert measures.referrals == len(referrals)
    assert measures.two_hour_referrals == len(two_hour)
    assert measures.percent_met == pytest.approx(100 * len(met) / len(counted))
    assert measures.contacts == len(contacts)
    assert measures.two_hour_contacts == len(two_hour & set(first_contact))
    assert measures.rate_per_100k == pytest.approx(100_000 * len(two_hour) / measures.population)

    assert event.actor and (event.entity, event.entity_id) == ("csds", MONTH)
    assert event.after == {
        "month": MONTH,
        "CYP101": len(referrals),
        "CYP102": len(teams),
        "CYP201": len(contacts),
    }


@pytest.mark.parametrize("month", ["2026-13", "November", "2026-1", ""])
def test_a_bad_month_is_refused_in_one_line_with_exit_2(
    month: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "desk.db"
    assert (
        main(["export", "csds", "--month", month, "-o", str(tmp_path), "--db", f"sqlite:///{db}"])
        == 2
    )
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("spr-desk: --month")
    assert not db.exists() and list(tmp_path.iterdir()) == []


def test_recording_keeps_the_condition_on_a_rapid_referral_only(sqlite_desk: DeskService) -> None:
    today = as_local(sqlite_desk.now()).date()

    def form(**given: object) -> CallForm:
        return CallForm.from_dict({**ETHEL, "red_flags_cleared": True, **given})

    with pytest.raises(FormErrors) as refused:
        referral_from(form(ucr_condition=""), sqlite_desk.now(), today, response=Response.RAPID)
    assert refused.value.errors == {"ucr_condition": UCR_CONDITION_NEEDED}

    rapid = referral_from(form(ucr_condition="fall"), sqlite_desk.now(), today)
    fast = referral_from(
        form(ucr_condition="fall", urgency=["deteriorating"]), sqlite_desk.now(), today
    )
    not_ucr = referral_from(
        form(ucr_condition="not_ucr", ucr_not_reason="Planned support"), sqlite_desk.now(), today
    )
    got = {}
    for name, call in (("rapid", rapid), ("fast", fast), ("not_ucr", not_ucr)):
        detail = sqlite_desk.detail(sqlite_desk.record_referral(call, by="h1").reference)
        got[name] = (detail.summary.response, detail.ucr_condition, detail.ucr_not_reason)
    assert got == {
        "rapid": (Response.RAPID, "fall", None),
        "fast": (Response.FAST, None, None),
        "not_ucr": (Response.RAPID, "not_ucr", "Planned support"),
    }


def test_a_cancelled_referral_is_rejected_on_the_day_it_was_cancelled_not_of_a_later_note(
    sqlite_desk: DeskService,
) -> None:
    """A note at any status moves the row's updated_at; the rejection date stays the cancel's."""
    from spr_desk.vocabulary import NoteKind, Status

    received = sqlite_desk.now()
    form = CallForm.from_dict({**ETHEL, "red_flags_cleared": True})
    call = referral_from(form, received, as_local(received).date())
    reference = sqlite_desk.record_referral(call, by="h1").reference
    sqlite_desk.move(reference, Status.CANCELLED, by="h1", reason="Admitted before the visit")
    later = received + timedelta(days=12)
    sqlite_desk.now = lambda: later  # type: ignore[method-assign]
    sqlite_desk.add_note(reference, kind=NoteKind.NOTE, text="Family rang to thank us", by="h1")

    rows = sqlite_desk.csds_return(as_local(received).strftime("%Y-%m"))
    [team] = [row for row in rows.cyp102 if row["service_request_identifier"] == reference]
    assert team["referral_rejection_date"] == as_local(received).date().isoformat()
