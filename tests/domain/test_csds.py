"""The national return's rows and the four UCR measures from them (issue 19 point 3), and the UCR
question's rules on the call form."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from screens.ucr_measures import ucr_measures_text
from spr_desk.call_form import (
    UCR_CONDITION_NEEDED,
    UCR_REASON_NEEDED,
    CallForm,
    response_of,
    ucr_errors,
)
from spr_desk.csds import (
    CsdsSource,
    MonthError,
    csds_rows,
    month_instants,
    parse_month,
    ucr_measures_of,
)
from spr_desk.csds_codes import CYP101_COLUMNS, CYP102_COLUMNS, CYP201_COLUMNS, UCR_REASON
from spr_desk.csds_ucr import ucr_words
from spr_desk.demo import demo_calls, demo_ucr
from spr_desk.matrix import ALL_AVAILABLE, recommend
from spr_desk.rules import default_rules
from spr_desk.vocabulary import Response, UcrCondition

T = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)  # GMT: UK local is UTC


def rapid(reference: str, *, received: datetime = T, **given: object) -> CsdsSource:
    fields: dict[str, object] = {
        "status": "responded",
        "referrer_role": "gp_or_practice_nurse",
        "setting": "home",
        "response": "rapid",
        "lead": "nurse",
        "ucr_condition": "fall",
        "team": "ACHT Aylesbury",
    }
    return CsdsSource(reference=reference, received_at=received, **(fields | given))  # type: ignore[arg-type]


# months ---------------------------------------------------------------------------------


def test_a_month_is_its_uk_local_days_across_a_clock_change() -> None:
    assert parse_month(" 2026-11 ") == date(2026, 11, 1)
    start, end = month_instants(parse_month("2026-03"))
    assert start == datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # GMT
    assert end == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)  # 1 April 00:00 BST
    start, end = month_instants(parse_month("2026-12"))
    assert (start, end) == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "2026/11", "November", ""])
def test_anything_but_a_month_is_refused_in_words(text: str) -> None:
    with pytest.raises(MonthError, match=r"^--month: "):
        parse_month(text)


# rows -------------------------------------------------------------------------------------


def test_each_referral_has_its_row_in_each_table_in_the_national_columns_to_the_minute() -> None:
    source = rapid(
        "SPR-1",
        received=datetime(2026, 7, 1, 13, 5, 59, tzinfo=UTC),  # 14:05:59 BST
        responded_at=datetime(2026, 7, 1, 14, 40, 30, tzinfo=UTC),
        closed_at=datetime(2026, 7, 3, 23, 30, tzinfo=UTC),  # 4 July, UK local
    )
    rows = csds_rows([source], "2026-07", provider="RXQ")
    (referral,), (team,), (contact,) = rows.cyp101, rows.cyp102, rows.cyp201
    assert tuple(referral) == CYP101_COLUMNS and tuple(team) == CYP102_COLUMNS
    assert tuple(contact) == CYP201_COLUMNS
    assert referral["referral_request_received_date"] == "2026-07-01"
    assert referral["referral_request_received_time"] == "14:05:00"
    assert (
        referral["primary_reason_for_referral_community_care"]
        == UCR_REASON[UcrCondition.FALL_NO_SERIOUS_INJURY]
    )
    assert (referral["priority_type_code"], referral["organisation_code_provider"]) == ("2", "RXQ")
    assert referral["service_discharge_date"] == "2026-07-04"
    assert (contact["care_contact_date"], contact["care_contact_time"]) == (
        "2026-07-01",
        "15:40:00",
    )
    assert team["referral_closure_date"] == "2026-07-04" and team["referral_rejection_date"] == ""


def test_only_a_rapid_referral_carries_its_condition_and_not_ucr_carries_none() -> None:
    rows = csds_rows(
        [
            rapid("A", response="fast"),  # a condition left on a Fast call: not reported
            rapid("B", ucr_condition="not_ucr"),
            rapid("C", ucr_condition=None),
        ],
        "2026-11",
    )
    assert [row["primary_reason_for_referral_community_care"] for row in rows.cyp101] == [""] * 3


def test_a_cancelled_referral_is_rejected_and_a_typed_formula_is_text() -> None:
    cancelled = rapid("=HYPERLINK(1)", status="cancelled", team="+Team", ended_at=T + timedelta(1))
    rows = csds_rows([cancelled], "2026-11")
    assert rows.cyp101[0]["service_request_identifier"] == "'=HYPERLINK(1)"
    assert rows.cyp102[0]["team_unique_identifier"] == "'+Team"
    assert rows.cyp102[0]["referral_rejection_date"] == "2026-11-11"
    assert rows.cyp201 == []


# measures ---------------------------------------------------------------------------------


def test_the_measures_count_the_standard_to_the_minute_from_the_rows() -> None:
    sources = [
        rapid("on-time", responded_at=T + timedelta(hours=2, seconds=59)),  # 2:00 to the minute
        rapid("late", responded_at=T + timedelta(hours=2, minutes=1)),
        rapid("waiting"),  # not reached yet: not met
        rapid("withdrawn", status="cancelled"),  # not taken on: not counted
        rapid("not-ucr", ucr_condition="not_ucr", responded_at=T + timedelta(hours=1)),
        rapid("fast", response="fast", ucr_condition=None, responded_at=T + timedelta(hours=5)),
    ]
    measures = ucr_measures_of(csds_rows(sources, "2026-11"), population=200_000)
    assert (measures.referrals, measures.two_hour_referrals, measures.two_hour_counted) == (6, 4, 3)
    assert measures.two_hour_met == 1
    assert measures.percent_met == pytest.approx(100 / 3)
    assert (measures.contacts, measures.two_hour_contacts) == (4, 2)
    assert measures.rate_per_100k == pytest.approx(2.0)


def test_the_two_hours_are_real_time_across_the_clocks_going_forward() -> None:
    received = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 00:30 GMT
    reached = datetime(2026, 3, 29, 2, 15, tzinfo=UTC)  # 03:15 BST: 1 h 45 later
    rows = csds_rows([rapid("DST", received=received, responded_at=reached)], "2026-03")
    assert rows.cyp201[0]["care_contact_time"] == "03:15:00"
    assert ucr_measures_of(rows).two_hour_met == 1


def test_the_supervisors_lines_say_the_figures_in_words() -> None:
    sources = [rapid("X", responded_at=T + timedelta(hours=1)), rapid("Y")]
    text = ucr_measures_text(ucr_measures_of(csds_rows(sources, "2026-11"), population=100_000))
    assert text.plain.splitlines() == [
        "UCR measures for 2026-11 (as in the CSDS return)",
        "2-hour referrals reached within 2 hours: 50.0% (1 of 2) - BELOW the 70% standard",
        "Referrals received: 2 (2-hour UCR: 2)",
        "Contacts delivered: 1 (2-hour UCR: 1)",
        "2-hour UCR referrals per 100,000 population: 2.0 (population 100,000)",
    ]
    empty = ucr_measures_text(ucr_measures_of(csds_rows([], "2026-11")))
    assert "no 2-hour referrals to count" in empty.plain


# the question on the call form ------------------------------------------------------------


def test_a_rapid_response_needs_a_condition_or_not_ucr_with_its_reason() -> None:
    assert ucr_errors(CallForm(), Response.RAPID) == {"ucr_condition": UCR_CONDITION_NEEDED}
    assert ucr_errors(CallForm(ucr_condition="gout"), Response.RAPID) == {
        "ucr_condition": UCR_CONDITION_NEEDED
    }
    not_ucr = CallForm(ucr_condition="not_ucr", ucr_not_reason="  \x00 ")
    assert ucr_errors(not_ucr, Response.RAPID) == {"ucr_not_reason": UCR_REASON_NEEDED}
    assert ucr_errors(CallForm(ucr_condition="fall"), Response.RAPID) == {}
    for response in (Response.FAST, Response.NORMAL, None):
        assert ucr_errors(CallForm(), response) == {}


def test_the_response_asked_about_is_the_cell_chosen_else_the_matrixs() -> None:
    assert response_of(CallForm(), Response.RAPID) is Response.RAPID
    chosen = CallForm(chosen_response="fast", chosen_lead="nurse")
    assert response_of(chosen, Response.RAPID) is Response.FAST
    assert response_of(CallForm(chosen_response="fast"), None) is None  # half a cell


def test_the_draft_keeps_the_ucr_answer_and_the_words_say_it() -> None:
    form = CallForm(ucr_condition="not_ucr", ucr_not_reason="Planned support")
    assert CallForm.from_dict(form.to_dict()) == form
    assert ucr_words("not_ucr", "Planned support") == "not UCR: Planned support"
    assert ucr_words("fall") == "fall, no serious injury (2-hour UCR)"


def test_every_rapid_demo_call_has_an_answer_mostly_a_condition_and_no_other_has_one() -> None:
    rules = default_rules()
    now = datetime(2026, 11, 23, 11, tzinfo=UTC)
    calls = demo_calls(7, now, rules)
    rapid_calls = [
        demo.call
        for demo in calls
        if recommend(demo.call.facts, ALL_AVAILABLE, demo.call.received_at, rules).response
        is Response.RAPID
    ]
    others = [demo.call for demo in calls if demo.call not in rapid_calls]
    assert rapid_calls and all(call.ucr_condition is not None for call in rapid_calls)
    not_ucr = [call for call in rapid_calls if call.ucr_condition is UcrCondition.NOT_UCR]
    assert 0 < len(not_ucr) < len(rapid_calls) / 4
    assert all(call.ucr_not_reason for call in not_ucr)
    assert all(call.ucr_condition is None for call in others)


def test_a_demo_answer_follows_the_needs_when_they_name_a_condition() -> None:
    from spr_desk.facts import TriageFacts
    from spr_desk.vocabulary import Need, Pathway, Setting

    facts = TriageFacts(
        pathway=Pathway.STEP_UP,
        setting=Setting.HOME,
        age=80,
        red_flags=frozenset(),
        needs=frozenset({Need.FALL_NO_INJURY}),
        urgency=frozenset(),
    )
    answers = {demo_ucr(random.Random(seed), facts)[0] for seed in range(40)}
    assert answers == {UcrCondition.FALL_NO_SERIOUS_INJURY, UcrCondition.NOT_UCR}


def test_a_live_figure_leaves_out_a_referral_still_inside_its_two_hours() -> None:
    sources = [
        rapid("reached", responded_at=T + timedelta(minutes=50)),
        rapid("waiting", received=T + timedelta(hours=1)),  # 1 h old at NOW: still in time
        rapid("missed", received=T - timedelta(hours=3)),  # 4 h old, never reached: missed
        rapid("unanswered", ucr_condition=None),  # Rapid with no UCR answer
    ]
    rows = csds_rows(sources, "2026-11")
    assert rows.rapid_without_condition == ["unanswered"]
    now = T + timedelta(hours=2)
    live = ucr_measures_of(rows, now=now)
    assert (live.two_hour_counted, live.two_hour_met, live.two_hour_in_progress) == (2, 1, 1)
    assert live.rapid_without_condition == 1
    assert ucr_measures_of(rows).two_hour_counted == 3  # the return as filed: every one counts
    words = ucr_measures_text(live).plain
    assert "Still inside their 2 hours, not yet counted: 1" in words
    assert "Rapid referrals with no UCR answer (not in the 2-hour figures): 1" in words
