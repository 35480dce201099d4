"""Human references: `SPR-YYYY-NNNNNN`, read to the caller at the end of a call."""

from __future__ import annotations

import pytest

from spr_desk.reference import format_reference, parse_reference


@pytest.mark.parametrize(
    ("year", "number", "text"),
    [
        (2026, 123, "SPR-2026-000123"),
        (2026, 1, "SPR-2026-000001"),
        (2027, 999_999, "SPR-2027-999999"),
    ],
)
def test_a_reference_is_spr_the_year_and_six_digits(year, number, text):
    assert format_reference(year, number) == text
    assert parse_reference(text) == (year, number)


@pytest.mark.parametrize("number", [0, -1, 1_000_000])
def test_a_reference_number_runs_from_1_to_999999(number):
    with pytest.raises(ValueError, match="from 1 to 999999"):
        format_reference(2026, number)


@pytest.mark.parametrize("year", [0, -1, 10_000])
def test_a_reference_year_has_four_digits(year):
    with pytest.raises(ValueError):
        format_reference(year, 1)


@pytest.mark.parametrize("text", ["spr-2026-000123", "Spr-2026-000123", "  SPR-2026-000123\n"])
def test_lower_case_and_surrounding_spaces_are_forgiven(text):
    assert parse_reference(text) == (2026, 123)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "SPR-2026-123",
        "SPR-26-000123",
        "SPR2026000123",
        "SPR-2026-0001234",
        "SPR-2026-000123x",
        "XYZ-2026-000123",
        "SPR 2026 000123",
        "SPR-2026-000000",
        "SPR-0000-000001",
        "SPR-２０２６-000123",
        "SPR-2026-٠٠٠١٢٣",
        "ſpr-2026-000123",
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError, match="looks like SPR-2026-000123"):
        parse_reference(text)
