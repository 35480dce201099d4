"""A complete, fictional `a4t3` Validation Request (999 ambulance trust to a 2-hour community
response), built the way the BaRS guide's VALREQ examples are (our own words: the guide has
no licence to copy). The demo loads a few; the tests and the benchmark change one part at a
time (`a4t3_bundle(**changes)`) to build every good and bad case.

Patients are fictional, with NHS numbers from the 999 test range.
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
VERIFICATION_EXTENSION = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
VERIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatus"
VERIFICATION_SYSTEM_ENGLAND = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
)
RANK_EXTENSION = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ContactRank"
CDSS_EXTENSION = "https://fhir.nhs.uk/StructureDefinition/CDSSExtension"
USE_CASES = "https://fhir.nhs.uk/CodeSystem/usecases-categories-bars"
CATEGORIES = "https://fhir.nhs.uk/CodeSystem/message-category-servicerequest"
FLAG_CATEGORIES = "https://fhir.nhs.uk/CodeSystem/flag-categories-bars"
SCENE_SAFETY = "https://fhir.nhs.uk/CodeSystem/scene-safety-bars"
JOURNEY_SYSTEM = "https://fhir.nhs.uk/Id/journey-id"
SENDER_REFERRAL_SYSTEM = "https://trust.example.nhs.uk/Id/validation-request"
SENDER_ENDPOINT = "https://fhir.nhs.uk/Id/dos-service-id|2222222222"

WHEN = datetime(2026, 11, 23, 10, 40, tzinfo=UTC)
"""When the example was authored (the tests' frozen clock is 11:00 that day)."""


def a4t3_bundle(
    *,
    authored_on: datetime = WHEN,
    breach_at: datetime | None = None,
    use_case: str = "a4t3",
    reason: str = "new",
    status: str = "active",
    message_id: str | None = None,
    service_request_id: str = "VR-2026-4512",
    journey_id: str = "J-4512-0001",
    given_name: str = "Ethel",
    family_name: str = "Example",
    birth_date: str = "1945-05-01",
    nhs_number: str | None = "9434765919",
    nhs_status: str | None = "number-present-and-verified",
    contacts: list[tuple[int, str, str | None]] | None = None,
    scene_safety: str | None = "S",
    safeguarding: str | None = "Lives with a son who is the main carer; carer strain noted",
    chief_concern: str = "Fall at home, no injury found; cannot manage stairs tonight",
    cancel_reason: str = "Patient conveyed to hospital",
    cdss: tuple[str, str] | None = ("Pathways", "30.2.0"),
    incident_postcode: str = "HP20 1AA",
    omit: frozenset[str] | set[str] = frozenset(),
    version_id: str | None = "1.1.0",
) -> dict[str, Any]:
    """A good request, with the parts named changed; `omit` leaves out every resource of the
    types it names ("Patient", "Location", ...)."""
    breach = breach_at or authored_on + timedelta(hours=2)
    if contacts is None:
        contacts = [
            (1, "Crew 4512 (paramedic)", "07700 900451"),
            (2, "Peter Example (son)", "07700 900123"),
        ]
    ids = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{journey_id}/{name}")) for name in _PARTS}
    ref = {name: f"urn:uuid:{value}" for name, value in ids.items()}
    moment = authored_on.isoformat()

    header: dict[str, Any] = {
        "resourceType": "MessageHeader",
        "id": ids["header"],
        "meta": {
            "profile": [
                "https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-servicerequest-request"
            ]
        },
        "eventCoding": {
            "system": "https://fhir.nhs.uk/CodeSystem/message-events-bars",
            "code": "servicerequest-request",
        },
        "destination": [
            {
                "endpoint": "https://fhir.nhs.uk/Id/dos-service-id|111111111",
                "receiver": {"reference": ref["receiver"]},
            }
        ],
        "sender": {"reference": ref["sender"]},
        "source": {
            "name": "Example Ambulance Service NHS Trust",
            "software": "Example CAD",
            "version": "4.2",
            "contact": {"system": "phone", "value": "0113 496 0000"},
            "endpoint": SENDER_ENDPOINT,
        },
        "reason": {
            "coding": [
                {"system": "https://fhir.nhs.uk/CodeSystem/message-reason-bars", "code": reason}
            ]
        },
        "focus": [{"reference": ref["service_request"]}],
        "definition": (
            "https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-request-validation"
        ),
    }
    if cdss is not None:
        header["extension"] = [
            {
                "url": CDSS_EXTENSION,
                "extension": [
                    {"url": "RequesterCDSSsoftware", "valueString": cdss[0]},
                    {"url": "RequesterCDSSversion", "valueString": cdss[1]},
                ],
            }
        ]
    service_request: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": ids["service_request"],
        "identifier": [{"system": SENDER_REFERRAL_SYSTEM, "value": service_request_id}],
        "basedOn": [{"reference": ref["care_plan"]}],
        "status": status,
        "intent": "plan",
        "category": [
            {
                "coding": [
                    {"system": CATEGORIES, "code": "validation", "display": "For Validation"},
                    {
                        "system": USE_CASES,
                        "code": use_case,
                        "display": "999 to Community Services (2-hour UCR)",
                    },
                ]
            }
        ],
        "reasonCode": [{"text": chief_concern}],
        "subject": {"reference": ref["patient"]},
        "encounter": {"reference": ref["encounter"]},
        "occurrencePeriod": {"start": moment, "end": breach.isoformat()},
        "authoredOn": moment,
        "requester": {"reference": ref["practitioner_role"]},
        "performer": [{"reference": ref["service"]}],
        "locationReference": [{"reference": ref["location"]}],
        "note": [{"text": "Crew on scene; patient comfortable in chair, son present."}],
    }
    if status != "active":  # R4 has no statusReason here: the sender's reason is its note
        service_request["note"] = [{"text": cancel_reason}]
    encounter = {
        "resourceType": "Encounter",
        "id": ids["encounter"],
        "identifier": [{"system": "https://trust.example.nhs.uk/Id/incident", "value": "INC-4512"}],
        "status": "triaged",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "EMER",
            "display": "emergency",
        },
        "subject": {"reference": ref["patient"]},
        "episodeOfCare": [
            {"identifier": {"system": JOURNEY_SYSTEM, "value": journey_id}, "display": "Journey"}
        ],
        "period": {"start": (authored_on - timedelta(minutes=40)).isoformat()},
    }
    care_plan = {
        "resourceType": "CarePlan",
        "id": ids["care_plan"],
        "status": "active",
        "intent": "plan",
        "subject": {"reference": ref["patient"]},
        "period": {"start": (authored_on - timedelta(minutes=40)).isoformat()},
        "description": "Pathways disposition: speak to a community urgent care service",
    }
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": ids["patient"],
        "name": [{"use": "official", "family": family_name, "given": [given_name]}],
        "gender": "female",
        "birthDate": birth_date,
        "address": [
            {
                "use": "home",
                "line": ["12 Orchard Close"],
                "city": "Aylesbury",
                "postalCode": "HP20 1AA",
            }
        ],
        "contact": [_contact(rank, name, phone) for rank, name, phone in contacts],
        "generalPractitioner": [{"reference": ref["practice"]}],
    }
    if nhs_number is not None:
        identifier: dict[str, Any] = {"system": NHS_NUMBER_SYSTEM, "value": nhs_number}
        if nhs_status is not None:
            system = (
                VERIFICATION_SYSTEM_ENGLAND if nhs_status[:1].isdigit() else VERIFICATION_SYSTEM
            )
            identifier["extension"] = [
                {
                    "url": VERIFICATION_EXTENSION,
                    "valueCodeableConcept": {"coding": [{"system": system, "code": nhs_status}]},
                }
            ]
        patient["identifier"] = [identifier]
    resources: list[tuple[str, dict[str, Any]]] = [
        ("header", header),
        ("service_request", service_request),
        ("encounter", encounter),
        ("care_plan", care_plan),
        ("patient", patient),
        ("location", _location(ids["location"], incident_postcode)),
        ("service", _service(ids["service"], ref["receiver"])),
        ("sender", _organisation(ids["sender"], "RX9", "Example Ambulance Service NHS Trust")),
        ("receiver", _organisation(ids["receiver"], "RXQ", "Buckinghamshire SPR")),
        ("practice", _organisation(ids["practice"], "K82001", "Meadowbank Surgery")),
        ("practitioner", _practitioner(ids["practitioner"])),
        ("practitioner_role", _role(ids["practitioner_role"], ref)),
        ("consent", _consent(ids["consent"], ref["patient"])),
    ]
    if scene_safety is not None:
        resources.append(("scene", _flag(ids["scene"], ref["patient"], "SS", scene_safety)))
    if safeguarding is not None:
        resources.append(
            ("safeguarding", _flag(ids["safeguarding"], ref["patient"], "SG", None, safeguarding))
        )
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": message_id or str(uuid.uuid4()),
        "meta": {
            "lastUpdated": moment,
            "profile": ["https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage"],
        },
        "type": "message",
        "timestamp": moment,
        "entry": [
            {"fullUrl": ref[name], "resource": resource}
            for name, resource in resources
            if resource["resourceType"] not in omit
        ],
    }
    if version_id is not None:
        bundle["meta"]["versionId"] = version_id
    return bundle


_PARTS = (
    "header",
    "service_request",
    "encounter",
    "care_plan",
    "patient",
    "location",
    "service",
    "sender",
    "receiver",
    "practice",
    "practitioner",
    "practitioner_role",
    "consent",
    "scene",
    "safeguarding",
)


def body(bundle: dict[str, Any]) -> bytes:
    """The bundle as a sender posts it."""
    return json.dumps(bundle).encode("utf-8")


def changed(bundle: dict[str, Any], resource_type: str, **values: Any) -> dict[str, Any]:
    """A copy with the first resource of `resource_type` given these top-level `values`
    (a value of None removes the key)."""
    copied = copy.deepcopy(bundle)
    for entry in copied["entry"]:
        if entry["resource"]["resourceType"] == resource_type:
            for key, value in values.items():
                if value is None:
                    entry["resource"].pop(key, None)
                else:
                    entry["resource"][key] = value
            break
    return copied


def _contact(rank: int, name: str, phone: str | None) -> dict[str, Any]:
    contact: dict[str, Any] = {
        "extension": [{"url": RANK_EXTENSION, "valuePositiveInt": rank}],
        "name": {"text": name},
    }
    if phone is not None:
        contact["telecom"] = [{"system": "phone", "value": phone}]
    return contact


def _location(id_: str, postcode: str) -> dict[str, Any]:
    return {
        "resourceType": "Location",
        "id": id_,
        "name": "Incident location",
        "address": {
            "line": ["12 Orchard Close"],
            "city": "Aylesbury",
            "postalCode": postcode,
        },
    }


def _service(id_: str, provider: str) -> dict[str, Any]:
    return {
        "resourceType": "HealthcareService",
        "id": id_,
        "identifier": [{"system": "https://fhir.nhs.uk/Id/dos-service-id", "value": "111111111"}],
        "active": True,
        "providedBy": {"reference": provider},
        "name": "Buckinghamshire 2-hour Urgent Community Response",
    }


def _organisation(id_: str, ods: str, name: str) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": id_,
        "identifier": [{"system": "https://fhir.nhs.uk/Id/ods-organization-code", "value": ods}],
        "name": name,
    }


def _practitioner(id_: str) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": id_,
        "name": [{"family": "Okafor", "given": ["Sam"], "prefix": ["Paramedic"]}],
        "telecom": [{"system": "phone", "value": "07700 900451"}],
    }


def _role(id_: str, ref: dict[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "PractitionerRole",
        "id": id_,
        "practitioner": {"reference": ref["practitioner"]},
        "organization": {"reference": ref["sender"]},
        "code": [{"text": "Paramedic"}],
    }


def _consent(id_: str, patient: str) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "id": id_,
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "patient": {"reference": patient},
    }


def _flag(
    id_: str, patient: str, category: str, code: str | None, text: str | None = None
) -> dict[str, Any]:
    flag: dict[str, Any] = {
        "resourceType": "Flag",
        "id": id_,
        "status": "active",
        "category": [{"coding": [{"system": FLAG_CATEGORIES, "code": category}]}],
        "code": {"coding": [{"system": SCENE_SAFETY, "code": code}]} if code else {"text": text},
        "subject": {"reference": patient},
    }
    return flag
