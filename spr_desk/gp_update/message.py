"""The GP update as a GP Connect Send Document-shaped ITK3 message: a FHIR R4B Bundle of type
message, validated by `fhir.resources` before it leaves.

What it holds: a MessageHeader (event ITK007C "ITK GP Connect Send Document", from our MESH
mailbox to the practice's, focus the DocumentReference), the Patient (NHS number, name, date of
birth), the sending Organization (the desk) and the practice's, a DocumentReference naming the
patient, the practice and the document, and the document itself as a Binary (text/html,
base64). `fhir.resources` is imported inside the function: only the MESH sender loads it (the
import costs a third of a second)."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

ITK_EVENT_SYSTEM = "https://fhir.nhs.uk/STU3/CodeSystem/ITK-MessageEvent-2"
ITK_EVENT_CODE = "ITK007C"
ITK_EVENT_DISPLAY = "ITK GP Connect Send Document"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
MESH_MAILBOX_SYSTEM = "https://fhir.nhs.uk/Id/mesh-mailbox-id"
SENDER_NAME = "Single Point of Referral desk"
DOCUMENT_TYPE = ("http://snomed.info/sct", "823701000000103", "Discharge letter")
"""SNOMED CT's record artifact for an end-of-episode letter to the GP."""


@dataclass(frozen=True, slots=True)
class DocumentMessage:
    message_id: str
    """The MessageHeader id (and the Bundle's identifier): ours, one per update."""
    sender_mailbox: str
    practice_mailbox: str
    practice: str
    title: str
    document: bytes
    """The HTML document."""
    patient_name: str
    nhs_number: str
    date_of_birth: str
    """ISO date, or ""."""
    sent_at: datetime


def send_document_bundle(message: DocumentMessage) -> bytes:
    """The message as FHIR JSON bytes.

    Raises:
        ValueError: the Bundle is not valid FHIR R4B (a fault here, not in what was typed).
    """
    from fhir.resources.R4B.bundle import Bundle

    bundle = Bundle.model_validate(bundle_data(message))
    return bundle.model_dump_json(exclude_none=True).encode("utf-8")


def bundle_data(message: DocumentMessage) -> dict[str, object]:
    ids = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{message.message_id}/{name}")) for name in
           ("patient", "sender", "practice", "document", "binary")}  # fmt: skip
    when = message.sent_at.isoformat()
    patient: dict[str, object] = {
        "resourceType": "Patient",
        "id": ids["patient"],
        "name": [{"text": message.patient_name or "not recorded"}],
    }
    if message.nhs_number:
        patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": message.nhs_number}]
    if message.date_of_birth:
        patient["birthDate"] = message.date_of_birth
    resources: list[dict[str, object]] = [
        {
            "resourceType": "MessageHeader",
            "id": message.message_id,
            "eventCoding": {
                "system": ITK_EVENT_SYSTEM,
                "code": ITK_EVENT_CODE,
                "display": ITK_EVENT_DISPLAY,
            },
            "destination": [
                {
                    "endpoint": message.practice_mailbox,
                    "receiver": {"reference": f"urn:uuid:{ids['practice']}"},
                }
            ],
            "sender": {"reference": f"urn:uuid:{ids['sender']}"},
            "source": {"name": SENDER_NAME, "endpoint": message.sender_mailbox},
            "focus": [{"reference": f"urn:uuid:{ids['document']}"}],
        },
        patient,
        _organization(ids["sender"], SENDER_NAME, message.sender_mailbox),
        _organization(ids["practice"], message.practice, message.practice_mailbox),
        {
            "resourceType": "DocumentReference",
            "id": ids["document"],
            "status": "current",
            "type": {
                "coding": [
                    {
                        "system": DOCUMENT_TYPE[0],
                        "code": DOCUMENT_TYPE[1],
                        "display": DOCUMENT_TYPE[2],
                    }
                ]
            },
            "subject": {"reference": f"urn:uuid:{ids['patient']}"},
            "date": when,
            "author": [{"reference": f"urn:uuid:{ids['sender']}"}],
            "custodian": {"reference": f"urn:uuid:{ids['sender']}"},
            "description": message.title,
            "content": [
                {
                    "attachment": {
                        "contentType": "text/html",
                        "url": f"urn:uuid:{ids['binary']}",
                        "title": message.title,
                        "creation": when,
                    }
                }
            ],
        },
        {
            "resourceType": "Binary",
            "id": ids["binary"],
            "contentType": "text/html",
            "data": base64.b64encode(message.document).decode("ascii"),
        },
    ]
    return {
        "resourceType": "Bundle",
        "id": message.message_id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{message.message_id}"},
        "type": "message",
        "timestamp": when,
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }


def _organization(resource_id: str, name: str, mailbox: str) -> dict[str, object]:
    return {
        "resourceType": "Organization",
        "id": resource_id,
        "name": name or "not recorded",
        "identifier": [{"system": MESH_MAILBOX_SYSTEM, "value": mailbox}],
    }


def document_of(payload: bytes) -> bytes:
    """The HTML document a received message carries (what the practice reads).

    Raises:
        ValueError: the payload is not such a message.
    """
    data = json.loads(payload)
    for entry in data.get("entry", ()):
        resource = entry.get("resource", {})
        if resource.get("resourceType") == "Binary":
            return base64.b64decode(resource["data"])
    raise ValueError("The message carries no document (no Binary).")
