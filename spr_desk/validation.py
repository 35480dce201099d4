"""Checks for what a handler types: UK postcodes, call-back numbers, dates of birth, days.

Each parser returns the cleaned value or raises `InputError` with a message fit to show under
the field; nothing here throws away what was typed.
"""

from __future__ import annotations

import re
from datetime import date

from spr_desk.refusal import Refused

MAX_AGE_YEARS = 130


class InputError(Refused):
    """Typed input that cannot be right; the message is for the handler."""


_POSTCODE = re.compile(
    # The outward code (area, district) then the inward code (sector, unit), as Royal Mail
    # publishes them; the compact form has no space.
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPS-UW]?|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?)"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def parse_postcode(text: str) -> str:
    """A UK postcode in its standard form, `HP20 1AA`, from any case and spacing."""
    compact = re.sub(r"\s+", "", text).upper()
    if not _POSTCODE.match(compact):
        raise InputError("Not a UK postcode (like HP20 1AA).")
    return f"{compact[:-3]} {compact[-3:]}"


def parse_phone(text: str) -> str:
    """A UK call-back number as digits, `+44` read as `0`; 10 or 11 digits starting with 0."""
    compact = re.sub(r"[\s\-().]", "", text)
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    if not compact.isascii() or not compact.isdigit():
        raise InputError("A phone number has digits only (spaces, dashes and +44 are fine).")
    if not compact.startswith("0") or len(compact) not in (10, 11):
        raise InputError("A UK number has 10 or 11 digits and starts with 0 (or +44).")
    return compact


_DATE_FORMS = (
    re.compile(r"^(?P<d>\d{1,2})[/.\- ](?P<m>\d{1,2})[/.\- ](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})$"),
)


def _typed_date(text: str) -> date | None:
    """A date in one of `_DATE_FORMS`, None if it is in none of them."""
    cleaned = text.strip()
    for form in _DATE_FORMS:
        match = form.match(cleaned)
        if match is None:
            continue
        try:
            return date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise InputError("No such date: check the day and month.") from None
    return None


def parse_date_of_birth(text: str, today: date) -> date:
    """A date of birth typed as 01/05/1945, 1/5/1945, 01-05-1945, 01051945 or 1945-05-01."""
    born = _typed_date(text)
    if born is None:
        raise InputError("Type the date of birth as DD/MM/YYYY.")
    if born > today:
        raise InputError("A date of birth cannot be in the future.")
    if age_on(born, today) > MAX_AGE_YEARS:
        raise InputError(f"That would make the person over {MAX_AGE_YEARS}: check the year.")
    return born


FIRST_YEAR, LAST_YEAR = 2000, 2999
"""Days a report can ask about: the desk holds nothing older, and nothing lies past these."""


def parse_day(text: str) -> date:
    """A day for a report, typed as a date of birth is (23/11/2026 or 2026-11-23)."""
    day = _typed_date(text)
    if day is None:
        raise InputError("Type the date as DD/MM/YYYY.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InputError(f"Check the year: {FIRST_YEAR} to {LAST_YEAR}.")
    return day


def age_on(born: date, today: date) -> int:
    """Whole years of age on `today` (a 29 February birthday counts from 1 March)."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    """`text` without control characters other than line breaks and tabs."""
    return _CONTROLS.sub("", text)


def format_phone(digits: str) -> str:
    """A stored call-back number laid out to read aloud: `01296 555010`, `020 7946 0000`,
    `0300 123 4567`; anything else as it is."""
    if not digits.isdigit() or not digits.startswith("0"):
        return digits
    if len(digits) == 11 and digits.startswith("02"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if len(digits) == 11 and digits[1] in "389":
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) in (10, 11):
        return f"{digits[:5]} {digits[5:]}"
    return digits
