"""Hazard H010, an NHS number mistyped: the modulus-11 check digit catches the slips a handler
makes taking a number down by phone, so a mistyped number never passes as another patient's.

A property over valid numbers: every one-digit slip (any digit, the check digit too, typed as any
other) and every swap of two neighbouring digits is refused, in the handler's words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spr_desk.nhs_number import NhsNumberError, check_digit, is_valid_nhs_number, parse_nhs_number

EXAMPLES = settings(max_examples=500, deadline=None)
STEMS = st.text(st.sampled_from("0123456789"), min_size=9, max_size=9).filter(
    lambda stem: check_digit(stem) is not None and stem != "000000000"
)
"""The first nine digits of a number that can be issued (a remainder giving 10 never is)."""


def valid(stem: str) -> str:
    number = stem + str(check_digit(stem))
    assert parse_nhs_number(number) == number
    return number


def one_digit_slips(number: str) -> list[str]:
    return [
        number[:at] + digit + number[at + 1 :]
        for at in range(10)
        for digit in "0123456789"
        if digit != number[at]
    ]


def neighbours_swapped(number: str) -> list[str]:
    return [
        number[:at] + number[at + 1] + number[at] + number[at + 2 :]
        for at in range(9)
        if number[at] != number[at + 1]
    ]


def assert_refused(typed: str) -> None:
    assert not is_valid_nhs_number(typed), typed
    with pytest.raises(NhsNumberError, match="NHS number"):
        parse_nhs_number(typed)


@EXAMPLES
@given(STEMS)
def test_every_one_digit_slip_in_a_valid_number_is_refused(stem: str) -> None:
    for typed in one_digit_slips(valid(stem)):
        assert_refused(typed)


@EXAMPLES
@given(STEMS)
def test_every_swap_of_two_neighbouring_digits_is_refused(stem: str) -> None:
    for typed in neighbours_swapped(valid(stem)):
        assert_refused(typed)


def test_the_numbers_read_out_in_the_sample_calls_are_caught_when_slipped() -> None:
    """Ethel's number (943 476 5919) as a handler might take it down wrongly."""
    for typed in ("9434765918", "9434765991", "9344765919", "9434756919", "9434765929"):
        assert_refused(typed)
    assert len(one_digit_slips("9434765919")) == 90 and len(neighbours_swapped("9434765919")) == 9
