"""`read_request` against the bundles a 999 service could send: each refusal with its HTTP status,
BaRS code, FHIR issue type and the field it names; each slip taken and marked; and random
damage to a good bundle that ends in a request or a refusal, never anything else."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bars.bundles import WHEN, a4t3_bundle, post_body, resource
from spr_desk.bars.outcome import (
    BAD_REQUEST,
    ERROR_CODES,
    OUTCOME_PROFILE,
    TOO_LARGE,
    UNPROCESSABLE,
    BarsRefusal,
)
from spr_desk.bars.reading import ADDRESS, MAX_BODY_BYTES, NAME, POSTCODE, TEXT, read_request
from spr_desk.bars.request import MessageReason, RequestStatus, SceneSafety, ValidationRequest


def read(data: dict[str, Any] | bytes, **options: Any) -> ValidationRequest:
    raw = data if isinstance(data, bytes) else post_body(data)
    return read_request(raw, request_id="req-18", correlation_id="corr-18", **options)


def refusal(data: dict[str, Any] | bytes, **options: Any) -> BarsRefusal:
    """The refusal, after checking its OperationOutcome is the UK Core one."""
    with pytest.raises(BarsRefusal) as caught:
        read(data, **options)
    refused = caught.value
    outcome = refused.outcome()
    assert outcome["meta"]["profile"] == [OUTCOME_PROFILE]
    [issue] = outcome["issue"]
    assert (issue["severity"], issue["code"]) == ("error", refused.issue)
    assert issue["details"]["coding"] == [{"system": ERROR_CODES, "code": refused.code}]
    assert issue["diagnostics"] == refused.diagnostics
    assert issue.get("expression", [""]) == [refused.expression]
    return refused


def _with(bundle: dict[str, Any], kind: str, path: str, value: Any) -> dict[str, Any]:
    """`bundle` with `path` (dotted, in its first `kind`) set to `value`; None deletes it."""
    *parents, last = path.split(".")
    target: Any = resource(bundle, kind)
    for step in parents:
        target = target[int(step)] if step.isdigit() else target[step]
    if value is None:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return bundle


def _good(**options: Any) -> dict[str, Any]:
    return a4t3_bundle(message_id="6d1c7a52-0b2e-4c55-9a51-00000000ffff", **options)


def _deep(levels: int) -> Any:
    """`levels` objects, each holding a list: twice as many levels of JSON."""
    nested: Any = 1
    for _ in range(levels):
        nested = {"a": [nested]}
    return nested


# Refusals --------------------------------------------------------------------------------------

REFUSALS: list[tuple[str, Any, int, str, str, str, str]] = [
    # (name, build, status, code, issue, expression, words in the diagnostics)
    (
        "not a4t3",
        lambda: _good(use_case="a4t1"),
        400,
        BAD_REQUEST,
        "not-supported",
        "ServiceRequest.category",
        "use case a4t3 (999 to community services), not use case 'a4t1'",
    ),
    (
        "no ServiceRequest",
        lambda: _with(_good(omit={"ServiceRequest"}), "MessageHeader", "focus", None),
        400,
        BAD_REQUEST,
        "required",
        "ServiceRequest",
        "The Bundle has no ServiceRequest.",
    ),
    (
        "no breach time",
        lambda: _with(_good(), "ServiceRequest", "occurrencePeriod.end", None),
        400,
        BAD_REQUEST,
        "required",
        "ServiceRequest.occurrencePeriod.end",
        "ServiceRequest.occurrencePeriod.end (the breach time) is missing",
    ),
    (
        "breach time with no offset",
        lambda: _with(_good(), "ServiceRequest", "occurrencePeriod.end", "2026-11-23T12:40:00"),
        400,
        BAD_REQUEST,
        "value",
        "ServiceRequest.occurrencePeriod.end",
        "ServiceRequest.occurrencePeriod.end needs its offset from UTC",
    ),
    (
        "breach time a date only",
        lambda: _with(_good(), "ServiceRequest", "occurrencePeriod.end", "2026-11-23"),
        400,
        BAD_REQUEST,
        "value",
        "ServiceRequest.occurrencePeriod.end",
        "ServiceRequest.occurrencePeriod.end (the breach time) needs its offset from UTC",
    ),
    (
        "no authoredOn",
        lambda: _with(_good(), "ServiceRequest", "authoredOn", None),
        400,
        BAD_REQUEST,
        "required",
        "ServiceRequest.authoredOn",
        "ServiceRequest.authoredOn is missing",
    ),
    (
        "no Patient",
        lambda: _good(omit={"Patient"}),
        400,
        BAD_REQUEST,
        "required",
        "Patient",
        "The Bundle has no Patient.",
    ),
    (
        "no Encounter",
        lambda: _good(omit={"Encounter"}),
        400,
        BAD_REQUEST,
        "required",
        "Encounter",
        "The Bundle has no Encounter (with the Journey ID).",
    ),
    (
        "no Journey ID",
        lambda: _with(_good(), "Encounter", "episodeOfCare", None),
        400,
        BAD_REQUEST,
        "required",
        "Encounter.episodeOfCare",
        "Encounter.episodeOfCare (the Journey ID) is missing",
    ),
    (
        "no incident Location",
        lambda: _good(omit={"Location"}),
        400,
        BAD_REQUEST,
        "required",
        "Location",
        "The Bundle has no Location (the incident location).",
    ),
    (
        # the Patient's home address is there, and is never taken for the incident's
        "no incident location referenced",
        lambda: _with(_good(), "ServiceRequest", "locationReference", None),
        400,
        BAD_REQUEST,
        "required",
        "ServiceRequest.locationReference",
        "ServiceRequest.locationReference (the incident location) is missing",
    ),
    (
        "incident Location without address",
        lambda: _with(_good(), "Location", "address", {"use": "work"}),
        400,
        BAD_REQUEST,
        "required",
        "Location.address",
        "The incident Location has no address, postcode or identifier",
    ),
    (
        "no rank-1 contact",
        lambda: _good(contacts=[(2, "Son", "07700 900123"), (3, "Daughter", "07700 900124")]),
        400,
        BAD_REQUEST,
        "required",
        "Patient.contact",
        "Exactly one contact of rank 1 is needed, to call back first; 0 sent",
    ),
    (
        "two rank-1 contacts",
        lambda: _good(contacts=[(1, "Crew", "07700 900451"), (1, "Son", "07700 900123")]),
        400,
        BAD_REQUEST,
        "value",
        "Patient.contact",
        "Exactly one contact of rank 1 is needed, to call back first; 2 sent",
    ),
    (
        "no contacts",
        lambda: _good(contacts=[]),
        400,
        BAD_REQUEST,
        "required",
        "Patient.contact",
        "0 sent",
    ),
    (
        "a contact with no phone",
        lambda: _good(contacts=[(1, "Crew", "07700 900451"), (2, "Son", None)]),
        400,
        BAD_REQUEST,
        "required",
        "Patient.contact[1].telecom",
        "Patient.contact[1] has no phone to call back on",
    ),
    (
        "a contact with no rank",
        lambda: _with(_good(), "Patient", "contact.1.extension", None),
        400,
        BAD_REQUEST,
        "required",
        "Patient.contact[1].extension",
        "Patient.contact[1] has no rank",
    ),
    (
        "status draft",
        lambda: _good(status="draft"),
        400,
        BAD_REQUEST,
        "value",
        "ServiceRequest.status",
        "ServiceRequest.status must be active, revoked or entered-in-error, not 'draft'",
    ),
    (
        "reason not new or update",
        lambda: _good(reason="cancel"),
        400,
        BAD_REQUEST,
        "value",
        "MessageHeader.reason",
        "MessageHeader.reason must be new or update, not 'cancel'",
    ),
    (
        "no reason",
        lambda: _with(_good(), "MessageHeader", "reason", None),
        400,
        BAD_REQUEST,
        "required",
        "MessageHeader.reason",
        "MessageHeader.reason must be new or update, and is missing.",
    ),
    (
        "event not a request",
        lambda: _with(_good(), "MessageHeader", "eventCoding.code", "servicerequest-response"),
        400,
        BAD_REQUEST,
        "invalid",
        "MessageHeader.eventCoding",
        "MessageHeader.eventCoding must be servicerequest-request",
    ),
    (
        "nowhere to reply",  # FHIR's own rule: the library refuses it
        lambda: _with(_good(), "MessageHeader", "source.endpoint", None),
        400,
        BAD_REQUEST,
        "structure",
        "MessageHeader.source.endpoint",
        "not valid FHIR R4 at MessageHeader.source.endpoint (entry 1)",
    ),
    (
        "no ServiceRequest identifier",
        lambda: _with(_good(), "ServiceRequest", "identifier", None),
        400,
        BAD_REQUEST,
        "required",
        "ServiceRequest.identifier",
        "ServiceRequest.identifier is missing",
    ),
    (
        "a reference to no entry",
        lambda: _with(_good(), "ServiceRequest", "requester", {"reference": "urn:uuid:nowhere"}),
        400,
        BAD_REQUEST,
        "invalid",
        "ServiceRequest.requester",
        "ServiceRequest.requester points to 'urn:uuid:nowhere', which is not in the Bundle",
    ),
    (
        "a relative reference to no entry",
        lambda: _with(_good(), "Patient", "generalPractitioner.0.reference", "Organization/9"),
        400,
        BAD_REQUEST,
        "invalid",
        "Patient.generalPractitioner[0]",
        "Patient.generalPractitioner[0] points to 'Organization/9'",
    ),
    (
        "a reference to the wrong kind",
        lambda: _with(
            _good(),
            "ServiceRequest",
            "subject",
            copy.deepcopy(resource(_good(), "ServiceRequest")["encounter"]),
        ),
        400,
        BAD_REQUEST,
        "invalid",
        "ServiceRequest.subject",
        "ServiceRequest.subject must point to a Patient",
    ),
    (
        "two MessageHeaders",
        lambda: (lambda b: {**b, "entry": [b["entry"][0], *b["entry"]]})(_good()),
        400,
        BAD_REQUEST,
        "required",
        "MessageHeader",
        "exactly one MessageHeader",
    ),
    (
        "the MessageHeader not first",
        lambda: (lambda b: {**b, "entry": [*b["entry"][1:], b["entry"][0]]})(_good()),
        400,
        BAD_REQUEST,
        "structure",
        "Bundle.entry[0]",
        "The MessageHeader must be the Bundle's first entry.",
    ),
    (
        "an element FHIR does not have",
        lambda: _with(_good(), "ServiceRequest", "colour", "red"),
        400,
        BAD_REQUEST,
        "structure",
        "ServiceRequest.colour",
        "not valid FHIR R4 at ServiceRequest.colour (entry 2)",
    ),
    (
        "a birth date that is not one",
        lambda: _with(_good(), "Patient", "birthDate", "Ethel Example 9434765919"),
        400,
        BAD_REQUEST,
        "structure",
        "Patient.birthDate",
        "not valid FHIR R4 at Patient.birthDate (entry 5)",
    ),
    (
        "an empty resourceType",
        lambda: _with(_good(), "Consent", "resourceType", ""),
        400,
        BAD_REQUEST,
        "structure",
        "Bundle",
        "The Bundle is not valid FHIR R4.",
    ),
    (
        "no meta.versionId",
        lambda: _good(version_id=None),
        400,
        BAD_REQUEST,
        "required",
        "Bundle.meta.versionId",
        "Bundle.meta.versionId is missing",
    ),
    (
        "an unsupported meta.versionId",
        lambda: _good(version_id="2.0.0"),
        422,
        UNPROCESSABLE,
        "not-supported",
        "Bundle.meta.versionId",
        "Bundle.meta.versionId '2.0.0' is not one the desk reads (1.0.0, 1.1.0, 1.2.0)",
    ),
    (
        "a meta.versionId that is not a string",
        lambda: {**_good(), "meta": {"versionId": ["1.1.0"]}},
        422,
        UNPROCESSABLE,
        "not-supported",
        "Bundle.meta.versionId",
        "Bundle.meta.versionId \"['1.1.0']\" is not one the desk reads",
    ),
    (
        "not a message",
        lambda: {**_good(), "type": "collection"},
        400,
        BAD_REQUEST,
        "invalid",
        "Bundle.type",
        "Bundle.type must be message, not 'collection'",
    ),
    (
        "not a Bundle",
        lambda: {"resourceType": "Patient", "id": "p"},
        400,
        BAD_REQUEST,
        "invalid",
        "Bundle.resourceType",
        "The request is not a FHIR Bundle",
    ),
    (
        "a JSON list",
        lambda: b"[1, 2]",
        400,
        BAD_REQUEST,
        "invalid",
        "Bundle.resourceType",
        "The request is not a FHIR Bundle",
    ),
    (
        "malformed JSON",
        lambda: b'{"resourceType": "Bundle",\n  "type": }',
        400,
        BAD_REQUEST,
        "structure",
        "Bundle",
        "The request is not JSON: Expecting value at line 2 column 11",
    ),
    (
        "NaN",
        lambda: b'{"resourceType": "Bundle", "total": NaN}',
        400,
        BAD_REQUEST,
        "structure",
        "Bundle",
        "NaN is not a JSON number",
    ),
    (
        "not UTF-8",
        lambda: b'{"a": "\xff"}',
        400,
        BAD_REQUEST,
        "invalid",
        "Bundle",
        "The request is not UTF-8 (byte 8)",
    ),
    (
        "nested deeper than the limit inside a good bundle",
        lambda: _with(
            _good(), "Patient", "extension", [{"url": "https://e.example", "x": _deep(15)}]
        ),
        400,
        BAD_REQUEST,
        "structure",
        "Bundle",
        "The request nests deeper than 32 levels",
    ),
]


@pytest.mark.parametrize(
    ("build", "status", "code", "issue", "expression", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in REFUSALS],
)
def test_each_refusal_has_its_status_code_issue_and_names_the_field(
    build: Any, status: int, code: str, issue: str, expression: str, words: str
) -> None:
    refused = refusal(build())
    assert (refused.status, refused.code, refused.issue) == (status, code, issue)
    assert refused.expression == expression
    assert words in refused.diagnostics


def test_a_body_over_the_limit_is_refused_413_before_it_is_read() -> None:
    raw = post_body(_good())
    refused = refusal(raw, max_bytes=len(raw) - 1)
    assert (refused.status, refused.code, refused.issue) == (413, TOO_LARGE, "too-long")
    assert read(raw, max_bytes=len(raw)).use_case == "a4t3"  # the limit itself is taken
    assert MAX_BODY_BYTES == 1024 * 1024


def test_ten_megabytes_of_open_brackets_are_refused_not_a_crash() -> None:
    refused = refusal(b"[" * (10 * 1024 * 1024), max_bytes=11 * 1024 * 1024)
    assert (refused.status, refused.issue) == (400, "structure")
    assert "nests deeper than" in refused.diagnostics


@pytest.mark.parametrize("request_id", ["", "   ", "\x00\x1b", "r" * 201])
def test_a_request_id_that_is_empty_or_too_long_is_refused(request_id: str) -> None:
    with pytest.raises(BarsRefusal) as caught:
        read_request(post_body(_good()), request_id=request_id, correlation_id="c")
    refused = caught.value
    assert (refused.status, refused.code, refused.issue) == (400, BAD_REQUEST, "required")
    assert refused.expression == "X-Request-ID"


def test_a_refusal_quotes_a_bad_value_short_and_printable() -> None:
    refused = refusal(_good(status="\x1b[2J" + "x" * 500))
    assert "\x1b" not in refused.diagnostics and "\\x1b[2J" in refused.diagnostics
    assert len(refused.diagnostics) < 200


def test_a_structure_refusal_names_the_place_never_the_patients_details() -> None:
    bundle = _with(_good(), "Patient", "birthDate", "Ethel Example 9434765919")
    _with(bundle, "Patient", "gender", ["Example"])
    text = json.dumps(refusal(bundle).outcome())
    assert "Patient.birthDate (entry 5), Patient.gender (entry 5)" in text
    assert "Ethel" not in text and "9434765919" not in text and "Example" not in text


# A good request, read --------------------------------------------------------------------------


def test_a_good_request_is_read_field_by_field_with_its_times_in_utc() -> None:
    summer = timezone(timedelta(hours=1))
    request = read(
        a4t3_bundle(
            authored_on=datetime(2026, 6, 1, 10, 40, tzinfo=summer),
            breach_at=datetime(2026, 6, 1, 12, 40, tzinfo=summer),
        )
    )
    assert request.authored_on == datetime(2026, 6, 1, 9, 40, tzinfo=UTC)
    assert request.breach_at == datetime(2026, 6, 1, 11, 40, tzinfo=UTC)
    assert request.authored_on.utcoffset() == request.breach_at.utcoffset() == timedelta(0)
    assert (request.request_id, request.correlation_id) == ("req-18", "corr-18")
    assert (request.reason, request.status, request.use_case) == (
        MessageReason.NEW,
        RequestStatus.ACTIVE,
        "a4t3",
    )
    assert (request.service_request_id, request.journey_id) == ("VR-2026-4512", "J-4512-0001")
    assert request.cdss == "Pathways 30.2.0"
    assert request.chief_concern == "Fall at home, no injury found; cannot manage stairs tonight"
    assert request.narrative == (
        "Crew on scene; patient comfortable in chair, son present.\n"
        "Pathways disposition: speak to a community urgent care service"
    )
    assert request.patient.given_name == "Ethel" and request.patient.family_name == "Example"
    assert str(request.patient.date_of_birth) == "1945-05-01"
    assert (request.patient.gender, request.patient.postcode) == ("female", "HP20 1AA")
    assert request.patient.address == "12 Orchard Close, Aylesbury"
    assert (request.patient.nhs_number, request.patient.nhs_number_status) == ("9434765919", "01")
    assert request.patient.nhs_number_note == ""
    assert request.patient.gp_practice == "Meadowbank Surgery (K82001)"
    assert [(c.rank, c.name, c.phone) for c in request.contacts] == [
        (1, "Crew 4512 (paramedic)", "07700 900451"),
        (2, "Peter Example (son)", "07700 900123"),
    ]
    assert request.scene_safety is SceneSafety.SAFE
    assert request.flags == (
        "Safeguarding: Lives with a son who is the main carer; carer strain noted",
    )
    assert request.incident_location == "12 Orchard Close, Aylesbury, HP20 1AA"
    assert request.requester == "Paramedic Sam Okafor, Example Ambulance Service NHS Trust"
    assert request.sender == "Example Ambulance Service NHS Trust"
    assert request.reply_to == "https://fhir.nhs.uk/Id/dos-service-id|2222222222"
    assert (request.cancel_reason, request.marks) == ("", ())


def test_a_time_in_zulu_form_is_read_as_utc() -> None:
    bundle = _with(_good(), "ServiceRequest", "occurrencePeriod.end", "2026-11-23T12:40:00Z")
    assert read(bundle).breach_at == datetime(2026, 11, 23, 12, 40, tzinfo=UTC)


def test_an_update_is_read_with_its_later_breach_time() -> None:
    request = read(_good(reason="update", breach_at=WHEN + timedelta(hours=3)))
    assert (request.reason, request.breach_at) == (MessageReason.UPDATE, WHEN + timedelta(hours=3))


@pytest.mark.parametrize(
    ("status", "expected"),
    [("revoked", RequestStatus.REVOKED), ("entered-in-error", RequestStatus.ENTERED_IN_ERROR)],
)
def test_a_cancel_carries_the_senders_reason_from_its_note(
    status: str, expected: RequestStatus
) -> None:
    request = read(_good(reason="update", status=status, cancel_reason="Conveyed to A&E"))
    assert (request.status, request.cancel_reason) == (expected, "Conveyed to A&E")
    assert "Conveyed" not in request.narrative  # the reason is not the referral's story


def test_the_chief_concern_falls_back_to_the_care_plan_then_not_provided() -> None:
    bundle = _with(_good(), "ServiceRequest", "reasonCode", None)
    assert read(bundle).chief_concern == (
        "Pathways disposition: speak to a community urgent care service"
    )
    _with(bundle, "ServiceRequest", "basedOn", None)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "CarePlan"]
    assert read(bundle).chief_concern == "not provided"


def test_a_coded_chief_concern_is_read_from_its_display() -> None:
    concern = {"coding": [{"system": "https://e.example", "code": "1", "display": "Fall"}]}
    assert read(_with(_good(), "ServiceRequest", "reasonCode", [concern])).chief_concern == "Fall"


def test_safeguarding_comes_first_then_the_other_flags_in_words() -> None:
    bundle = _good()
    adjustment = copy.deepcopy(resource(bundle, "Flag"))  # the scene-safety Flag, made another
    adjustment["id"] = "adjustment"
    adjustment["category"][0]["coding"][0]["code"] = "RA"
    adjustment["code"] = {"text": "Hard of hearing: speak slowly"}
    bundle["entry"].insert(2, {"fullUrl": "urn:uuid:adjustment", "resource": adjustment})
    assert read(bundle).flags == (
        "Safeguarding: Lives with a son who is the main carer; carer strain noted",
        "Reasonable adjustment: Hard of hearing: speak slowly",
    )


@pytest.mark.parametrize(
    ("code", "safety"), [("U", SceneSafety.UNSAFE), ("X", SceneSafety.UNKNOWN)]
)
def test_scene_safety_is_read_and_an_unknown_code_is_not_asked(
    code: str, safety: SceneSafety
) -> None:
    assert read(_good(scene_safety=code)).scene_safety is safety


# Marks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("01", "01"),
        ("number-present-and-verified", "01"),
        ("02", "02"),
        ("number-present-but-not-traced", "02"),
    ],
)
def test_a_verified_or_not_traced_number_is_kept_in_either_code_form(
    status: str, code: str
) -> None:
    request = read(_good(nhs_status=status))
    assert (request.patient.nhs_number, request.patient.nhs_number_status) == ("9434765919", code)
    assert request.marks == ()


@pytest.mark.parametrize(
    ("options", "mark"),
    [
        ({"nhs_number": None}, "NHS number not sent: to trace"),
        ({"nhs_status": "03"}, "NHS number to trace: sent as trace required"),
        ({"nhs_status": "07"}, "NHS number to trace: sent as not present, trace not required"),
        ({"nhs_status": "trace-required"}, "NHS number to trace: sent as 'trace-required'"),
        ({"nhs_status": None}, "NHS number to trace: sent as no verification status"),
        (
            {"nhs_number": "9434765918"},
            "NHS number to trace: the one sent fails its check digit",
        ),
        ({"nhs_number": "94347"}, "NHS number to trace: the one sent fails its check digit"),
    ],
)
def test_an_untrusted_nhs_number_is_taken_marked_and_not_kept(
    options: dict[str, Any], mark: str
) -> None:
    request = read(_good(**options))
    assert request.marks == (mark,)
    assert request.patient.nhs_number_note == mark
    assert (request.patient.nhs_number, request.patient.nhs_number_status) == (None, "")


def test_no_scene_safety_flag_is_taken_and_marked() -> None:
    request = read(_good(scene_safety=None))
    assert request.scene_safety is None
    assert request.marks == ("scene safety: not provided",)


def test_marks_add_up() -> None:
    request = read(_good(nhs_number=None, scene_safety=None))
    assert request.marks == ("NHS number not sent: to trace", "scene safety: not provided")


# What is kept of the strings -------------------------------------------------------------------


def test_control_characters_are_stripped_from_what_is_kept() -> None:
    request = read(
        _good(
            given_name="Eth\x00el",
            family_name="Exa\x1b[31mmple",
            chief_concern="Fall\x07 at\x7f home",
            contacts=[(1, "Crew\x00 4512", "07700\x1b 900451")],
        )
    )
    assert (request.patient.given_name, request.patient.family_name) == ("Ethel", "Exa[31mmple")
    assert request.chief_concern == "Fall at home"
    assert (request.contacts[0].name, request.contacts[0].phone) == ("Crew 4512", "07700 900451")


def test_strings_are_cut_to_what_the_desk_stores() -> None:
    bundle = _good(given_name="G" * 500, family_name="F" * 500, incident_postcode="P" * 50)
    _with(bundle, "Patient", "address.0.line", ["L" * 1000])
    _with(bundle, "Patient", "address.0.postalCode", "HP20 1AA" * 10)
    _with(bundle, "ServiceRequest", "note", [{"text": "N" * 20_000}])
    request = read(bundle)
    assert request.patient.given_name == "G" * NAME
    assert request.patient.family_name == "F" * NAME
    assert len(request.patient.address) == ADDRESS
    assert len(request.patient.postcode) == POSTCODE
    assert len(request.narrative) == TEXT
    assert len(request.incident_location) <= ADDRESS


# Random damage: a request or a refusal, never anything else ------------------------------------

GOOD = _good()
PATHS: list[tuple[Any, ...]] = []


def _collect(value: Any, path: tuple[Any, ...]) -> None:
    PATHS.append(path)
    if isinstance(value, dict | list):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            _collect(item, (*path, key))


_collect(GOOD, ())
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
NASTY = st.sampled_from(
    ["\x00", "\x1b]0;pwned\x07", "\u202e", "9" * 20_000, "2026-11-23T12:40:00", "urn:uuid:x"]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    where=st.sampled_from(PATHS[1:]),
    action=st.sampled_from(["delete", "json", "nasty", "deep"]),
    value=JSON,
    nasty=NASTY,
    depth=st.integers(1, 40),
)
def test_random_damage_is_read_or_refused_never_anything_else(
    where: tuple[Any, ...], action: str, value: Any, nasty: str, depth: int
) -> None:
    bundle = copy.deepcopy(GOOD)
    parent: Any = bundle
    for step in where[:-1]:
        parent = parent[step]
    if action == "delete":
        del parent[where[-1]]
    else:
        parent[where[-1]] = {"json": value, "nasty": nasty, "deep": _deep(depth)}[action]
    try:
        request = read(post_body(bundle))
    except BarsRefusal as refused:
        assert refused.status in (400, 413, 422)
        assert refused.diagnostics.isprintable() and len(refused.diagnostics) < 400
        assert refused.outcome()["issue"][0]["diagnostics"] == refused.diagnostics
    else:
        assert [c.rank for c in request.contacts][:1] == [1] and all(
            c.phone for c in request.contacts
        )
        assert request.breach_at.tzinfo is UTC and request.authored_on.tzinfo is UTC
        kept = [request.patient.given_name, request.patient.family_name, request.chief_concern]
        kept += [request.incident_location, *request.flags, *request.marks]
        assert all(text.isprintable() or "\u202e" in text for text in kept)
        assert len(request.patient.given_name) <= NAME and len(request.narrative) <= TEXT
