"""The desk's answers to a 999 service, as BaRS message Bundles (FHIR R4 JSON, modelled on the
guide's VALRESP examples): the acknowledgement returned at once, the Interim Responses (accepted:
Encounter in-progress; sent back: cancelled, with a `rejected-reasons-bars` code) and the final
Validation Response with the outcome.

Each is built from the request as received (the desk keeps it): the sender's ServiceRequest,
its Encounter with the Journey ID and the Patient are carried back as sent, and a new Encounter
carries the desk's human-readable reference. Only the standard library: the desk can queue a
reply without loading `fhir.resources`.
"""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from spr_desk import __version__

BUNDLE_PROFILE = "https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage"
HEADER_PROFILE = "https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-servicerequest-response"
EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars"
REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars"
REJECTED = "https://fhir.nhs.uk/CodeSystem/rejected-reasons-bars"
ENCOUNTER_REASON = "https://fhir.nhs.uk/CodeSystem/message-reason-encounter"
ENCOUNTER_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter"
DESK_REFERENCE = "https://fhir.nhs.uk/Id/spr-desk-reference"
"""The system of the desk's reference on its Encounter (a local identifier system)."""
DEFINITION = "https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-response-validation"
BUNDLE_VERSION = "1.1.0"


class RejectReason(StrEnum):
    """`rejected-reasons-bars`: why the desk sends a case back."""

    NOT_AVAILABLE = "RRNA"
    FAILED_CONTACT = "FC"
    OTHER = "OTH"


REJECT_WORDS: dict[RejectReason, str] = {
    RejectReason.NOT_AVAILABLE: "Requested resource not available within timescale",
    RejectReason.FAILED_CONTACT: "Failed contact",
    RejectReason.OTHER: "Other",
}


def acknowledgement(
    request: dict[str, Any], *, reference: str, now: datetime, message_id: str
) -> dict[str, Any]:
    """The synchronous answer (HTTP 200): the desk's reference on an Encounter, planned."""
    return _reply(request, reference, now, message_id, status="planned", definition="-ack")


def accept(
    request: dict[str, Any], *, reference: str, now: datetime, message_id: str, by: str
) -> dict[str, Any]:
    """Interim Response: a clinician (`by`) accepted the case (Encounter in-progress)."""
    return _reply(
        request, reference, now, message_id, status="in-progress", definition="-interim", by=by
    )


def reject(
    request: dict[str, Any],
    *,
    reference: str,
    now: datetime,
    message_id: str,
    reason: RejectReason,
    text: str,
    by: str,
) -> dict[str, Any]:
    """Interim Response: the case goes back to the sender (Encounter cancelled), with why."""
    coded = {"system": REJECTED, "code": reason.value, "display": REJECT_WORDS[reason]}
    why: dict[str, Any] = {"coding": [coded]}
    if text:
        why["text"] = text
    return _reply(
        request,
        reference,
        now,
        message_id,
        status="cancelled",
        definition="-interim",
        by=by,
        reasons=[why],
    )


def final(
    request: dict[str, Any],
    *,
    reference: str,
    now: datetime,
    message_id: str,
    outcome: str,
    by: str,
) -> dict[str, Any]:
    """The Validation Response: the referral's outcome at the desk (Encounter finished), its
    words in a CarePlan's description."""
    bundle = _reply(
        request, reference, now, message_id, status="finished", definition="-full", by=by
    )
    patient = _find(request, "Patient")
    plan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(uuid.uuid4()),
        "status": "completed",
        "intent": "plan",
        "description": outcome,
        "subject": {"reference": _full_url(request, patient)} if patient else {"display": "-"},
    }
    bundle["entry"].append({"fullUrl": f"urn:uuid:{plan['id']}", "resource": plan})
    return bundle


def _reply(
    request: dict[str, Any],
    reference: str,
    now: datetime,
    message_id: str,
    *,
    status: str,
    definition: str,
    by: str = "",
    reasons: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    moment = now.astimezone(UTC).isoformat()
    header = _find(request, "MessageHeader") or {}
    service_request = _find(request, "ServiceRequest")
    encounter = _find(request, "Encounter")
    patient = _find(request, "Patient")
    ours = {
        "resourceType": "Encounter",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [ENCOUNTER_PROFILE]},
        "identifier": [{"system": DESK_REFERENCE, "value": reference}],
        "status": status,
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "EMER",
            "display": "emergency",
        },
        "period": {"start": moment},
        "reasonCode": [
            {
                "coding": [
                    {
                        "system": ENCOUNTER_REASON,
                        "code": "validation-triage-outcome",
                        "display": "Validation of triage outcome",
                    }
                ]
            },
            *(reasons or []),
        ],
    }
    if patient is not None:
        ours["subject"] = {"reference": _full_url(request, patient)}
    if encounter is not None and "episodeOfCare" in encounter:
        ours["episodeOfCare"] = copy.deepcopy(encounter["episodeOfCare"])
    if by:
        ours["participant"] = [{"individual": {"display": by}}]
    source = header.get("source") if isinstance(header.get("source"), dict) else {}
    message: dict[str, Any] = {
        "resourceType": "MessageHeader",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [HEADER_PROFILE]},
        "eventCoding": {"system": EVENTS, "code": "servicerequest-response"},
        "destination": [{"endpoint": str(source.get("endpoint", ""))}],
        "source": {
            "name": "SPR Desk",
            "software": "SPR Desk",
            "version": __version__,
            "endpoint": "https://fhir.nhs.uk/Id/spr-desk",
        },
        "reason": {"coding": [{"system": REASONS, "code": "new"}]},
        "response": {"identifier": str(request.get("id", "")), "code": "ok"},
        "focus": [{"reference": f"urn:uuid:{ours['id']}"}],
        "definition": DEFINITION + definition,
    }
    entries = [{"fullUrl": f"urn:uuid:{message['id']}", "resource": message}]
    for sent in (service_request, encounter, patient):
        if sent is not None:
            entries.append({"fullUrl": _full_url(request, sent), "resource": copy.deepcopy(sent)})
    entries.append({"fullUrl": f"urn:uuid:{ours['id']}", "resource": ours})
    return {
        "resourceType": "Bundle",
        "id": message_id,
        "meta": {"versionId": BUNDLE_VERSION, "profile": [BUNDLE_PROFILE], "lastUpdated": moment},
        "type": "message",
        "timestamp": moment,
        "entry": entries,
    }


def _find(request: dict[str, Any], resource_type: str) -> dict[str, Any] | None:
    """The request's first resource of this type (the desk checked it holds one of each)."""
    for entry in request.get("entry", []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == resource_type:
            return resource
    return None


def _full_url(request: dict[str, Any], resource: dict[str, Any]) -> str:
    for entry in request.get("entry", []):
        if isinstance(entry, dict) and entry.get("resource") is resource:
            return str(entry.get("fullUrl") or f"urn:uuid:{resource.get('id', '')}")
    return f"urn:uuid:{resource.get('id', '')}"
