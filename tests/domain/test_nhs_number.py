"""NHS numbers: ten digits, the last a modulus-11 check digit over the first nine."""

from __future__ import annotations

from itertools import product

import pytest

from spr_desk.nhs_number import (
    NhsNumberError,
    check_digit,
    format_nhs_number,
    is_valid_nhs_number,
    parse_nhs_number,
)


def weighted_remainder(first_nine: str) -> int:
    """The NHS algorithm written out again: weights 10 down to 2, remainder modulo 11."""
    return sum(int(digit) * (10 - position) for position, digit in enumerate(first_nine)) % 11


def first_nine_with_remainder(wanted: int) -> str:
    """The first nine-digit stem (not all zeros) whose weighted remainder is `wanted`."""
    for digits in product("0123456789", repeat=9):
        stem = "".join(digits)
        if stem != "000000000" and weighted_remainder(stem) == wanted:
            return stem
    raise AssertionError("no stem found")


@pytest.mark.parametrize(
    "text", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 ", "943 - 476 - 5919"]
)
def test_a_valid_number_parses_to_its_ten_digits(text):
    assert parse_nhs_number(text) == "9434765919"
    assert is_valid_nhs_number(text)


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != "9"])
def test_a_wrong_check_digit_is_refused(last):
    with pytest.raises(NhsNumberError, match="check digit does not match"):
        parse_nhs_number("943476591" + last)
    assert not is_valid_nhs_number("943476591" + last)


def test_check_digit_is_eleven_minus_the_weighted_remainder():
    assert check_digit("943476591") == 9
    assert weighted_remainder("943476591") == 2


def test_nine_digits_whose_remainder_gives_ten_have_no_check_digit_and_no_number():
    stem = first_nine_with_remainder(1)  # 11 - 1 = 10: never issued
    assert check_digit(stem) is None
    for last in "0123456789":
        with pytest.raises(NhsNumberError, match="no number with these first nine digits"):
            parse_nhs_number(stem + last)


def test_a_check_value_of_eleven_becomes_a_zero():
    stem = first_nine_with_remainder(0)  # 11 - 0 = 11: the check digit is 0
    assert check_digit(stem) == 0
    assert parse_nhs_number(stem + "0") == stem + "0"
    for last in "123456789":
        assert not is_valid_nhs_number(stem + last)


@pytest.mark.parametrize("stem", ["401023213", "123456789", "999999999", "100000000"])
def test_check_digit_agrees_with_the_algorithm_written_out(stem):
    check = 11 - weighted_remainder(stem)
    expected = 0 if check == 11 else None if check == 10 else check
    assert check_digit(stem) == expected


@pytest.mark.parametrize(
    ("text", "count"), [("943476591", 9), ("94347659190", 11), ("943 476 591", 9)]
)
def test_a_number_of_the_wrong_length_is_refused_saying_how_many_digits(text, count):
    with pytest.raises(NhsNumberError, match=f"has 10 digits; this has {count}"):
        parse_nhs_number(text)


@pytest.mark.parametrize(
    "text",
    [
        "94347659A9",
        "943.476.5919",
        "NHS9434765919",
        "",
        "   ",
        "-",
        "٩٤٣٤٧٦٥٩١٩",
        "９４３４７６５９１９",
    ],
)
def test_anything_but_digits_spaces_and_dashes_is_refused(text):
    with pytest.raises(NhsNumberError):
        parse_nhs_number(text)
    assert not is_valid_nhs_number(text)


@pytest.mark.parametrize("text", ["9434765919", "943-476-5919", "943 4765 919"])
def test_format_gives_the_3_3_4_layout(text):
    assert format_nhs_number(text) == "943 476 5919"


def test_format_refuses_an_invalid_number():
    with pytest.raises(NhsNumberError):
        format_nhs_number("9434765918")
