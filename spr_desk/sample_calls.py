"""The source's two stories as calls a handler types, and as a scenario file: shared by the
tests, the benchmarks and anyone trying the desk. Every detail is fictional."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from spr_desk.facts import parse_facts
from spr_desk.referral import NewReferral, PatientDetails, ReferrerDetails
from spr_desk.vocabulary import ReferrerRole

ETHEL: dict[str, Any] = {
    "referrer_name": "Dr Amy Stone",
    "referrer_role": "gp_or_practice_nurse",
    "referrer_organisation": "Meadowbank Surgery",
    "referrer_phone": "01296 555010",
    "nhs_number": "943 476 5919",
    "given_name": "Ethel",
    "family_name": "Example",
    "date_of_birth": "01/05/1945",
    "address": "12 Orchard Close, Aylesbury",
    "postcode": "hp20 1aa",
    "gp_practice": "Meadowbank Surgery",
    "lives_alone": "yes",
    "access_notes": "Key safe 4321",
    "next_of_kin": "Peter (son) 07700 900123",
    "pathway": "step_up",
    "setting": "home",
    "needs": ["dehydration", "personal_care"],
    "urgency": ["unsafe_alone_tonight"],
    "records_reviewed": ["gp_record"],
    "locality": "Aylesbury",
    "ucr_condition": "frailty_decompensation",
}
"""Ethel's story (reference 001:533-545): her GP calls from her home; 81, alone, failing."""

REG: dict[str, Any] = {
    "referrer_name": "Sister Jo Marsh",
    "referrer_role": "ward_team",
    "referrer_organisation": "Stoke Mandeville Hospital, Ward 8",
    "referrer_phone": "01296 315000",
    "nhs_number": "401 023 2137",
    "given_name": "Reg",
    "family_name": "Sample",
    "date_of_birth": "14/02/1949",
    "address": "3 Mill Lane, Thame",
    "postcode": "OX9 3AB",
    "gp_practice": "Hillview Practice",
    "lives_alone": "yes",
    "access_notes": "",
    "next_of_kin": "",
    "pathway": "step_down",
    "setting": "hospital_ward",
    "needs": ["reduced_mobility", "personal_care"],
    "urgency": ["discharge_today"],
    "home_from_hospital": True,
    "records_reviewed": ["hospital_record", "community_record"],
    "locality": "Thame",
    "ucr_condition": "reduced_function",
}
"""Reg's story (reference 001:523-531): the ward team refers him home after a short illness."""

ETHEL_SCENARIO: dict[str, Any] = {
    "at": "2026-03-02T14:05",
    "facts": {
        "pathway": "step_up",
        "setting": "home",
        "age": 81,
        "needs": ["dehydration", "personal_care"],
        "urgency": ["unsafe_alone_tonight"],
    },
}
"""Ethel's facts as a scenario file for `spr-desk recommend`."""


def crew_on_scene(
    received_at: datetime,
    nhs_number: str = "9434765919",
    given: str = "Ada",
    family: str = "Lovelace",
    *,
    is_test_data: bool = False,
) -> NewReferral:
    """An ambulance crew on scene in Thame: a fall without injury, so Rapid and therapist-led.
    The short call the tests and the several-desks benchmark record."""
    return NewReferral(
        received_at=received_at,
        referrer=ReferrerDetails("Crew 12", ReferrerRole.AMBULANCE_CREW, "Ambulance", "999"),
        patient=PatientDetails(nhs_number, given, family, is_test_data=is_test_data),
        facts=parse_facts(
            {
                "pathway": "step_up",
                "setting": "home",
                "needs": ["fall_no_injury"],
                "urgency": ["crew_on_scene"],
            }
        ),
        locality="Thame",
        is_demo=is_test_data,
    )
