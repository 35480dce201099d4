"""NHS numbers: ten digits, the last a modulus-11 check digit."""

from __future__ import annotations

import re

from spr_desk.refusal import Refused

_SEPARATORS = re.compile(r"[\s-]+")


class NhsNumberError(Refused):
    """An NHS number that cannot be right; the message says why, in the handler's words."""


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder gives 10 (never issued)."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def parse_nhs_number(text: str) -> str:
    """The ten digits of an NHS number typed with or without spaces and dashes.

    Raises:
        NhsNumberError: wrong length, a non-digit, or a check digit that does not match.
    """
    digits = _SEPARATORS.sub("", text)
    if not digits.isascii() or not digits.isdigit():
        raise NhsNumberError("An NHS number has digits only (spaces and dashes are fine).")
    if len(digits) != 10:
        raise NhsNumberError(f"An NHS number has 10 digits; this has {len(digits)}.")
    expected = check_digit(digits[:9])
    if expected is None:
        raise NhsNumberError(
            "Not a valid NHS number: no number with these first nine digits exists."
        )
    if int(digits[9]) != expected:
        raise NhsNumberError(
            "Not a valid NHS number: the check digit does not match. Read it back."
        )
    return digits


def is_valid_nhs_number(text: str) -> bool:
    try:
        parse_nhs_number(text)
    except NhsNumberError:
        return False
    return True


def format_nhs_number(text: str) -> str:
    """`943 476 5919`: the 3-3-4 layout NHS staff read aloud."""
    digits = parse_nhs_number(text)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def range_notice(digits: str) -> str | None:
    """What a valid number's range says about it, to show at the field; None for a number in
    the ranges England issues. A test number or another nation's number passes the check
    digit, so only its range tells the handler to look twice.

    Args:
        digits: the ten digits (`parse_nhs_number`).
    """
    if digits.startswith("999"):
        return "A test number (999...): not a real patient's. Check it with the caller."
    day, month = int(digits[:2]), int(digits[2:4])
    if 1 <= day <= 31 and 1 <= month <= 12:
        return (
            "In the Scottish CHI range (it starts with a date of birth): "
            "check it is the patient's NHS number from England."
        )
    if 320 <= int(digits[:3]) <= 399:
        return "In Northern Ireland's H&C range: check it is the patient's NHS number."
    return None
