"""The desk's BaRS replies: each is a FHIR R4 message Bundle that answers the request it was
built from, with the desk's reference, the sender's identifiers carried back, the Encounter
status and reason the guide asks for, and times in UTC."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from bars.bundles import JOURNEY_ID, SERVICE_REQUEST_ID, a4t3_bundle, changed, resource
from spr_desk import __version__
from spr_desk.bars import replies
from spr_desk.bars.example import SENDER_ENDPOINT
from spr_desk.bars.replies import REJECT_WORDS, RejectReason

Json = dict[str, Any]

REQUEST_ID = "6d1c7a52-0b2e-4c55-9a51-0000000000a1"
REFERENCE = "SPR-2026-0042"
NOW = datetime(2026, 11, 23, 12, 5, 30, tzinfo=timezone(timedelta(hours=1)))
"""11:05:30 UTC, given in another zone: every reply writes it in UTC."""
NOW_UTC = "2026-11-23T11:05:30+00:00"
CLINICIAN = "Dr Ann Example"


def build(kind: str, request: Json, **changes: Any) -> Json:
    """One reply of `kind` to `request`, with the tests' reference, time and ids."""
    common: Json = {"reference": REFERENCE, "now": NOW, "message_id": f"reply-{kind}"}
    if kind == "acknowledgement":
        return replies.acknowledgement(request, **(common | changes))
    extra: Json = {"by": CLINICIAN}
    if kind == "reject":
        extra |= {"reason": RejectReason.FAILED_CONTACT, "text": "No answer on either number"}
    if kind == "final":
        extra |= {"outcome": "Seen by the 2-hour community response: stays at home"}
    builder: Callable[..., Json] = getattr(replies, kind)
    return builder(request, **(common | extra | changes))


KINDS = ("acknowledgement", "accept", "reject", "final")
STATUS = {
    "acknowledgement": "planned",
    "accept": "in-progress",
    "reject": "cancelled",
    "final": "finished",
}


@pytest.fixture(scope="module")
def request_bundle() -> Json:
    return a4t3_bundle(message_id=REQUEST_ID)


def entries(bundle: Json, resource_type: str) -> list[tuple[str, Json]]:
    return [
        (entry["fullUrl"], entry["resource"])
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def header(bundle: Json) -> Json:
    assert bundle["entry"][0]["resource"]["resourceType"] == "MessageHeader"
    found: Json = bundle["entry"][0]["resource"]
    return found


def desk_made(bundle: Json, request: Json, resource_type: str) -> list[tuple[str, Json]]:
    """The reply's resources of this type that the request did not hold (the desk's own)."""
    sent = {entry["fullUrl"] for entry in request["entry"]}
    return [(url, found) for url, found in entries(bundle, resource_type) if url not in sent]


def desk_encounter(bundle: Json) -> tuple[str, Json]:
    ours = [
        (url, encounter)
        for url, encounter in entries(bundle, "Encounter")
        if encounter.get("identifier", [{}])[0].get("system") == replies.REFERENCE_SYSTEM
    ]
    assert len(ours) == 1
    return ours[0]


@pytest.mark.parametrize("kind", KINDS)
def test_each_reply_is_a_valid_bars_message_bundle(kind: str, request_bundle: Json) -> None:
    bundle = build(kind, request_bundle)
    Bundle.model_validate(bundle)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "message"
    assert bundle["id"] == f"reply-{kind}"
    assert bundle["meta"]["versionId"] == "1.1.0"
    assert bundle["meta"]["profile"] == [replies.BUNDLE_PROFILE]
    assert bundle["timestamp"] == NOW_UTC
    assert json.loads(json.dumps(bundle)) == bundle
    # Every reference inside points at an entry of the reply itself.
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])
    text = json.dumps(bundle)
    for url in {part.split('"')[0] for part in text.split('"reference": "')[1:]}:
        assert url in urls, url


@pytest.mark.parametrize("kind", KINDS)
def test_each_reply_answers_the_request_and_goes_back_to_its_sender(
    kind: str, request_bundle: Json
) -> None:
    message = header(build(kind, request_bundle))
    sent = resource(request_bundle, "MessageHeader")
    assert message["eventCoding"]["code"] == "servicerequest-response"
    assert message["eventCoding"]["system"] == replies.EVENTS
    assert message["meta"]["profile"] == [replies.HEADER_PROFILE]
    assert message["response"] == {"identifier": REQUEST_ID, "code": "ok"}
    assert message["destination"] == [{"endpoint": SENDER_ENDPOINT, "receiver": sent["sender"]}]
    assert message["sender"] == sent["destination"][0]["receiver"]
    assert message["source"] == {
        "name": "SPR Desk",
        "software": "SPR Desk",
        "version": __version__,
        "endpoint": sent["destination"][0]["endpoint"],
    }
    assert message["reason"]["coding"][0]["code"] == "new"
    assert message["extension"] == sent["extension"]  # the CDSS the sender triaged with


@pytest.mark.parametrize("kind", KINDS)
def test_each_reply_carries_the_reference_journey_and_the_senders_parts_as_sent(
    kind: str, request_bundle: Json
) -> None:
    bundle = build(kind, request_bundle)
    url, ours = desk_encounter(bundle)
    assert header(bundle)["focus"] == [{"reference": url}]
    assert bundle["entry"][-1]["fullUrl"] == url  # the message's focus, last
    assert ours["identifier"] == [{"system": replies.REFERENCE_SYSTEM, "value": REFERENCE}]
    assert ours["status"] == STATUS[kind]
    assert ours["episodeOfCare"][0]["identifier"]["value"] == JOURNEY_ID
    assert ours["period"]["start"] == NOW_UTC
    assert ours["meta"]["lastUpdated"] == NOW_UTC
    [(patient_url, patient)] = entries(bundle, "Patient")
    assert ours["subject"] == {"reference": patient_url}
    assert patient == resource(request_bundle, "Patient")
    [(_, service_request)] = entries(bundle, "ServiceRequest")
    assert service_request == resource(request_bundle, "ServiceRequest")
    assert service_request["identifier"][0]["value"] == SERVICE_REQUEST_ID
    theirs = [encounter for _, encounter in entries(bundle, "Encounter") if encounter != ours]
    assert theirs == [resource(request_bundle, "Encounter")]


def test_the_acknowledgement_is_planned_with_no_reason_and_no_definition(
    request_bundle: Json,
) -> None:
    bundle = build("acknowledgement", request_bundle)
    _, ours = desk_encounter(bundle)
    assert "reasonCode" not in ours
    assert "definition" not in header(bundle)
    assert desk_made(bundle, request_bundle, "Practitioner") == []
    assert desk_made(bundle, request_bundle, "PractitionerRole") == []


def test_accepting_names_the_clinician_and_the_triage_outcome_reason(
    request_bundle: Json,
) -> None:
    bundle = build("accept", request_bundle)
    _, ours = desk_encounter(bundle)
    assert ours["reasonCode"] == [
        {
            "coding": [
                {
                    "system": replies.ENCOUNTER_REASONS,
                    "code": "validation-triage-outcome",
                    "display": "Validation of triage outcome",
                }
            ]
        }
    ]
    assert "end" not in ours["period"]  # an interim message leaves the Encounter open
    assert header(bundle)["definition"] == replies.INTERIM_DEFINITION
    [(practitioner_url, practitioner)] = desk_made(bundle, request_bundle, "Practitioner")
    assert practitioner["name"] == [{"text": CLINICIAN}]
    assert ours["participant"] == [
        {"individual": {"reference": practitioner_url, "display": CLINICIAN}}
    ]
    [(_, role)] = desk_made(bundle, request_bundle, "PractitionerRole")
    assert role["practitioner"] == {"reference": practitioner_url}
    assert (
        role["organization"]
        == resource(request_bundle, "MessageHeader")["destination"][0]["receiver"]
    )


DISPLAYS = {
    RejectReason.NOT_AVAILABLE: "Requested resource not available within timescale",
    RejectReason.FAILED_CONTACT: "Failed Contact",
    RejectReason.OTHER: "Other",
}


@pytest.mark.parametrize("reason", list(RejectReason))
def test_rejecting_cancels_the_encounter_with_the_coded_reason(
    reason: RejectReason, request_bundle: Json
) -> None:
    bundle = build("reject", request_bundle, reason=reason, text="No crew free before 13:00")
    Bundle.model_validate(bundle)
    _, ours = desk_encounter(bundle)
    assert ours["status"] == "cancelled"
    assert ours["reasonCode"] == [
        {
            "coding": [
                {"system": replies.REJECTED, "code": reason.value, "display": DISPLAYS[reason]}
            ],
            "text": "No crew free before 13:00",
        }
    ]
    assert header(bundle)["definition"] == replies.INTERIM_DEFINITION


def test_the_reject_reasons_are_the_three_bars_codes_with_the_desks_words() -> None:
    assert [reason.value for reason in RejectReason] == ["RRNA", "FC", "OTH"]
    assert REJECT_WORDS == {
        RejectReason.NOT_AVAILABLE: "Requested resource not available within timescale",
        RejectReason.FAILED_CONTACT: "Failed contact",
        RejectReason.OTHER: "Other",
    }


def test_a_rejection_without_text_has_the_code_alone(request_bundle: Json) -> None:
    bundle = build("reject", request_bundle, reason=RejectReason.NOT_AVAILABLE, text="")
    _, ours = desk_encounter(bundle)
    assert ours["reasonCode"] == [
        {
            "coding": [
                {
                    "system": replies.REJECTED,
                    "code": "RRNA",
                    "display": DISPLAYS[RejectReason.NOT_AVAILABLE],
                }
            ]
        }
    ]


def test_the_final_response_carries_the_outcome_in_a_completed_care_plan(
    request_bundle: Json,
) -> None:
    bundle = build("final", request_bundle)
    encounter_url, ours = desk_encounter(bundle)
    assert ours["period"] == {"start": NOW_UTC, "end": NOW_UTC}
    assert header(bundle)["definition"] == replies.FULL_DEFINITION
    # One CarePlan, as the full response allows: a new version of the sender's, under its id.
    [(plan_url, plan)] = entries(bundle, "CarePlan")
    sent = resource(request_bundle, "CarePlan")
    assert (plan_url, plan["id"]) == (f"urn:uuid:{sent['id']}", sent["id"])
    assert plan["meta"]["lastUpdated"] == NOW_UTC
    assert plan["status"] == "completed"
    assert plan["encounter"] == {"reference": encounter_url}
    assert plan["activity"] == [
        {
            "outcomeCodeableConcept": [
                {"text": "Seen by the 2-hour community response: stays at home"}
            ]
        }
    ]
    [(practitioner_url, _)] = desk_made(bundle, request_bundle, "Practitioner")
    assert plan["author"] == {"reference": practitioner_url}
    for resource_type in ("Location", "HealthcareService", "Consent"):
        assert [found for _, found in entries(bundle, resource_type)] == [
            resource(request_bundle, resource_type)
        ], resource_type


def test_one_referral_keeps_one_desk_encounter_and_a_reply_repeats_exactly(
    request_bundle: Json,
) -> None:
    ids = {desk_encounter(build(kind, request_bundle))[1]["id"] for kind in KINDS}
    assert len(ids) == 1
    assert build("final", request_bundle) == build("final", request_bundle)
    other = desk_encounter(build("accept", request_bundle, reference="SPR-2026-0043"))[1]
    assert other["id"] not in ids
    first = header(build("accept", request_bundle, message_id="a"))["id"]
    assert first != header(build("accept", request_bundle, message_id="b"))["id"]


def test_received_and_typed_strings_are_copied_as_they_are() -> None:
    markup = '[bold red]Ethel[/] <script>alert(1)</script> & "quotes" \\ \u202e'
    request = a4t3_bundle(message_id=REQUEST_ID, given_name=markup, chief_concern=markup)
    bundle = build("final", request, outcome=markup, by=markup)
    Bundle.model_validate(bundle)
    [(_, patient)] = entries(bundle, "Patient")
    assert patient == resource(request, "Patient")
    assert patient["name"][0]["given"] == [markup]
    [(_, service_request)] = entries(bundle, "ServiceRequest")
    assert service_request["reasonCode"] == [{"text": markup}]
    [(_, plan)] = entries(bundle, "CarePlan")
    assert plan["activity"][0]["outcomeCodeableConcept"][0]["text"] == markup
    [(_, practitioner)] = desk_made(bundle, request, "Practitioner")
    assert practitioner["name"] == [{"text": markup}]


@pytest.mark.parametrize("kind", KINDS)
def test_building_a_reply_leaves_the_stored_request_alone(kind: str) -> None:
    request = a4t3_bundle(message_id=REQUEST_ID)
    before = json.dumps(request, sort_keys=True)
    bundle = build(kind, request)
    assert json.dumps(request, sort_keys=True) == before
    # Nor does changing the reply change the request (nothing is shared).
    entries(bundle, "Patient")[0][1]["name"] = []
    assert json.dumps(request, sort_keys=True) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_request_without_its_optional_parts_still_gets_each_reply(kind: str) -> None:
    """No Patient contact, no CarePlan, no CDSS, no consent, no receiving Organization."""
    request = changed(
        a4t3_bundle(message_id=REQUEST_ID, cdss=None, omit={"CarePlan", "Consent"}),
        "Patient",
        contact=None,
    )
    del resource(request, "MessageHeader")["destination"][0]["receiver"]
    bundle = build(kind, request)
    Bundle.model_validate(bundle)
    message = header(bundle)
    assert "extension" not in message
    assert "sender" not in message
    assert message["source"]["endpoint"] == "https://fhir.nhs.uk/Id/dos-service-id|111111111"
    assert desk_encounter(bundle)[1]["identifier"][0]["value"] == REFERENCE
    assert entries(bundle, "Consent") == []
    assert all(plan["status"] == "completed" for _, plan in entries(bundle, "CarePlan"))


def test_a_request_with_no_destination_or_bundle_id_is_still_answered() -> None:
    request = a4t3_bundle(message_id=REQUEST_ID)
    sent = resource(request, "MessageHeader")
    del sent["destination"]
    del request["id"]
    bundle = build("accept", request)
    Bundle.model_validate(bundle)
    assert header(bundle)["source"]["endpoint"] == replies.DESK_ENDPOINT
    assert header(bundle)["response"]["identifier"] == sent["id"]


def test_the_desks_software_and_version_are_given_as_arguments(request_bundle: Json) -> None:
    bundle = build("accept", request_bundle, software="SPR Desk (Bucks)", version="2.0.1")
    source = header(bundle)["source"]
    assert (source["name"], source["software"], source["version"]) == (
        "SPR Desk",
        "SPR Desk (Bucks)",
        "2.0.1",
    )


def test_a_time_without_a_zone_is_refused(request_bundle: Json) -> None:
    with pytest.raises(ValueError, match="zone"):
        build("accept", request_bundle, now=datetime(2026, 11, 23, 11, 5))
    assert replies.instant(datetime(2026, 11, 23, 11, 5, tzinfo=UTC)) == "2026-11-23T11:05:00+00:00"


def test_building_a_reply_does_not_load_fhir_resources() -> None:
    probe = (
        "import sys, spr_desk.bars.replies\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('fhir', 'pydantic')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
