"""The desk's answers to a 999 service, as BaRS message Bundles (FHIR R4 JSON), modelled on the
guide's Application 4 responses (VALRESP01, 01A, 01B, 04; our own words and ids):

- `acknowledgement`: the synchronous answer (HTTP 200), the desk's Encounter `planned`;
- `accept`: the Interim Response once a clinician accepts, Encounter `in-progress`;
- `reject`: the Interim Response sending the case back, Encounter `cancelled` with its
  `rejected-reasons-bars` code in `Encounter.reasonCode` (and the desk's words as its text);
- `final`: the Validation Response, Encounter `finished`, the outcome in a CarePlan's
  `activity.outcomeCodeableConcept.text` (where the guide carries the validation outcome).

Each carries back, as sent, the request's ServiceRequest (with the sender's identifier), its
Encounter (with the Journey ID in `episodeOfCare`), the Patient and the two Organizations its
MessageHeader names, with every request resource those point at (a `urn:uuid` reference must
resolve inside the Bundle); and adds the desk's Encounter (the message's focus, the last
entry), whose identifier is the desk's human-readable reference, and, when someone at the desk
answered, a Practitioner and PractitionerRole for them. The desk's Encounter keeps one id for
a referral (the guide echoes it in every later message), and every other id is derived from
the message id, so the same arguments always give the same Bundle.

Only the standard library: the desk can build a reply without loading `fhir.resources`.
Received strings are copied into the reply as data, never read as markup or rewritten.
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from spr_desk import __version__

BUNDLE_VERSION = "1.1.0"
"""`Bundle.meta.versionId`: the Application 4 version the reply follows."""
BUNDLE_PROFILE = "https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage"
HEADER_PROFILE = "https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-servicerequest-response"
ENCOUNTER_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Encounter"
PRACTITIONER_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Practitioner"
ROLE_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-PractitionerRole"
CARE_PLAN_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-CarePlan"
EVENTS = "https://fhir.nhs.uk/CodeSystem/message-events-bars"
REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-bars"
ENCOUNTER_REASONS = "https://fhir.nhs.uk/CodeSystem/message-reason-encounter"
REJECTED = "https://fhir.nhs.uk/CodeSystem/rejected-reasons-bars"
CDSS_EXTENSION = "https://fhir.nhs.uk/StructureDefinition/CDSSExtension"
DEFINITIONS = (
    "https://fhir.nhs.uk/MessageDefinition/bars-message-servicerequest-response-validation"
)
INTERIM_DEFINITION = f"{DEFINITIONS}-interim"
FULL_DEFINITION = f"{DEFINITIONS}-full"
REFERENCE_SYSTEM = "urn:spr-desk:referral-reference"
"""The system of the desk's reference on its Encounter. The guide's examples use a URL the
receiver owns; the desk has none of its own, so a URN that claims no one's domain."""
DESK_NAME = "SPR Desk"
DESK_ENDPOINT = "urn:spr-desk"
"""`MessageHeader.source.endpoint` when the request did not say how it addressed the desk
(normally the reply gives back the request's own `destination.endpoint`)."""

_IDS = uuid.UUID("0f6d3b8e-5c1a-4e0b-9b7e-2f4a8c1d5e60")
"""Namespace for the reply's derived ids (uuid5), so they repeat for the same arguments."""


class RejectReason(StrEnum):
    """`rejected-reasons-bars`: why the desk sends a case back to the 999 service."""

    NOT_AVAILABLE = "RRNA"
    FAILED_CONTACT = "FC"
    OTHER = "OTH"


REJECT_WORDS: dict[RejectReason, str] = {
    RejectReason.NOT_AVAILABLE: "Requested resource not available within timescale",
    RejectReason.FAILED_CONTACT: "Failed contact",
    RejectReason.OTHER: "Other",
}
"""How the desk says each reason (the referral view, the audit trail)."""

_REJECT_DISPLAY: dict[RejectReason, str] = {
    RejectReason.NOT_AVAILABLE: "Requested resource not available within timescale",
    RejectReason.FAILED_CONTACT: "Failed Contact",
    RejectReason.OTHER: "Other",
}
"""The code system's own displays (a coding's display must match it, capitals and all)."""

_TRIAGE_OUTCOME = {
    "coding": [
        {
            "system": ENCOUNTER_REASONS,
            "code": "validation-triage-outcome",
            "display": "Validation of triage outcome",
        }
    ]
}

Json = dict[str, Any]


def acknowledgement(request: Json, *, reference: str, now: datetime, message_id: str) -> Json:
    """The synchronous answer (HTTP 200) to a Validation Request: the desk's Encounter,
    `planned`, carrying the reference the sender shows its user.

    It has no `MessageHeader.definition`: the guide defines none for the synchronous answer,
    and the interim one would tell the sender a clinician had started.

    Args:
        request: the Validation Request Bundle as received (already checked by the desk).
        reference: the desk's human-readable reference for the referral.
        now: when the desk answers (aware; written in UTC).
        message_id: this reply's own id (`Bundle.id`).
    """
    return _Reply(request, reference, now, message_id).bundle(status="planned", definition=None)


def accept(
    request: Json,
    *,
    reference: str,
    now: datetime,
    message_id: str,
    by: str,
    software: str = DESK_NAME,
    version: str = __version__,
) -> Json:
    """Interim Response: the clinician `by` accepted the case (Encounter `in-progress`).
    Sent when a clinician accepts, never on a mere attempt to phone the patient."""
    reply = _Reply(request, reference, now, message_id, by=by, software=software, version=version)
    return reply.bundle(status="in-progress", definition=INTERIM_DEFINITION)


def reject(
    request: Json,
    *,
    reference: str,
    now: datetime,
    message_id: str,
    reason: RejectReason,
    text: str,
    by: str,
    software: str = DESK_NAME,
    version: str = __version__,
) -> Json:
    """Interim Response: the case goes back to the sender (Encounter `cancelled`), the
    `rejected-reasons-bars` code and `text` (the desk's words; needed for `OTH`) in its
    `reasonCode`, where the guide's rejection example puts them."""
    why: Json = {
        "coding": [{"system": REJECTED, "code": reason.value, "display": _REJECT_DISPLAY[reason]}]
    }
    if text:
        why["text"] = text
    reply = _Reply(request, reference, now, message_id, by=by, software=software, version=version)
    return reply.bundle(status="cancelled", definition=INTERIM_DEFINITION, reason_code=why)


def final(
    request: Json,
    *,
    reference: str,
    now: datetime,
    message_id: str,
    outcome: str,
    by: str,
    software: str = DESK_NAME,
    version: str = __version__,
) -> Json:
    """The Validation Response when the referral closes: Encounter `finished`, and a CarePlan
    (`completed`: nothing left for the sender to do) whose first activity's
    `outcomeCodeableConcept.text` is `outcome` ("Seen by the 2-hour community response:
    stays at home"). It also carries the request's Location, HealthcareService and Consents,
    which the guide's full response names."""
    reply = _Reply(request, reference, now, message_id, by=by, software=software, version=version)
    return reply.bundle(status="finished", definition=FULL_DEFINITION, outcome=outcome)


def instant(moment: datetime) -> str:
    """A FHIR instant in UTC with its offset ("2026-11-23T11:00:00+00:00").

    Raises:
        ValueError: `moment` is naive (its zone would be a guess).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a reply's time must carry its zone")
    return moment.astimezone(UTC).isoformat()


class _Reply:
    """One reply being built: the request's parts it carries, and the desk's own."""

    def __init__(
        self,
        request: Json,
        reference: str,
        now: datetime,
        message_id: str,
        *,
        by: str = "",
        software: str = DESK_NAME,
        version: str = __version__,
    ) -> None:
        self.request = request
        self.reference = reference
        self.moment = instant(now)
        self.message_id = message_id
        self.by = by
        self.software = software
        self.version = version
        self.entries = _entries(request)
        self.header = self._first("MessageHeader")
        self.service_request = self._first("ServiceRequest")
        self.encounter = self._first("Encounter")
        self.patient = self._first("Patient")
        journey = self.encounter[1].get("episodeOfCare") if self.encounter else None
        self.journey = journey if isinstance(journey, list) else []
        key = json.dumps(self.journey, sort_keys=True, default=str)
        self.encounter_url = _urn("encounter", reference, key)

    def bundle(
        self,
        *,
        status: str,
        definition: str | None,
        reason_code: Json | None = None,
        outcome: str | None = None,
    ) -> Json:
        ours: list[tuple[str, Json]] = []
        practitioner_url = None
        if self.by:
            practitioner_url = _urn("practitioner", self.message_id)
            ours += self._practitioner(practitioner_url)
        encounter = self._desk_encounter(status, reason_code, practitioner_url)
        carried = [self.service_request, self.encounter, self.patient, *self._organizations()]
        if outcome is not None:
            ours.append(self._care_plan(outcome, practitioner_url))
            carried += self._full_response_parts()
        # The desk's Encounter (the message's focus) goes last, where a reader finds it.
        desk = (self.encounter_url, encounter)
        entries = [(_urn("header", self.message_id), self._header(definition))]
        seen = {desk[0]}
        for part in [*carried, *ours]:
            if part is None or part[0] in seen:
                continue
            seen.add(part[0])
            entries.append(part)
        entries += self._referenced_by([*entries, desk], seen)
        entries.append(desk)
        return {
            "resourceType": "Bundle",
            "id": self.message_id,
            "meta": {
                "versionId": BUNDLE_VERSION,
                "lastUpdated": self.moment,
                "profile": [BUNDLE_PROFILE],
            },
            "type": "message",
            "timestamp": self.moment,
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
        }

    # the request's parts ------------------------------------------------------------------

    def _first(self, resource_type: str) -> tuple[str, Json] | None:
        for url, resource in self.entries:
            if resource.get("resourceType") == resource_type:
                return url, copy.deepcopy(resource)
        return None

    def _referenced(self, reference: object, resource_type: str) -> tuple[str, Json] | None:
        """The request's resource a Reference points at (by fullUrl or `Type/id`)."""
        if not isinstance(reference, dict):
            return None
        target = reference.get("reference")
        for url, resource in self.entries:
            if resource.get("resourceType") != resource_type:
                continue
            if target in (url, f"{resource_type}/{resource.get('id')}"):
                return url, copy.deepcopy(resource)
        return None

    def _referenced_by(
        self, parts: list[tuple[str, Json]], seen: set[str]
    ) -> list[tuple[str, Json]]:
        """The request's resources that `parts` point at, and those they point at in turn, as
        sent: a `urn:uuid` reference must resolve inside the Bundle (the requester, the GP
        practice, the sender's CarePlan...)."""
        index: dict[str, tuple[str, Json]] = {}
        for url, resource in self.entries:
            index.setdefault(url, (url, resource))
            if isinstance(resource.get("id"), str):
                index.setdefault(
                    f"{resource.get('resourceType')}/{resource['id']}", (url, resource)
                )
        added: list[tuple[str, Json]] = []
        waiting = [resource for _, resource in parts]
        while waiting:
            for target in _references(waiting.pop()):
                found = index.get(target)
                if found is not None and found[0] not in seen:
                    seen.add(found[0])
                    added.append((found[0], copy.deepcopy(found[1])))
                    waiting.append(found[1])
        return added

    def _header_part(self, name: str) -> object:
        return self.header[1].get(name) if self.header else None

    def _request_destination(self) -> Json:
        destinations = self._header_part("destination")
        if isinstance(destinations, list) and destinations and isinstance(destinations[0], dict):
            return destinations[0]
        return {}

    def _organizations(self) -> list[tuple[str, Json] | None]:
        """The sender's Organization and the desk's, as the request named them: the reply's
        `destination.receiver` and `sender` point at them."""
        return [
            self._referenced(self._header_part("sender"), "Organization"),
            self._referenced(self._request_destination().get("receiver"), "Organization"),
        ]

    def _full_response_parts(self) -> list[tuple[str, Json] | None]:
        """What the full Validation Response also names: the incident Location and the
        HealthcareService the ServiceRequest points at, and the Consents, as sent."""
        request = self.service_request[1] if self.service_request else {}
        parts = [
            self._referenced(pointer, "Location")
            for pointer in _listed(request.get("locationReference"))
        ]
        for pointer in _listed(request.get("performer")):
            parts.append(
                self._referenced(pointer, "HealthcareService")
                or self._referenced(pointer, "Organization")
            )
        parts += [
            (url, copy.deepcopy(resource))
            for url, resource in self.entries
            if resource.get("resourceType") == "Consent"
        ]
        return parts

    # the desk's parts ---------------------------------------------------------------------

    def _header(self, definition: str | None) -> Json:
        requested = self._request_destination()
        source = self._header_part("source")
        reply_to = source.get("endpoint") if isinstance(source, dict) else None
        destination: Json = {"endpoint": reply_to if isinstance(reply_to, str) else ""}
        if isinstance(self._header_part("sender"), dict):
            destination["receiver"] = copy.deepcopy(self._header_part("sender"))
        ours = requested.get("endpoint")
        header: Json = {
            "resourceType": "MessageHeader",
            "id": _urn("header", self.message_id).removeprefix("urn:uuid:"),
            "meta": {"lastUpdated": self.moment, "profile": [HEADER_PROFILE]},
        }
        cdss = [
            copy.deepcopy(extension)
            for extension in _listed(self._header_part("extension"))
            if isinstance(extension, dict) and extension.get("url") == CDSS_EXTENSION
        ]
        if cdss:
            # The guide's responses repeat the CDSS the sender triaged with.
            header["extension"] = cdss
        header |= {
            "eventCoding": {
                "system": EVENTS,
                "code": "servicerequest-response",
                "display": "Service Request - Response",
            },
            "destination": [destination],
        }
        if isinstance(requested.get("receiver"), dict):
            header["sender"] = copy.deepcopy(requested["receiver"])
        header |= {
            "source": {
                "name": DESK_NAME,
                "software": self.software,
                "version": self.version,
                "endpoint": ours if isinstance(ours, str) and ours else DESK_ENDPOINT,
            },
            "reason": {"coding": [{"system": REASONS, "code": "new", "display": "New"}]},
            "response": {"identifier": self._request_id(), "code": "ok"},
            # The guide's examples focus the desk's Encounter (one table says the
            # ServiceRequest; the examples and the Encounter guidance agree on this).
            "focus": [{"reference": self.encounter_url}],
        }
        if definition is not None:
            header["definition"] = definition
        return header

    def _request_id(self) -> str:
        """The request's Bundle id, which the reply answers (its MessageHeader id if it had
        none)."""
        for value in (self.request.get("id"), self._header_part("id")):
            if isinstance(value, str) and value:
                return value
        return "unknown"

    def _desk_encounter(
        self, status: str, reason_code: Json | None, practitioner_url: str | None
    ) -> Json:
        period: Json = {"start": self.moment}
        if status == "finished":
            period["end"] = self.moment
        encounter: Json = {
            "resourceType": "Encounter",
            "id": self.encounter_url.removeprefix("urn:uuid:"),
            "meta": {"lastUpdated": self.moment, "profile": [ENCOUNTER_PROFILE]},
            "identifier": [{"system": REFERENCE_SYSTEM, "value": self.reference}],
            "status": status,
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "EMER",
                "display": "emergency",
            },
        }
        if self.patient is not None:
            encounter["subject"] = {"reference": self.patient[0]}
        if self.journey:
            encounter["episodeOfCare"] = copy.deepcopy(self.journey)
        if practitioner_url is not None:
            encounter["participant"] = [
                {"individual": {"reference": practitioner_url, "display": self.by}}
            ]
        encounter["period"] = period
        if status != "planned":
            encounter["reasonCode"] = [reason_code or copy.deepcopy(_TRIAGE_OUTCOME)]
        return encounter

    def _practitioner(self, url: str) -> list[tuple[str, Json]]:
        """Who at the desk gave this answer, as a Practitioner and their role at the desk's
        Organization (both required by the response MessageDefinitions)."""
        practitioner: Json = {
            "resourceType": "Practitioner",
            "id": url.removeprefix("urn:uuid:"),
            "meta": {"lastUpdated": self.moment, "profile": [PRACTITIONER_PROFILE]},
            "name": [{"text": self.by}],
        }
        role_url = _urn("role", self.message_id)
        role: Json = {
            "resourceType": "PractitionerRole",
            "id": role_url.removeprefix("urn:uuid:"),
            "meta": {"lastUpdated": self.moment, "profile": [ROLE_PROFILE]},
            "practitioner": {"reference": url},
        }
        desk = self._request_destination().get("receiver")
        if isinstance(desk, dict):
            role["organization"] = copy.deepcopy(desk)
        return [(url, practitioner), (role_url, role)]

    def _care_plan(self, outcome: str, practitioner_url: str | None) -> tuple[str, Json]:
        """The validation outcome. The full response holds one CarePlan, so (as in the guide's
        VALRESP02) it is a new version of the sender's, under its id, when one was sent."""
        sent = self._first("CarePlan")
        url = sent[0] if sent else _urn("care-plan", self.message_id)
        own_id = sent[1].get("id") if sent else None
        plan_id = own_id if isinstance(own_id, str) and own_id else url.rsplit(":", 1)[-1]
        subject = {"reference": self.patient[0]} if self.patient else {"display": "not provided"}
        plan: Json = {
            "resourceType": "CarePlan",
            "id": plan_id,
            "meta": {"lastUpdated": self.moment, "profile": [CARE_PLAN_PROFILE]},
            "status": "completed",
            "intent": "plan",
            "subject": subject,
            "encounter": {"reference": self.encounter_url},
            "period": {"start": self.moment},
        }
        if practitioner_url is not None:
            plan["author"] = {"reference": practitioner_url}
        plan["activity"] = [{"outcomeCodeableConcept": [{"text": outcome}]}]
        return url, plan


def _entries(request: Json) -> list[tuple[str, Json]]:
    """The request's resources with their fullUrls (a missing one made from the id)."""
    found: list[tuple[str, Json]] = []
    for entry in _listed(request.get("entry")):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            continue
        url = entry.get("fullUrl")
        if not isinstance(url, str) or not url:
            url = f"urn:uuid:{resource.get('id', '')}"
        found.append((url, resource))
    return found


def _references(resource: Json) -> list[str]:
    """Every `reference` string anywhere inside `resource` (walked without recursion)."""
    found: list[str] = []
    waiting: list[object] = [resource]
    while waiting:
        value = waiting.pop()
        if isinstance(value, dict):
            reference = value.get("reference")
            if isinstance(reference, str):
                found.append(reference)
            waiting.extend(value.values())
        elif isinstance(value, list):
            waiting.extend(value)
    return found


def _listed(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_IDS, '|'.join(parts))}"
