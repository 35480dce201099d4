"""Every parser a person or a file feeds, given any text at all: a value, or a refusal in words
that names what was wrong. Never another exception (issue 7: at least 500 examples each).

The date-of-birth, postcode, phone, call-form and rota-file parsers have their own properties
beside their unit tests (test_validation.py, test_call_form.py, test_rota_csv.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from spr_desk.desk_hours import DAY_STARTS_ENV, NIGHT_STARTS_ENV, hours_from_env
from spr_desk.facts import FieldError
from spr_desk.nhs_number import NhsNumberError, format_nhs_number, parse_nhs_number
from spr_desk.passwords import password_problem
from spr_desk.queue_view import search_digits
from spr_desk.roles import Role, parse_role
from spr_desk.scenario import load_scenario
from spr_desk.sign_in import IDLE_ENV, idle_from_env, username_problem
from spr_desk.uktime import parse_local
from spr_desk.validation import InputError, parse_day

EXAMPLES = settings(max_examples=500, deadline=None)
TYPED = st.text(st.characters(codec="utf-8"), max_size=40)
"""What a keyboard, a paste or a file can put in a field (surrogates cannot be encoded)."""
DIGITISH = st.text(st.sampled_from("0123456789 -9٣"), max_size=16)
"""Near misses: digits with separators, and a non-ASCII digit that `isdigit` accepts."""
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TYPED,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TYPED, inner, max_size=4),
    max_leaves=12,
)


@EXAMPLES
@given(TYPED | DIGITISH)
@example("943 476 5919")
@example("٩٤٣٤٧٦٥٩١٩")
def test_an_nhs_number_is_ten_checked_digits_or_a_refusal(text: str) -> None:
    try:
        digits = parse_nhs_number(text)
    except NhsNumberError as refused:
        assert "NHS number" in str(refused)
        return
    assert len(digits) == 10 and digits.isascii() and digits.isdigit()
    assert parse_nhs_number(format_nhs_number(digits)) == digits


@EXAMPLES
@given(TYPED)
@example("[]")
@example('{"at": "2026-13-01T00:00", "facts": {}}')
def test_any_scenario_text_is_a_scenario_or_names_its_field(text: str) -> None:
    _scenario_or_field_error(text)


@EXAMPLES
@given(st.dictionaries(st.sampled_from(["at", "facts", "availability", "x"]), JSON, max_size=4))
def test_any_json_scenario_is_a_scenario_or_names_its_field(data: dict) -> None:
    _scenario_or_field_error(json.dumps(data))


def _scenario_or_field_error(text: str) -> None:
    try:
        scenario = load_scenario(text)
    except FieldError as refused:
        assert refused.field and str(refused).startswith(f"{refused.field}: ")
        return
    assert scenario.at.tzinfo is not None


@EXAMPLES
@given(TYPED)
@example("31/02/2026")
@example("9999-12-31")
def test_a_report_day_is_a_day_in_range_or_a_refusal_in_words(text: str) -> None:
    try:
        day = parse_day(text)
    except InputError as refused:
        assert str(refused).startswith(("Type the date", "Check the year", "No such date"))
        return
    assert isinstance(day, date) and 2000 <= day.year <= 2999


@EXAMPLES
@given(TYPED | st.datetimes().map(datetime.isoformat))
@example("0001-01-01T00:00:00+14:00")
@example("9999-12-31T23:59:59-14:00")
def test_a_handover_time_is_an_aware_time_or_a_value_error(text: str) -> None:
    try:
        moment = parse_local(text)
    except ValueError:
        return
    assert moment.tzinfo is not None


@EXAMPLES
@given(TYPED, TYPED)
@example("25:00", "")
@example("21:00", "07:30")
def test_desk_hours_from_the_environment_are_hours_or_a_value_error_naming_them(
    day: str, night: str
) -> None:
    try:
        hours = hours_from_env({DAY_STARTS_ENV: day, NIGHT_STARTS_ENV: night})
    except ValueError as refused:
        assert DAY_STARTS_ENV in str(refused) or NIGHT_STARTS_ENV in str(refused)
        return
    assert hours.day_starts < hours.night_starts


@EXAMPLES
@given(TYPED)
@example("١٠")
def test_the_idle_time_is_whole_minutes_or_a_value_error_naming_it(text: str) -> None:
    try:
        idle = idle_from_env({IDLE_ENV: text})
    except ValueError as refused:
        assert str(refused).startswith(IDLE_ENV)
        return
    assert 60 <= idle.total_seconds() <= 240 * 60


@EXAMPLES
@given(TYPED)
def test_a_role_is_a_role_or_names_the_choices(text: str) -> None:
    try:
        role = parse_role(text)
    except ValueError as refused:
        assert all(str(r) in str(refused) for r in Role)
        return
    assert role in Role


@EXAMPLES
@given(TYPED, TYPED)
def test_user_names_and_passwords_are_accepted_or_refused_in_words(
    name: str, password: str
) -> None:
    for problem in (username_problem(name), password_problem(name, password)):
        assert problem is None or problem.endswith(".")
    if username_problem(name) is None:
        assert name.isascii() and name == name.lower() and 2 <= len(name) <= 40


@EXAMPLES
@given(TYPED)
def test_the_search_box_reads_only_ascii_digits_as_a_number(text: str) -> None:
    digits = search_digits(text)
    assert digits == "" or (digits.isascii() and digits.isdigit())
