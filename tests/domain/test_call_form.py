"""The call form: text as typed, checked at its own fields, and a referral once complete."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spr_desk.call_form import (
    RECORDS_REVIEWED,
    RED_FLAG_QUESTIONS,
    REQUIRED,
    CallForm,
    FormErrors,
    facts_so_far,
    missing_for_record,
    nhs_number_notice,
    nhs_number_standing,
    patient_as_typed,
    redirected_from,
    referral_from,
    referrer_of,
    typed_errors,
    with_age,
)
from spr_desk.facts import TriageFacts
from spr_desk.referral import Decision, NewReferral, RedirectedCall
from spr_desk.vocabulary import (
    Lead,
    Need,
    NhsNumberStatus,
    NhsNumberUnavailable,
    Pathway,
    RedFlag,
    ReferrerRole,
    Response,
    Setting,
    Urgency,
)

EXAMPLES = settings(max_examples=500, deadline=None)
TODAY = date(2025, 3, 10)
RECEIVED = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


def ethel(**changes) -> CallForm:
    """A complete step-up call from Ethel's GP, every field typed validly, changed by keyword."""
    form = CallForm(
        started_at="2025-03-10T09:15:00+00:00",
        red_flags_cleared=True,
        referrer_name="Dr Amara Okafor",
        referrer_role="gp_or_practice_nurse",
        referrer_organisation="Mill Lane Surgery",
        referrer_phone="01296 555010",
        nhs_number="943 476 5919",
        given_name="Ethel",
        family_name="Barnes",
        date_of_birth="01/05/1945",
        address="12 Mill Lane, Aylesbury",
        postcode="HP20 1AA",
        gp_practice="Mill Lane Surgery",
        lives_alone="yes",
        access_notes="Key safe by the back door",
        next_of_kin="Jean Barnes (daughter), 07700 900123",
        pathway="step_up",
        setting="home",
        needs=["dehydration", "personal_care"],
        urgency=["unsafe_alone_tonight"],
        locality="Aylesbury",
        notes="Not drinking since Saturday.",
    )
    return replace(form, **changes)


def errors_of(form: CallForm) -> dict[str, str]:
    with pytest.raises(FormErrors) as raised:
        referral_from(form, RECEIVED, TODAY)
    return raised.value.errors


# The constants the screens are built from


def test_every_red_flag_has_a_screening_question():
    assert set(RED_FLAG_QUESTIONS) == set(RedFlag)
    assert all(question.endswith("?") for question in RED_FLAG_QUESTIONS.values())


def test_the_records_reviewed_are_the_five_the_spr_checks():
    assert list(RECORDS_REVIEWED) == [
        "gp_record",
        "community_record",
        "social_care_record",
        "hospital_record",
        "shared_care_record",
    ]


def test_every_required_field_is_a_text_field_of_the_form():
    text_fields = {spec.name for spec in fields(CallForm) if spec.type == "str"}
    assert set(REQUIRED) <= text_fields


# Saving and opening a draft


def test_a_form_survives_a_round_trip_through_its_dict():
    form = ethel(red_flags=["chest_pain"], bed_needed=True, records_reviewed=["gp_record"])
    assert CallForm.from_dict(form.to_dict()) == form


def test_the_dict_of_a_form_does_not_share_its_lists():
    form = ethel()
    saved = form.to_dict()
    saved["needs"].append("meals")
    assert form.needs == ["dehydration", "personal_care"]


def test_a_draft_with_unknown_keys_opens_with_the_keys_it_knows():
    saved = ethel().to_dict() | {"retired_field": "x", "another": [1, 2]}
    assert CallForm.from_dict(saved) == ethel()


def test_wrongly_typed_values_in_a_draft_leave_their_defaults():
    form = CallForm.from_dict(
        {
            "given_name": 42,
            "family_name": None,
            "needs": "dehydration",
            "red_flags": {"chest_pain": True},
            "red_flags_cleared": "yes",
            "bed_needed": 1,
            "postcode": ["HP20 1AA"],
            "notes": True,
        }
    )
    assert form == CallForm()


def test_correctly_typed_values_in_a_draft_are_kept_beside_wrong_ones():
    form = CallForm.from_dict({"given_name": "Ethel", "family_name": 7, "bed_needed": True})
    assert form == CallForm(given_name="Ethel", bed_needed=True)


def test_an_empty_draft_opens_as_an_empty_form():
    assert CallForm.from_dict({}) == CallForm()


def test_a_form_with_red_flags_is_an_emergency():
    assert ethel(red_flags=["chest_pain"]).is_emergency
    assert not ethel().is_emergency


def test_the_display_name_is_family_name_in_capitals_then_given_name():
    assert ethel().display_name() == "BARNES, Ethel"
    assert CallForm(family_name="Barnes").display_name() == "BARNES"
    assert CallForm(given_name="Ethel").display_name() == "Ethel"
    assert CallForm().display_name() == "(no patient name yet)"
    assert CallForm(family_name="  ", given_name=" Ethel ").display_name() == "Ethel"


# Typed errors: what cannot be right, at its own field


def test_an_empty_form_has_nothing_typed_wrongly():
    assert typed_errors(CallForm(), TODAY) == {}


def test_fields_of_only_spaces_are_not_yet_errors():
    form = CallForm(nhs_number="  ", postcode=" ", referrer_phone="\t", date_of_birth=" ")
    assert typed_errors(form, TODAY) == {}


def test_the_complete_ethel_form_has_nothing_typed_wrongly():
    assert typed_errors(ethel(), TODAY) == {}


@pytest.mark.parametrize(
    ("name", "typed", "words"),
    [
        ("nhs_number", "943 476 5910", "check digit"),
        ("nhs_number", "943 476 591", "10 digits"),
        ("postcode", "HP20 1", "postcode"),
        ("referrer_phone", "1296 555010", "starts with 0"),
        ("referrer_phone", "ring the ward", "digits only"),
        ("date_of_birth", "31/02/1945", "No such date"),
        ("date_of_birth", "01/05/2045", "future"),
        ("date_of_birth", "May 1945", "DD/MM/YYYY"),
    ],
)
def test_a_wrongly_typed_field_has_its_message_under_its_own_name(name, typed, words):
    errors = typed_errors(ethel(**{name: typed}), TODAY)
    assert list(errors) == [name]
    assert words in errors[name]


def test_every_wrongly_typed_field_is_named_at_once():
    form = ethel(
        nhs_number="1234567890",
        postcode="QQ1 1AA",
        referrer_phone="12",
        date_of_birth="31/02/1945",
        primary_need="meals",
    )
    errors = typed_errors(form, TODAY)
    assert set(errors) == {
        "nhs_number",
        "postcode",
        "referrer_phone",
        "date_of_birth",
        "primary_need",
    }


def test_a_primary_need_not_among_the_needs_is_an_error():
    errors = typed_errors(ethel(primary_need="meals"), TODAY)
    assert errors == {"primary_need": "The primary need must be one of the needs ticked."}


def test_a_primary_need_among_the_needs_is_not_an_error():
    assert typed_errors(ethel(primary_need="personal_care"), TODAY) == {}


# Missing for record: everything that stops the call being recorded


def test_an_empty_form_misses_every_required_field_the_nhs_number_red_flags_and_needs():
    errors = missing_for_record(CallForm(), TODAY)
    assert set(errors) == set(REQUIRED) | {"nhs_number", "red_flags", "needs"}
    for name, message in REQUIRED.items():
        assert errors[name] == message
    assert "not known" in errors["nhs_number"]


def test_the_locality_is_required():
    assert missing_for_record(ethel(locality=""), TODAY) == {"locality": REQUIRED["locality"]}


def test_the_complete_ethel_form_misses_nothing():
    assert missing_for_record(ethel(), TODAY) == {}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_a_required_field_of_only_spaces_is_missing(name):
    errors = missing_for_record(ethel(**{name: "   "}), TODAY)
    assert errors == {name: REQUIRED[name]}


def test_red_flags_not_yet_asked_stop_the_record():
    errors = missing_for_record(ethel(red_flags_cleared=False), TODAY)
    assert list(errors) == ["red_flags"]


def test_a_red_flag_ticked_counts_as_the_questions_asked():
    assert missing_for_record(ethel(red_flags_cleared=False, red_flags=["chest_pain"]), TODAY) == {}


def test_no_need_ticked_stops_the_record():
    assert list(missing_for_record(ethel(needs=[]), TODAY)) == ["needs"]


def test_a_role_outside_the_list_stops_the_record():
    errors = missing_for_record(ethel(referrer_role="neighbour"), TODAY)
    assert errors == {"referrer_role": "Choose the caller's role."}


def test_a_wrongly_typed_field_stops_the_record_with_its_own_message():
    errors = missing_for_record(ethel(postcode="HP20"), TODAY)
    assert list(errors) == ["postcode"]
    assert "postcode" in errors["postcode"]


@pytest.mark.parametrize(
    ("changes", "name"),
    [
        ({"pathway": "sideways"}, "pathway"),
        ({"setting": "garden"}, "setting"),
        ({"needs": ["tea"]}, "needs"),
        ({"chosen_response": "soon", "chosen_lead": "nurse"}, "chosen_response"),
        ({"chosen_response": "rapid", "chosen_lead": "doctor"}, "chosen_lead"),
    ],
)
def test_a_value_outside_the_vocabulary_stops_the_record_at_its_field(changes, name):
    assert list(missing_for_record(ethel(**changes), TODAY)) == [name]
    assert list(errors_of(ethel(**changes))) == [name]


# Referral from a complete form


def test_an_incomplete_form_gives_every_missing_field_as_form_errors():
    with pytest.raises(FormErrors) as raised:
        referral_from(CallForm(), RECEIVED, TODAY)
    assert raised.value.errors == missing_for_record(CallForm(), TODAY)
    assert "referrer_name: Who is calling?" in str(raised.value)


def test_a_form_with_one_wrong_field_is_not_recorded():
    assert errors_of(ethel(nhs_number="943 476 5910")).keys() == {"nhs_number"}


def test_the_ethel_form_becomes_a_referral_with_the_patient_cleaned():
    referral = referral_from(
        ethel(nhs_number=" 943-476-5919 ", postcode=" hp201aa ", given_name=" Ethel "),
        RECEIVED,
        TODAY,
    )
    assert isinstance(referral, NewReferral)
    assert referral.received_at == RECEIVED
    patient = referral.patient
    assert patient.nhs_number == "9434765919"
    assert patient.given_name == "Ethel"
    assert patient.family_name == "Barnes"
    assert patient.date_of_birth == date(1945, 5, 1)
    assert patient.postcode == "HP20 1AA"
    assert patient.address == "12 Mill Lane, Aylesbury"
    assert patient.gp_practice == "Mill Lane Surgery"
    assert patient.access_notes == "Key safe by the back door"
    assert patient.next_of_kin == "Jean Barnes (daughter), 07700 900123"


def test_the_referrer_of_the_ethel_form_is_the_gp_with_the_number_as_digits():
    referrer = referral_from(ethel(), RECEIVED, TODAY).referrer
    assert referrer.name == "Dr Amara Okafor"
    assert referrer.role is ReferrerRole.GP_OR_PRACTICE_NURSE
    assert referrer.organisation == "Mill Lane Surgery"
    assert referrer.phone == "01296555010"


def test_the_facts_of_the_referral_carry_the_age_on_the_day_of_the_call():
    facts = referral_from(ethel(primary_need="dehydration"), RECEIVED, TODAY).facts
    assert facts == TriageFacts(
        pathway=Pathway.STEP_UP,
        setting=Setting.HOME,
        age=79,
        needs=frozenset({Need.DEHYDRATION, Need.PERSONAL_CARE}),
        urgency=frozenset({Urgency.UNSAFE_ALONE_TONIGHT}),
        primary_need=Need.DEHYDRATION,
    )


def test_the_age_goes_up_when_the_call_is_on_the_birthday():
    assert referral_from(ethel(), RECEIVED, date(2025, 4, 30)).facts.age == 79
    assert referral_from(ethel(), RECEIVED, date(2025, 5, 1)).facts.age == 80


@pytest.mark.parametrize(
    ("typed", "lives_alone"), [("yes", True), ("no", False), ("", None), ("maybe", None)]
)
def test_lives_alone_is_yes_no_or_not_known(typed, lives_alone):
    patient = referral_from(ethel(lives_alone=typed), RECEIVED, TODAY).patient
    assert patient.lives_alone is lives_alone


def test_no_chosen_cell_records_no_decision():
    assert referral_from(ethel(), RECEIVED, TODAY).decision is None


def test_half_a_chosen_cell_records_no_decision():
    assert referral_from(ethel(chosen_response="rapid"), RECEIVED, TODAY).decision is None
    assert referral_from(ethel(chosen_lead="nurse"), RECEIVED, TODAY).decision is None


def test_a_chosen_cell_is_recorded_as_the_decision_with_its_override_reason():
    form = ethel(chosen_response="fast", chosen_lead="social_care", override_reason="Family there")
    decision = referral_from(form, RECEIVED, TODAY).decision
    assert decision == Decision(Response.FAST, Lead.SOCIAL_CARE, "Family there")
    assert decision.is_override


def test_home_from_hospital_is_kept_only_for_a_step_down():
    step_down = ethel(pathway="step_down", setting="hospital_ward", home_from_hospital=True)
    assert referral_from(step_down, RECEIVED, TODAY).home_from_hospital
    step_up = ethel(home_from_hospital=True)
    assert not referral_from(step_up, RECEIVED, TODAY).home_from_hospital


def test_a_community_bed_request_is_kept_only_for_a_step_up():
    step_up = ethel(community_bed_request=True)
    assert referral_from(step_up, RECEIVED, TODAY).community_bed_request
    step_down = ethel(pathway="step_down", setting="hospital_ward", community_bed_request=True)
    assert not referral_from(step_down, RECEIVED, TODAY).community_bed_request


def test_only_known_records_are_kept_as_reviewed_in_the_order_ticked():
    form = ethel(records_reviewed=["hospital_record", "crystal_ball", "gp_record"])
    assert referral_from(form, RECEIVED, TODAY).records_reviewed == ("hospital_record", "gp_record")


def test_control_characters_never_reach_the_record_but_line_breaks_do():
    form = ethel(given_name="Eth\x00el\x1b[31m", notes="line one\n\tline two\x07")
    referral = referral_from(form, RECEIVED, TODAY)
    assert referral.patient.given_name == "Ethel[31m"
    assert referral.notes == "line one\n\tline two"
    assert referral.call_record["given_name"] == "Ethel[31m"
    form.family_name = "\x00\x00"
    assert missing_for_record(form, TODAY)["family_name"]


def test_the_whole_form_as_typed_is_kept_as_the_call_record():
    form = ethel(records_reviewed=["crystal_ball"], postcode="hp201aa")
    referral = referral_from(form, RECEIVED, TODAY)
    assert referral.call_record == form.to_dict()
    assert referral.call_record["postcode"] == "hp201aa"


def test_notes_are_trimmed_and_the_locality_is_kept():
    referral = referral_from(ethel(notes="  call first  "), RECEIVED, TODAY)
    assert referral.notes == "call first"
    assert referral.locality == "Aylesbury"
    assert referral_from(ethel(locality="North"), RECEIVED, TODAY).locality == "North"


# Facts so far: the live recommendation


def test_there_are_no_facts_until_the_pathway_the_setting_and_a_need_are_known():
    assert facts_so_far(CallForm()) is None
    assert facts_so_far(CallForm(pathway="step_up", setting="home")) is None
    assert facts_so_far(CallForm(pathway="step_up", needs=["meals"])) is None
    assert facts_so_far(CallForm(setting="home", needs=["meals"])) is None
    facts = facts_so_far(CallForm(pathway="step_up", setting="home", needs=["meals"]))
    assert facts == TriageFacts(Pathway.STEP_UP, Setting.HOME, needs=frozenset({Need.MEALS}))


def test_a_red_flag_is_enough_without_a_need():
    facts = facts_so_far(CallForm(pathway="step_up", setting="home", red_flags=["chest_pain"]))
    assert facts is not None
    assert facts.red_flags == frozenset({RedFlag.CHEST_PAIN})
    assert facts.needs == frozenset()


def test_a_pathway_or_setting_outside_the_vocabulary_gives_no_facts():
    assert facts_so_far(ethel(pathway="sideways")) is None
    assert facts_so_far(ethel(setting="garden")) is None


def test_words_outside_the_vocabulary_are_left_out_of_the_facts():
    form = ethel(needs=["meals", "tea"], urgency=["soon", "deteriorating"], red_flags=["hiccups"])
    facts = facts_so_far(form)
    assert facts is not None
    assert facts.needs == frozenset({Need.MEALS})
    assert facts.urgency == frozenset({Urgency.DETERIORATING})
    assert facts.red_flags == frozenset()


def test_only_needs_outside_the_vocabulary_give_no_facts():
    assert facts_so_far(ethel(needs=["tea"])) is None


def test_a_primary_need_not_among_the_needs_is_ignored_in_the_facts():
    facts = facts_so_far(ethel(primary_need="meals"))
    assert facts is not None
    assert facts.primary_need is None


def test_a_primary_need_outside_the_vocabulary_is_ignored_in_the_facts():
    facts = facts_so_far(ethel(needs=["meals", "tea"], primary_need="tea"))
    assert facts is not None
    assert facts.primary_need is None


def test_a_primary_need_among_the_needs_is_carried():
    assert facts_so_far(ethel(primary_need="personal_care")).primary_need is Need.PERSONAL_CARE


def test_bed_needed_is_carried_and_the_age_waits_for_the_date_of_birth():
    facts = facts_so_far(ethel(bed_needed=True))
    assert facts.bed_needed
    assert facts.age is None


def test_with_age_adds_the_age_from_a_correct_date_of_birth_only():
    facts = facts_so_far(ethel())
    assert with_age(facts, ethel(), TODAY) == replace(facts, age=79)
    assert with_age(facts, ethel(date_of_birth="31/02/1945"), TODAY) == facts
    assert with_age(facts, ethel(date_of_birth=""), TODAY) == facts


# A call redirected at the red flags


def test_a_redirected_call_keeps_its_red_flags_referrer_patient_and_record():
    form = ethel(red_flags=["chest_pain", "stroke_signs", "hiccups"], notes=" 999 advised ")
    call = redirected_from(form, RECEIVED, TODAY)
    assert isinstance(call, RedirectedCall)
    assert call.received_at == RECEIVED
    assert call.red_flags == frozenset({RedFlag.CHEST_PAIN, RedFlag.STROKE_SIGNS})
    assert call.referrer == referrer_of(form)
    assert call.patient is not None
    assert call.patient.nhs_number == "9434765919"
    assert call.patient.date_of_birth == date(1945, 5, 1)
    assert call.call_record == form.to_dict()
    assert call.notes == "999 advised"


def test_a_call_that_ended_before_the_caller_gave_a_name_has_no_referrer_or_patient():
    form = CallForm(red_flags=["major_bleeding"], referrer_name="  ")
    call = redirected_from(form, RECEIVED, TODAY)
    assert call.referrer is None
    assert call.patient is None
    assert call.red_flags == frozenset({RedFlag.MAJOR_BLEEDING})
    assert call.call_record == form.to_dict()


def test_a_referrer_with_an_unlisted_role_is_recorded_as_other_with_the_number_as_typed():
    referrer = referrer_of(
        CallForm(referrer_name=" Sam ", referrer_role="", referrer_phone=" 999 ")
    )
    assert referrer.name == "Sam"
    assert referrer.role is ReferrerRole.OTHER
    assert referrer.phone == "999"


def test_the_patient_of_a_short_call_is_none_before_a_name_or_number_is_typed():
    assert patient_as_typed(CallForm(referrer_name="Dr A", postcode="HP20 1AA"), TODAY) is None


@pytest.mark.parametrize(
    ("changes", "nhs", "given", "family"),
    [
        pytest.param({}, "9434765919", "Ethel", "Barnes", id="everything"),
        pytest.param({"nhs_number": ""}, "", "Ethel", "Barnes", id="no NHS number"),
        pytest.param({"nhs_number": "943 476 5910"}, "", "Ethel", "Barnes", id="wrong check"),
        pytest.param({"given_name": " "}, "9434765919", "", "Barnes", id="no first name"),
        pytest.param(
            {"family_name": "", "nhs_number": ""}, "", "Ethel", "", id="a first name only"
        ),
    ],
)
def test_the_patient_of_a_short_call_keeps_whatever_was_typed_rightly(changes, nhs, given, family):
    patient = patient_as_typed(ethel(**changes), TODAY)
    assert patient is not None
    assert (patient.nhs_number, patient.given_name, patient.family_name) == (nhs, given, family)
    assert patient.address == "12 Mill Lane, Aylesbury" and patient.lives_alone is True


def test_the_patient_of_a_short_call_is_kept_without_the_parts_typed_wrongly():
    form = ethel(date_of_birth="31/02/1945", given_name=" Ethel ", postcode="HP20")
    patient = patient_as_typed(form, TODAY)
    assert patient is not None
    assert patient.nhs_number == "9434765919"
    assert patient.given_name == "Ethel"
    assert patient.date_of_birth is None and patient.postcode == ""


def test_a_redirect_keeps_a_caller_who_gave_only_a_number_and_the_words_said():
    call = redirected_from(
        CallForm(red_flags=["chest_pain"], referrer_phone="07700 900001"), RECEIVED, TODAY
    )
    assert call.referrer is not None
    assert (call.referrer.name, call.referrer.phone) == ("", "07700900001")
    assert "999" in call.advice


# The NHS number: known, or not known with a reason


def test_a_number_read_out_is_present_but_not_traced_unless_checked():
    assert nhs_number_standing(ethel()) == (NhsNumberStatus.PRESENT_NOT_TRACED, None)
    verified = ethel(nhs_number_status="verified")
    assert nhs_number_standing(verified) == (NhsNumberStatus.PRESENT_AND_VERIFIED, None)


@pytest.mark.parametrize("reason", list(NhsNumberUnavailable))
def test_a_patient_without_a_number_is_recorded_with_the_reason_and_to_be_traced(reason):
    form = ethel(nhs_number="", nhs_number_status=reason.value)
    assert missing_for_record(form, TODAY) == {}
    referral = referral_from(form, RECEIVED, TODAY)
    assert referral.patient.nhs_number == ""
    assert referral.nhs_number_unavailable is reason
    assert referral.nhs_number_status is NhsNumberStatus.TRACE_REQUIRED


def test_a_number_typed_and_said_not_known_is_asked_about_not_thrown_away():
    form = ethel(nhs_number_status="nhs-number-not-known")
    errors = missing_for_record(form, TODAY)
    assert list(errors) == ["nhs_number_status"]
    assert form.nhs_number == "943 476 5919"


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("999 123 4578", "test number"),
        ("010 101 0028", "Scottish CHI"),
        ("320 000 0007", "Northern Ireland"),
        ("943 476 5919", None),
        ("401 023 2137", None),
        ("943 476 5910", None),
    ],
)
def test_a_number_in_another_range_is_named_at_the_field(number, words):
    notice = nhs_number_notice(ethel(nhs_number=number))
    assert (notice is None) if words is None else (words in (notice or ""))


# What only some callers are asked


def test_a_crews_incident_number_is_recorded_and_another_roles_answers_are_not():
    form = ethel(
        referrer_role="ambulance_crew",
        caller_answers={"incident_number": " 12345 ", "gp_update": "phone"},
    )
    referral = referral_from(form, RECEIVED, TODAY)
    assert referral.caller_answers == (("incident_number", "12345"),)


def test_a_planned_discharge_is_checked_and_recorded_as_a_local_time():
    form = ethel(referrer_role="ward_team", caller_answers={"planned_discharge": "14:30"})
    assert referral_from(form, RECEIVED, TODAY).caller_answers == (
        ("planned_discharge", "10/03/2025 14:30"),
    )
    wrong = ethel(referrer_role="ward_team", caller_answers={"planned_discharge": "after lunch"})
    assert list(missing_for_record(wrong, TODAY)) == ["caller_answers.planned_discharge"]


# Properties over any form a draft could hold

WORDS = sorted(
    {
        member.value
        for enum in (Pathway, Setting, RedFlag, Need, Urgency, Response, Lead, ReferrerRole)
        for member in enum
    }
    | set(RECORDS_REVIEWED)
    | {"yes", "no", "943 476 5919", "HP20 1AA", "01296 555010", "01/05/1945"}
)
TEXT = st.one_of(st.text(max_size=20), st.sampled_from(WORDS))
STRATEGY_OF_TYPE = {
    "str": TEXT,
    "bool": st.booleans(),
    "list[str]": st.lists(TEXT, max_size=4),
    "dict[str, str]": st.dictionaries(
        st.sampled_from(["incident_number", "planned_discharge", "gp_update", "x"]), TEXT
    ),
}
ANY_FORM = st.builds(
    CallForm, **{spec.name: STRATEGY_OF_TYPE[spec.type] for spec in fields(CallForm)}
)
# Ethel's complete form with up to three of its fields replaced by anything.
NEARLY_ETHEL = (
    st.lists(st.sampled_from(fields(CallForm)), min_size=1, max_size=3, unique=True)
    .flatmap(
        lambda specs: st.fixed_dictionaries(
            {spec.name: STRATEGY_OF_TYPE[spec.type] for spec in specs}
        )
    )
    .map(lambda changes: ethel(**changes))
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
FIELD_NAMES = [spec.name for spec in fields(CallForm)]
DRAFTS = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)), JSON)


def test_the_strategies_cover_every_field_type_of_the_form():
    assert {spec.type for spec in fields(CallForm)} == set(STRATEGY_OF_TYPE)


@EXAMPLES
@given(ANY_FORM, st.dates())
def test_typed_errors_never_raise_and_name_only_checked_fields(form, today):
    errors = typed_errors(form, today)
    checked = {
        "nhs_number",
        "nhs_number_status",
        "postcode",
        "referrer_phone",
        "date_of_birth",
        "primary_need",
    }
    assert {name for name in errors if not name.startswith("caller_answers.")} <= checked
    for name, message in errors.items():
        assert message.strip(), name


@EXAMPLES
@given(ANY_FORM)
def test_any_form_survives_a_round_trip_through_its_dict(form):
    assert CallForm.from_dict(form.to_dict()) == form


@EXAMPLES
@given(DRAFTS)
def test_any_json_draft_opens_as_a_form_of_the_right_types(data):
    form = CallForm.from_dict(data)
    for spec in fields(CallForm):
        value = getattr(form, spec.name)
        if spec.type == "list[str]":
            assert isinstance(value, list)
            assert all(isinstance(item, str) for item in value)
        elif spec.type == "dict[str, str]":
            assert isinstance(value, dict)
            assert all(isinstance(item, str) for item in (*value, *value.values()))
        else:
            assert type(value).__name__ == spec.type
    assert CallForm.from_dict(form.to_dict()) == form


@EXAMPLES
@given(st.one_of(ANY_FORM, NEARLY_ETHEL))
def test_the_live_facts_of_any_form_are_none_or_checked_facts(form):
    facts = facts_so_far(form)
    if facts is not None:
        assert facts.needs or facts.red_flags
        assert facts.primary_need is None or facts.primary_need in facts.needs


@EXAMPLES
@given(st.one_of(ANY_FORM, NEARLY_ETHEL))
def test_any_form_is_either_recorded_or_refused_with_form_errors(form):
    try:
        referral = referral_from(form, RECEIVED, TODAY)
    except FormErrors as refused:
        assert refused.errors == missing_for_record(form, TODAY)
        assert refused.errors
        return
    assert missing_for_record(form, TODAY) == {}
    assert referral.call_record == form.plain().to_dict()


@EXAMPLES
@given(st.one_of(ANY_FORM, NEARLY_ETHEL))
def test_any_form_can_be_recorded_as_redirected(form):
    call = redirected_from(form, RECEIVED, TODAY)
    assert call.call_record == form.plain().to_dict()
    typed = form.plain()
    caller = typed.referrer_name + typed.referrer_organisation + typed.referrer_phone
    assert (call.referrer is None) == (not caller.strip())
