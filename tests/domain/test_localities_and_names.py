"""The locality a postcode suggests, one name per fact, and numbers laid out to read aloud."""

from __future__ import annotations

import pytest

from spr_desk.call_form import CallForm
from spr_desk.fact_names import FACT_NAMES, fact_name
from spr_desk.reference_data import LOCALITIES, POSTCODE_DISTRICT_LOCALITY, locality_for_postcode
from spr_desk.validation import format_phone, parse_phone


@pytest.mark.parametrize(
    ("postcode", "locality"),
    [
        ("HP20 1AA", "Aylesbury"),
        ("hp201aa", "Aylesbury"),
        ("OX9 3AB", "Thame"),
        ("MK18 1AB", "Buckingham"),
        ("HP6 5AB", "Amersham"),
        ("HP13 6AB", "Wycombe"),
        ("SL7 1AB", "Marlow"),
        ("SL9 8AB", "Southern"),
        ("HP20", "Aylesbury"),
    ],
)
def test_a_postcode_suggests_the_locality_its_district_falls_in(postcode, locality):
    assert locality_for_postcode(postcode) == locality


@pytest.mark.parametrize("postcode", ["", "HP1 1AA", "SW1A 1AA", "HP2", "nonsense"])
def test_a_postcode_outside_the_table_suggests_nothing(postcode):
    assert locality_for_postcode(postcode) is None


def test_every_district_suggests_one_of_the_seven_localities_and_each_has_a_district():
    assert set(POSTCODE_DISTRICT_LOCALITY.values()) == set(LOCALITIES)


def test_every_fact_of_the_call_form_that_a_screen_shows_has_one_name():
    shown = set(CallForm().to_dict()) - {
        "started_at",
        "red_flags_cleared",
        "chosen_response",
        "chosen_lead",
        "caller_answers",
    }
    assert shown <= set(FACT_NAMES)
    assert len(set(FACT_NAMES.values())) == len(FACT_NAMES)  # no two facts share a name
    assert fact_name("given_name") == "First name"
    assert fact_name("something_new") == "Something new"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("01296 555010", "01296 555010"),
        ("020 7946 0000", "020 7946 0000"),
        ("0300 123 4567", "0300 123 4567"),
        ("07700 900123", "07700 900123"),
        ("01296 55501", "01296 55501"),
    ],
)
def test_a_stored_call_back_number_is_laid_out_to_read_aloud(typed, shown):
    assert format_phone(parse_phone(typed)) == shown


def test_a_number_that_is_not_a_uk_one_is_shown_as_it_is():
    assert format_phone("999") == "999" and format_phone("ward 8") == "ward 8"


def test_a_missing_nhs_number_is_named_once_with_any_other_reason() -> None:
    """The read-back once said "not known (not known)"; every screen now says it one way."""
    from spr_desk.vocabulary import NhsNumberUnavailable, no_nhs_number_words

    assert no_nhs_number_words(None) == "not known"
    assert no_nhs_number_words(NhsNumberUnavailable.NOT_KNOWN) == "not known"
    assert no_nhs_number_words(NhsNumberUnavailable.OVERSEAS) == "not known (overseas patient)"
    assert no_nhs_number_words("devolved-nation") == (
        "not known (from a devolved nation (Scotland, Wales, NI))"
    )
