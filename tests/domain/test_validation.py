"""What a handler types: postcodes, call-back numbers and dates of birth, cleaned or refused."""

from __future__ import annotations

import contextlib
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spr_desk.validation import (
    MAX_AGE_YEARS,
    InputError,
    age_on,
    parse_date_of_birth,
    parse_day,
    parse_phone,
    parse_postcode,
)

EXAMPLES = settings(max_examples=500, deadline=None)
TODAY = date(2025, 3, 10)


# Postcodes


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("HP20 1AA", "HP20 1AA"),
        ("hp201aa", "HP20 1AA"),
        ("  hp20   1aa ", "HP20 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_a_valid_postcode_is_upper_case_with_one_space_before_the_inward_code(typed, standard):
    assert parse_postcode(typed) == standard


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("HP20 1", id="inward letters missing"),
        pytest.param("HP20", id="inward code missing"),
        pytest.param("HP20 AAA", id="letter where the inward digit goes"),
        pytest.param("HPP 1AA", id="letter where the district digit goes"),
        pytest.param("1P20 1AA", id="digit where the area letter goes"),
        pytest.param("QP20 1AA", id="Q never starts a postcode"),
        pytest.param("VA1 1AA", id="V never starts a postcode"),
        pytest.param("XA1 1AA", id="X never starts a postcode"),
        pytest.param("HP20 1CA", id="C is never an inward letter"),
        pytest.param("HP20 1AI", id="I is never an inward letter"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="spaces only"),
        pytest.param("HP20 1AAA", id="too long"),
        pytest.param("HP201 1AA", id="outward code too long"),
        pytest.param("HP20-1AA", id="a dash is not a space"),
    ],
)
def test_an_invalid_postcode_is_refused_with_a_message_about_postcodes(typed):
    with pytest.raises(InputError, match="postcode"):
        parse_postcode(typed)


# Call-back numbers


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("01296 555010", "01296555010"),
        ("+44 (0)1296 555010", "01296555010"),
        ("+44 1296 555010", "01296555010"),
        ("+44 7700 900123", "07700900123"),
        ("07700-900123", "07700900123"),
        ("(01296) 555.010", "01296555010"),
        ("020 7946 0018", "02079460018"),
        ("01632 96070", "0163296070"),
    ],
)
def test_a_uk_number_is_kept_as_its_digits_with_plus_44_read_as_0(typed, digits):
    assert parse_phone(typed) == digits


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("01296 5550", id="nine digits"),
        pytest.param("01296 5550100", id="twelve digits"),
        pytest.param("+44 1296 5550100", id="twelve digits after +44"),
        pytest.param("1296 555010", id="not starting with 0"),
        pytest.param("44 1296 555010", id="44 without the plus"),
        pytest.param("+44", id="the country code alone"),
    ],
)
def test_a_number_of_the_wrong_length_or_start_is_refused(typed):
    with pytest.raises(InputError, match="10 or 11 digits and starts with 0"):
        parse_phone(typed)


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("01296 55501O", id="letter O for zero"),
        pytest.param("call the ward", id="words"),
        pytest.param("01296 555010 ext 4", id="an extension"),
        pytest.param("+1 202 555 0100", id="another country"),
        pytest.param("０１２９６５５５０１０", id="full-width digits"),
        pytest.param("", id="empty"),
    ],
)
def test_a_number_with_anything_but_digits_is_refused(typed):
    with pytest.raises(InputError, match="digits only"):
        parse_phone(typed)


# Dates of birth


@pytest.mark.parametrize(
    "typed",
    ["01/05/1945", "1/5/1945", "01-05-1945", "01.05.1945", "01 05 1945", "01051945", "1945-05-01"],
)
def test_a_date_of_birth_is_read_day_first_in_every_accepted_form(typed):
    assert parse_date_of_birth(typed, TODAY) == date(1945, 5, 1)


def test_spaces_around_a_date_of_birth_are_ignored():
    assert parse_date_of_birth("  01/05/1945\n", TODAY) == date(1945, 5, 1)


def test_a_date_of_birth_is_day_then_month_not_month_then_day():
    assert parse_date_of_birth("02/05/1945", TODAY) == date(1945, 5, 2)
    with pytest.raises(InputError, match="No such date"):
        parse_date_of_birth("05/13/1945", TODAY)


@pytest.mark.parametrize("typed", ["31/02/1945", "29/02/1945", "00/05/1945", "01/00/1945"])
def test_a_day_and_month_that_make_no_date_are_refused(typed):
    with pytest.raises(InputError, match="No such date"):
        parse_date_of_birth(typed, TODAY)


def test_29_february_is_a_date_of_birth_in_a_leap_year():
    assert parse_date_of_birth("29/02/1944", TODAY) == date(1944, 2, 29)


def test_a_date_of_birth_after_today_is_refused():
    with pytest.raises(InputError, match="future"):
        parse_date_of_birth("11/03/2025", TODAY)


def test_a_baby_born_today_has_a_date_of_birth():
    assert parse_date_of_birth("10/03/2025", TODAY) == TODAY


def test_a_date_of_birth_making_the_person_over_130_is_refused():
    with pytest.raises(InputError, match="over 130"):
        parse_date_of_birth("09/03/1894", TODAY)


def test_a_person_of_exactly_130_is_accepted():
    assert MAX_AGE_YEARS == 130
    assert parse_date_of_birth("10/03/1895", TODAY) == date(1895, 3, 10)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "yesterday",
        "1945",
        "01/05/45",
        "1/5/19450",
        "0105194",
        "1945/05/01",
        "01/05/1945 10:00",
        "01/05/1945x",
    ],
)
def test_anything_not_typed_as_a_date_is_refused_with_the_form_to_use(typed):
    with pytest.raises(InputError, match="DD/MM/YYYY"):
        parse_date_of_birth(typed, TODAY)


def test_age_goes_up_on_the_birthday_itself():
    born = date(1945, 5, 1)
    assert age_on(born, date(2025, 4, 30)) == 79
    assert age_on(born, date(2025, 5, 1)) == 80
    assert age_on(born, date(2025, 5, 2)) == 80


def test_age_is_zero_on_the_day_of_birth_and_the_day_before_the_first_birthday():
    born = date(2024, 3, 10)
    assert age_on(born, born) == 0
    assert age_on(born, date(2025, 3, 9)) == 0
    assert age_on(born, date(2025, 3, 10)) == 1


def test_a_29_february_birthday_counts_from_1_march_in_a_year_without_one():
    born = date(1944, 2, 29)
    assert age_on(born, date(2025, 2, 28)) == 80
    assert age_on(born, date(2025, 3, 1)) == 81


def test_a_29_february_birthday_counts_on_the_day_in_a_leap_year():
    born = date(1944, 2, 29)
    assert age_on(born, date(2024, 2, 28)) == 79
    assert age_on(born, date(2024, 2, 29)) == 80


# Properties over anything a handler might type

POSTCODE_CHARACTERS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789 ", max_size=10)
PHONE_CHARACTERS = st.text(alphabet="0123456789+44 ()-.", max_size=20)
DATE_CHARACTERS = st.text(alphabet="0123456789/-. ", max_size=12)


@EXAMPLES
@given(st.one_of(st.text(), POSTCODE_CHARACTERS))
def test_a_postcode_is_either_returned_or_refused_with_an_input_error(text):
    with contextlib.suppress(InputError):
        parse_postcode(text)


@EXAMPLES
@given(st.one_of(st.text(), PHONE_CHARACTERS))
def test_a_phone_number_is_either_returned_or_refused_with_an_input_error(text):
    with contextlib.suppress(InputError):
        parse_phone(text)


@EXAMPLES
@given(st.one_of(st.text(), DATE_CHARACTERS), st.dates())
def test_a_date_of_birth_is_either_returned_or_refused_with_an_input_error(text, today):
    with contextlib.suppress(InputError):
        parse_date_of_birth(text, today)


@EXAMPLES
@given(st.one_of(st.text(), POSTCODE_CHARACTERS))
def test_a_parsed_postcode_parses_again_to_itself(text):
    try:
        standard = parse_postcode(text)
    except InputError:
        return
    assert re.fullmatch(r"[A-Z0-9]{2,4} [0-9][A-Z]{2}", standard)
    assert parse_postcode(standard) == standard


@EXAMPLES
@given(st.one_of(st.text(), PHONE_CHARACTERS))
def test_a_parsed_phone_number_is_10_or_11_ascii_digits_starting_with_0(text):
    try:
        digits = parse_phone(text)
    except InputError:
        return
    assert re.fullmatch(r"0[0-9]{9,10}", digits)
    assert parse_phone(digits) == digits


@EXAMPLES
@given(st.dates(), st.dates())
def test_a_date_of_birth_typed_as_dd_mm_yyyy_reads_back_within_the_limits(born, today):
    typed = f"{born.day:02d}/{born.month:02d}/{born.year:04d}"
    try:
        parsed = parse_date_of_birth(typed, today)
    except InputError:
        assert born > today or age_on(born, today) > MAX_AGE_YEARS
        return
    assert parsed == born
    assert 0 <= age_on(parsed, today) <= MAX_AGE_YEARS


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("23/11/2026", date(2026, 11, 23)),
        (" 1/2/2026 ", date(2026, 2, 1)),
        ("2026-11-23", date(2026, 11, 23)),
        ("23112026", date(2026, 11, 23)),
    ],
)
def test_a_report_day_is_typed_as_a_uk_date_or_iso(typed: str, day: date) -> None:
    assert parse_day(typed) == day


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "DD/MM/YYYY"),
        ("yesterday", "DD/MM/YYYY"),
        ("31/02/2026", "No such date"),
        ("01/01/1999", "Check the year"),
        ("31/12/9999", "Check the year"),
    ],
)
def test_a_report_day_that_cannot_be_right_says_why(typed: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_day(typed)
