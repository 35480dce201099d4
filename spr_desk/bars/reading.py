"""Reading a BaRS Validation Request (use case `a4t3`) out of the bytes a 999 service posted.

In order: the size, JSON, a message Bundle with a supported `meta.versionId`, its structure
(`spr_desk.bars.structure`, fhir.resources R4B), then the desk's own checks, which the library
does not make. What makes the referral unusable refuses it whole, naming the field (a
`BarsRefusal`); a sender's slip that does not is accepted and marked (`ValidationRequest.marks`):
receiving a 2-hour referral is safer than refusing it (shared/NHS.md section 1).

Every string kept is stripped of control characters and cut to what the desk stores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from spr_desk.bars.outcome import BarsRefusal, bad_request, quoted, too_large, unprocessable
from spr_desk.bars.request import (
    Contact,
    MessageReason,
    RequestStatus,
    SceneSafety,
    SentPatient,
    ValidationRequest,
)
from spr_desk.bars.sent import NOT_PROVIDED
from spr_desk.nhs_number import NhsNumberError, parse_nhs_number
from spr_desk.validation import plain_text

MAX_BODY_BYTES = 1024 * 1024
"""A whole request, with every resource: a few tens of KB in the guide's examples. A megabyte
leaves room for long narratives and refuses what could only be a mistake or an attack."""
MAX_DEPTH = 32
"""Nesting of JSON objects and lists: the guide's deepest example is about 12."""
SUPPORTED_VERSIONS = frozenset({"1.0.0", "1.1.0", "1.2.0"})
"""BaRS message versions the desk reads (`Bundle.meta.versionId`)."""
USE_CASE = "a4t3"
USE_CASES = "https://fhir.nhs.uk/CodeSystem/usecases-categories-bars"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
TRUSTED_STATUSES: dict[str, str] = {
    "01": "01",
    "02": "02",
    "number-present-and-verified": "01",
    "number-present-but-not-traced": "02",
}
"""The verification statuses under which a sent NHS number is kept, as their England code."""
STATUS_WORDS = {
    "03": "trace required",
    "04": "trace attempted",
    "05": "trace needs to be resolved",
    "06": "trace in progress",
    "07": "not present, trace not required",
    "08": "trace postponed",
}
NAME, ADDRESS, POSTCODE, LINE, TEXT = 80, 300, 10, 200, 4000
"""What the desk keeps of each kind of string (a name, an address, a note)."""


def read_request(
    body: bytes,
    *,
    request_id: str,
    correlation_id: str,
    max_bytes: int = MAX_BODY_BYTES,
) -> ValidationRequest:
    """The request in `body`, or a `BarsRefusal` saying what is wrong with it."""
    if len(body) > max_bytes:
        raise too_large(max_bytes)
    request_id = plain_text(request_id).strip()
    if not request_id or len(request_id) > 200:
        raise bad_request(
            "The request needs an X-Request-ID of 1 to 200 characters.", "X-Request-ID", "required"
        )
    data = _json(body)
    _check_depth(data)
    bundle = _bundle(data)
    from spr_desk.bars.structure import check_structure  # fhir.resources: bars commands only

    check_structure(bundle)
    return _Reader(bundle).request(request_id, plain_text(correlation_id).strip()[:200])


def _json(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise bad_request(f"The request is not UTF-8 (byte {error.start + 1}).", "Bundle") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise bad_request(
            f"The request is not JSON: {error.msg} at line {error.lineno} column {error.colno}.",
            "Bundle",
            issue="structure",
        ) from None
    except RecursionError:
        raise _too_deep() from None


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


def _check_depth(data: Any) -> None:
    """Refuse nesting past `MAX_DEPTH` before any model walks it (a walk without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _too_deep() -> BarsRefusal:
    return bad_request(
        f"The request nests deeper than {MAX_DEPTH} levels.", "Bundle", issue="structure"
    )


def _bundle(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise bad_request("The request is not a FHIR Bundle.", "Bundle.resourceType")
    if data.get("type") != "message":
        raise bad_request(
            f"Bundle.type must be message, not {quoted(data.get('type'))}.", "Bundle.type"
        )
    meta = data.get("meta")
    version = meta.get("versionId") if isinstance(meta, dict) else None
    if version is None:
        raise bad_request("Bundle.meta.versionId is missing.", "Bundle.meta.versionId", "required")
    if not isinstance(version, str) or version not in SUPPORTED_VERSIONS:
        raise unprocessable(
            f"Bundle.meta.versionId {quoted(version)} is not one the desk reads "
            f"({', '.join(sorted(SUPPORTED_VERSIONS))}).",
            "Bundle.meta.versionId",
        )
    return data


class _Reader:
    """The checked Bundle's resources, found by type and by reference."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.by_url: dict[str, dict[str, Any]] = {}
        self.resources: list[dict[str, Any]] = []
        for entry in bundle.get("entry") or []:
            resource = entry.get("resource")
            if not isinstance(resource, dict):
                continue
            self.resources.append(resource)
            if entry.get("fullUrl"):
                self.by_url[str(entry["fullUrl"])] = resource
            if resource.get("id"):
                self.by_url[f"{resource['resourceType']}/{resource['id']}"] = resource

    def all(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r.get("resourceType") == kind]

    def one(self, kind: str, reference: Any, what: str) -> dict[str, Any]:
        """The resource `reference` points to, of `kind`; else the Bundle's first of `kind`;
        refused when it has none."""
        target = reference.get("reference") if isinstance(reference, dict) else None
        if target is not None:
            found = self.by_url.get(str(target))
            if found is None:
                raise bad_request(
                    f"{what} points to {quoted(target)}, which is not in the Bundle.", what
                )
            if found.get("resourceType") != kind:
                raise bad_request(f"{what} must point to a {kind}.", what)
            return found
        first = self.all(kind)
        if not first:
            raise bad_request(f"The Bundle has no {kind}.", kind, "required")
        return first[0]

    def maybe(self, reference: Any, kind: str) -> dict[str, Any] | None:
        target = reference.get("reference") if isinstance(reference, dict) else None
        found = self.by_url.get(str(target)) if target else None
        return found if found is not None and found.get("resourceType") == kind else None

    # the request ----------------------------------------------------------------------------

    def check_references(self) -> None:
        """Refuse a reference to the Bundle's own resources (`urn:uuid:...`, `Patient/1`) that
        points to no entry. An absolute URL may name a resource held elsewhere: not checked."""
        for resource in self.resources:
            stack: list[tuple[Any, str]] = [(resource, str(resource.get("resourceType")))]
            while stack:
                value, path = stack.pop()
                if isinstance(value, list):  # reversed: the first in the Bundle is named first
                    stack.extend(reversed([(item, f"{path}[{n}]") for n, item in enumerate(value)]))
                elif isinstance(value, dict):
                    target = value.get("reference")
                    if isinstance(target, str) and _internal(target) and target not in self.by_url:
                        raise bad_request(
                            f"{path} points to {quoted(target)}, which is not in the Bundle.",
                            path,
                        )
                    stack.extend(
                        reversed(
                            [
                                (item, f"{path}.{str(key)[:40]}")
                                for key, item in value.items()
                                if isinstance(item, dict | list)
                            ]
                        )
                    )

    def request(self, request_id: str, correlation_id: str) -> ValidationRequest:
        headers = self.all("MessageHeader")
        if len(headers) != 1:
            raise bad_request(
                "The Bundle needs exactly one MessageHeader.", "MessageHeader", "required"
            )
        if self.resources[0] is not headers[0]:  # FHIR messaging: the header comes first
            raise bad_request(
                "The MessageHeader must be the Bundle's first entry.",
                "Bundle.entry[0]",
                "structure",
            )
        for kind, what in _REQUIRED:  # named for what is missing, before what points to it
            if not self.all(kind):
                raise bad_request(f"The Bundle has no {kind}{what}.", kind, "required")
        self.check_references()
        header = headers[0]
        event = (header.get("eventCoding") or {}).get("code")
        if event != "servicerequest-request":
            raise bad_request(
                f"MessageHeader.eventCoding must be servicerequest-request, not {quoted(event)}.",
                "MessageHeader.eventCoding",
            )
        reason = _reason(header)
        focus = (header.get("focus") or [None])[0]
        service = self.one("ServiceRequest", focus, "MessageHeader.focus")
        use_case = _use_case(service)
        status = _status(service)
        marks: list[str] = []
        patient = self._patient(
            self.one("Patient", service.get("subject"), "ServiceRequest.subject"), marks
        )
        contacts = _contacts(self.one("Patient", service.get("subject"), "ServiceRequest.subject"))
        scene, flags = self._flags()
        if scene is None:
            marks.append("scene safety: not provided")
        source = header.get("source") or {}
        reply_to = _text(source.get("endpoint"), 300)
        if not reply_to:
            raise bad_request(
                "MessageHeader.source.endpoint is missing: the desk would have nowhere to reply.",
                "MessageHeader.source.endpoint",
                "required",
            )
        return ValidationRequest(
            request_id=request_id,
            correlation_id=correlation_id or request_id,
            reason=reason,
            status=status,
            use_case=use_case,
            service_request_id=_identifier(service),
            journey_id=self._journey(service),
            authored_on=_instant(service.get("authoredOn"), "ServiceRequest.authoredOn"),
            breach_at=_instant(
                (service.get("occurrencePeriod") or {}).get("end"),
                "ServiceRequest.occurrencePeriod.end (the breach time)",
            ),
            cdss=_cdss(header),
            chief_concern=self._concern(service),
            narrative=self._narrative(service),
            patient=patient,
            contacts=contacts,
            scene_safety=scene,
            flags=flags,
            incident_location=self._location(service),
            requester=self._requester(service),
            sender=self._sender(header, source),
            reply_to=reply_to,
            cancel_reason=_notes(service) if status is not RequestStatus.ACTIVE else "",
            marks=tuple(marks),
        )

    def _journey(self, service: dict[str, Any]) -> str:
        encounter = self.one("Encounter", service.get("encounter"), "ServiceRequest.encounter")
        for episode in encounter.get("episodeOfCare") or []:
            identifier = episode.get("identifier") or {}
            value = _text(identifier.get("value"), 200)
            if not value and isinstance(episode.get("reference"), str):
                value = _text(episode["reference"].rsplit("/", 1)[-1], 200)
            if value:
                return value
        raise bad_request(
            "Encounter.episodeOfCare (the Journey ID) is missing.",
            "Encounter.episodeOfCare",
            "required",
        )

    def _patient(self, patient: dict[str, Any], marks: list[str]) -> SentPatient:
        number, status, note = self._nhs_number(patient)
        if note:
            marks.append(note)
        name = _official_name(patient)
        address = (patient.get("address") or [{}])[0]
        practice = self.maybe((patient.get("generalPractitioner") or [None])[0], "Organization")
        return SentPatient(
            given_name=_text(" ".join(name.get("given") or []), NAME),
            family_name=_text(name.get("family"), NAME),
            date_of_birth=_birth_date(patient.get("birthDate")),
            gender=_text(patient.get("gender"), 20),
            address=_address(address),
            postcode=_text(address.get("postalCode"), POSTCODE),
            nhs_number=number,
            nhs_number_note=note,
            gp_practice=_organisation_words(practice) if practice else "",
            nhs_number_status=status,
        )

    @staticmethod
    def _nhs_number(patient: dict[str, Any]) -> tuple[str | None, str, str]:
        """(the number when it can be trusted, its England code, or why it is to trace)."""
        for identifier in patient.get("identifier") or []:
            if identifier.get("system") != NHS_NUMBER_SYSTEM:
                continue
            sent = _text(identifier.get("value"), 20)
            code = _verification(identifier)
            trusted = TRUSTED_STATUSES.get(code)
            if trusted is None:
                words = STATUS_WORDS.get(code, quoted(code) if code else "no verification status")
                return None, "", f"NHS number to trace: sent as {words}"
            try:
                number = parse_nhs_number(sent)
            except NhsNumberError:
                return None, "", "NHS number to trace: the one sent fails its check digit"
            return number, trusted, ""
        return None, "", "NHS number not sent: to trace"

    def _flags(self) -> tuple[SceneSafety | None, tuple[str, ...]]:
        scene: SceneSafety | None = None
        safeguarding: list[str] = []
        others: list[str] = []
        for flag in self.all("Flag"):
            if flag.get("status") not in (None, "active"):
                continue
            category = _first_code(flag.get("category") or [])
            code = flag.get("code") or {}
            if category == "SS":
                value = _first_code([code])
                scene = (
                    SceneSafety(value)
                    if value is not None and value in SceneSafety._value2member_map_
                    else SceneSafety.UNKNOWN
                )
            elif category == "SG":
                safeguarding.append(f"Safeguarding: {_concept_words(code) or 'concern raised'}")
            else:
                words = _concept_words(code)
                if words:
                    others.append(f"{_FLAG_WORDS.get(category or '', 'Flag')}: {words}")
        return scene, tuple(safeguarding + others)[:20]

    def _location(self, service: dict[str, Any]) -> str:
        where = (service.get("locationReference") or [None])[0]
        if where is None:
            raise bad_request(
                "ServiceRequest.locationReference (the incident location) is missing.",
                "ServiceRequest.locationReference",
                "required",
            )
        location = self.one("Location", where, "ServiceRequest.locationReference")
        words = _address(location.get("address") or {})
        postcode = _text((location.get("address") or {}).get("postalCode"), POSTCODE)
        if postcode and postcode not in words:
            words = f"{words}, {postcode}" if words else postcode
        marks = [
            _text(
                extension.get("valueString")
                or (extension.get("valueIdentifier") or {}).get("value"),
                60,
            )
            for extension in location.get("extension") or []
        ]
        words = ", ".join(part for part in (words, *marks) if part)
        if not words:
            raise bad_request(
                "The incident Location has no address, postcode or identifier.",
                "Location.address",
                "required",
            )
        return words[:ADDRESS]

    def _concern(self, service: dict[str, Any]) -> str:
        for reason in service.get("reasonCode") or []:
            words = _concept_words(reason)
            if words:
                return words[:LINE]
        for plan in self.all("CarePlan"):
            words = _text(plan.get("description"), LINE)
            if words:
                return words
        return NOT_PROVIDED

    def _narrative(self, service: dict[str, Any]) -> str:
        parts = [_notes(service)] if service.get("status") == "active" else []
        parts += [_text(plan.get("description"), TEXT) for plan in self.all("CarePlan")]
        return "\n".join(part for part in parts if part)[:TEXT]

    def _requester(self, service: dict[str, Any]) -> str:
        role = self.maybe(service.get("requester"), "PractitionerRole")
        person = self.maybe(role.get("practitioner"), "Practitioner") if role else None
        person = person or self.maybe(service.get("requester"), "Practitioner")
        organisation = self.maybe(role.get("organization"), "Organization") if role else None
        name = _person_name(person) if person else ""
        parts = [name, _text(organisation.get("name"), 160) if organisation else ""]
        return ", ".join(part for part in parts if part)[:LINE]

    def _sender(self, header: dict[str, Any], source: dict[str, Any]) -> str:
        organisation = self.maybe(header.get("sender"), "Organization")
        name = _text(organisation.get("name"), 160) if organisation else ""
        return name or _text(source.get("name"), 160)


_REQUIRED = (
    ("ServiceRequest", ""),
    ("Patient", ""),
    ("Encounter", " (with the Journey ID)"),
    ("Location", " (the incident location)"),
)
"""What a referral cannot be taken without, besides its MessageHeader."""

_FLAG_WORDS = {
    "RA": "Reasonable adjustment",
    "IR": "Infection risk",
    "RC": "Repeat caller",
    "RT": "ReSPECT",
    "AC": "Agency contacted",
    "API": "Additional patient information",
    "CW": "Call warning",
    "RS": "Rejected service",
}


def _internal(reference: str) -> bool:
    """A reference that can only be to an entry of this Bundle (not `#contained`, not a URL)."""
    return reference.startswith("urn:uuid:") or _RELATIVE.fullmatch(reference) is not None


_RELATIVE = re.compile(r"[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\-.]{1,64}")
"""FHIR's relative reference: `Patient/123`."""


def _reason(header: dict[str, Any]) -> MessageReason:
    code = _first_code([header.get("reason") or {}])
    if code is None or code not in MessageReason._value2member_map_:
        raise bad_request(
            "MessageHeader.reason must be new or update, "
            + (f"not {quoted(code)}." if code is not None else "and is missing."),
            "MessageHeader.reason",
            "required" if code is None else "value",
        )
    return MessageReason(code)


def _use_case(service: dict[str, Any]) -> str:
    sent = [
        coding.get("code")
        for category in service.get("category") or []
        for coding in category.get("coding") or []
        if coding.get("system") == USE_CASES
    ]
    if USE_CASE not in sent:
        named = f"use case {quoted(sent[0])}" if sent else "no use case"
        raise bad_request(
            f"The desk takes use case {USE_CASE} (999 to community services), not {named}.",
            "ServiceRequest.category",
            "not-supported",
        )
    return USE_CASE


def _status(service: dict[str, Any]) -> RequestStatus:
    status = service.get("status")
    if not isinstance(status, str) or status not in RequestStatus._value2member_map_:
        raise bad_request(
            "ServiceRequest.status must be active, revoked or entered-in-error, not "
            f"{quoted(status)}.",
            "ServiceRequest.status",
            "value",
        )
    return RequestStatus(status)


def _identifier(service: dict[str, Any]) -> str:
    for identifier in service.get("identifier") or []:
        value = _text(identifier.get("value"), 200)
        if value:
            return value
    raise bad_request(
        "ServiceRequest.identifier is missing: an update could not find the referral.",
        "ServiceRequest.identifier",
        "required",
    )


def _contacts(patient: dict[str, Any]) -> tuple[Contact, ...]:
    contacts = []
    for number, contact in enumerate(patient.get("contact") or []):
        where = f"Patient.contact[{number}]"
        rank = next(
            (
                extension.get("valuePositiveInt")
                for extension in contact.get("extension") or []
                if str(extension.get("url", "")).endswith("ContactRank")
            ),
            None,
        )
        if not isinstance(rank, int) or isinstance(rank, bool):
            raise bad_request(f"{where} has no rank.", f"{where}.extension", "required")
        phones = [
            _text(telecom.get("value"), 40)
            for telecom in contact.get("telecom") or []
            if telecom.get("system") == "phone" and _text(telecom.get("value"), 40)
        ]
        if not phones:
            raise bad_request(
                f"{where} has no phone to call back on.", f"{where}.telecom", "required"
            )
        name = contact.get("name") or {}
        who = _text(name.get("text"), NAME) or _person_name({"name": [name]})
        contacts.append(Contact(rank=rank, name=who, phone=phones[0]))
    first = [contact for contact in contacts if contact.rank == 1]
    if len(first) != 1:
        raise bad_request(
            f"Exactly one contact of rank 1 is needed, to call back first; {len(first)} sent.",
            "Patient.contact",
            "required" if not first else "value",
        )
    return tuple(sorted(contacts, key=lambda contact: contact.rank))[:10]


def _cdss(header: dict[str, Any]) -> str:
    for extension in header.get("extension") or []:
        if not str(extension.get("url", "")).endswith("CDSSExtension"):
            continue
        parts = {
            str(part.get("url")): _text(part.get("valueString"), 40)
            for part in extension.get("extension") or []
        }
        words = " ".join(
            part
            for part in (parts.get("RequesterCDSSsoftware"), parts.get("RequesterCDSSversion"))
            if part
        )
        if words:
            return words
    return ""


def _instant(value: Any, what: str) -> datetime:
    if value is None:
        raise bad_request(f"{what} is missing.", what.split(" ")[0], "required")
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise bad_request(
            f"{what} is not a time: {quoted(value)}.", what.split(" ")[0], "value"
        ) from None
    if moment.tzinfo is None:
        raise bad_request(f"{what} needs its offset from UTC.", what.split(" ")[0], "value")
    return moment.astimezone(UTC)


def _birth_date(value: Any) -> date | None:
    """A full birth date; a year alone, or a year and month, is not one (None)."""
    try:
        return (
            date.fromisoformat(str(value)) if isinstance(value, str) and len(value) == 10 else None
        )
    except ValueError:
        return None


def _verification(identifier: dict[str, Any]) -> str:
    for extension in identifier.get("extension") or []:
        if str(extension.get("url", "")).endswith("NHSNumberVerificationStatus"):
            return _first_code([extension.get("valueCodeableConcept") or {}]) or ""
    return ""


def _official_name(resource: dict[str, Any]) -> dict[str, Any]:
    names = [name for name in resource.get("name") or [] if isinstance(name, dict)]
    official = [name for name in names if name.get("use") == "official"]
    return (official or names or [{}])[0]


def _person_name(resource: dict[str, Any]) -> str:
    name = _official_name(resource)
    if name.get("text"):
        return _text(name["text"], NAME)
    parts = [*(name.get("prefix") or []), *(name.get("given") or []), name.get("family") or ""]
    return _text(" ".join(str(part) for part in parts if part), NAME)


def _address(address: dict[str, Any]) -> str:
    if address.get("text"):
        return _text(address["text"], ADDRESS)
    parts = [*(address.get("line") or []), address.get("city"), address.get("district")]
    return _text(", ".join(str(part) for part in parts if part), ADDRESS)


def _organisation_words(organisation: dict[str, Any]) -> str:
    name = _text(organisation.get("name"), 120)
    code = next(
        (_text(identifier.get("value"), 20) for identifier in organisation.get("identifier") or []),
        "",
    )
    return f"{name} ({code})" if name and code else name or code


def _notes(resource: dict[str, Any]) -> str:
    return "\n".join(
        _text(note.get("text"), TEXT) for note in resource.get("note") or [] if note.get("text")
    )[:TEXT]


def _first_code(concepts: list[Any]) -> str | None:
    for code in _codes(concepts):
        return code
    return None


def _codes(concepts: list[Any]) -> Iterator[str]:
    for concept in concepts:
        if isinstance(concept, dict):
            for coding in concept.get("coding") or []:
                if isinstance(coding, dict) and coding.get("code"):
                    yield str(coding["code"])


def _concept_words(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return _text(concept["text"], LINE)
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return _text(coding["display"], LINE)
    return ""


def _text(value: Any, limit: int) -> str:
    """A received string as the desk keeps it: no control characters, one line, cut short."""
    if value is None:
        return ""
    return " ".join(plain_text(str(value)).split())[:limit]
