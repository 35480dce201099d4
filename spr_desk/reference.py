"""Human references for referrals: `SPR-2026-000123`, read to the caller at the end of a call."""

from __future__ import annotations

import re

from spr_desk.refusal import Refused

# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits.
_PATTERN = re.compile(r"^SPR-([0-9]{4})-([0-9]{6})$")


def format_reference(year: int, number: int) -> str:
    if not 1 <= year <= 9999:
        raise ValueError(f"a reference year has four digits, not {year}")
    if not 1 <= number <= 999_999:
        raise ValueError(f"a reference number runs from 1 to 999999, not {number}")
    return f"SPR-{year:04d}-{number:06d}"


def parse_reference(text: str) -> tuple[int, int]:
    """The year and number of a reference, forgiving case and surrounding spaces.

    Raises:
        Refused: when the text is not of the form SPR-YYYY-NNNNNN.
    """
    cleaned = text.strip()
    # Checked before upper(): "ſ".upper() is "S", so "ſpr-..." would otherwise pass.
    match = _PATTERN.match(cleaned.upper()) if cleaned.isascii() else None
    if match is None or int(match.group(1)) == 0 or int(match.group(2)) == 0:
        raise Refused("A reference looks like SPR-2026-000123.")
    return int(match.group(1)), int(match.group(2))
