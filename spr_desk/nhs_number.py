"""NHS numbers: ten digits, the last a modulus-11 check digit."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]+")


class NhsNumberError(ValueError):
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
