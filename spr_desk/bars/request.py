"""A Validation Request as the desk keeps it: what a 999 service sent, read out of the Bundle.

`spr_desk.bars.reading.read_request` builds one from the posted bytes, or refuses the whole
message with a `spr_desk.bars.outcome.BarsRefusal`. Every time is aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class MessageReason(StrEnum):
    """`MessageHeader.reason` (`message-reason-bars`): a new referral, or a new version of one.
    A cancel is an update whose ServiceRequest status is revoked or entered-in-error."""

    NEW = "new"
    UPDATE = "update"


class RequestStatus(StrEnum):
    """`ServiceRequest.status` the desk takes."""

    ACTIVE = "active"
    REVOKED = "revoked"
    ENTERED_IN_ERROR = "entered-in-error"


class SceneSafety(StrEnum):
    """The scene-safety Flag's code: safe, unsafe, not asked."""

    SAFE = "S"
    UNSAFE = "U"
    UNKNOWN = "UNK"


SCENE_SAFETY_WORDS: dict[SceneSafety | None, str] = {
    SceneSafety.SAFE: "scene safe",
    SceneSafety.UNSAFE: "scene NOT safe",
    SceneSafety.UNKNOWN: "scene safety not asked",
    None: "scene safety: not provided",
}


@dataclass(frozen=True)
class Contact:
    """A call-back contact of the Patient, in the sender's rank order (1 first)."""

    rank: int
    name: str
    """Who answers ("Crew 4512", "Peter Example (son)"), or "" when not sent."""
    phone: str


@dataclass(frozen=True)
class SentPatient:
    given_name: str
    family_name: str
    date_of_birth: date | None
    gender: str
    address: str
    postcode: str
    nhs_number: str | None
    """Only a number the desk can trust: sent with status 01/02 (either code form) and a good
    check digit. Otherwise None, and `nhs_number_note` says why ("NHS number to trace: ...")."""
    nhs_number_note: str
    gp_practice: str
    """The registered GP surgery's name (and ODS code when sent), or ""."""
    nhs_number_status: str = ""
    """The UK Core England code of a trusted number: "01" or "02" (the sender's string form
    read as its code); "" when `nhs_number` is None."""


@dataclass(frozen=True)
class ValidationRequest:
    """One version of a referral from a 999 service."""

    request_id: str
    """`X-Request-ID` (the message's own id for `bars import`): a repeat is answered 409."""
    correlation_id: str
    reason: MessageReason
    status: RequestStatus
    use_case: str
    """Always `a4t3` (anything else is refused)."""
    service_request_id: str
    """The sender's ServiceRequest identifier: with `journey_id`, what an update is matched by."""
    journey_id: str
    """`Encounter.episodeOfCare`: the patient's journey from the first 999 contact."""
    authored_on: datetime
    breach_at: datetime
    """`ServiceRequest.occurrencePeriod.end`: the sender's validation breach time (the due time)."""
    cdss: str
    """"Pathways 30.2.0" (software and version), or "" when not sent."""
    chief_concern: str
    """What the referral is for, in the sender's words (or "not provided")."""
    narrative: str
    patient: SentPatient
    contacts: tuple[Contact, ...]
    """Rank order; exactly one rank 1; each with a phone."""
    scene_safety: SceneSafety | None
    flags: tuple[str, ...]
    """Other Flags as sentences ("Safeguarding: ..."), safeguarding first."""
    incident_location: str
    requester: str
    """The sending clinician and their organisation, as one line."""
    sender: str
    """The 999 service (the sending Organization's name)."""
    reply_to: str
    """`MessageHeader.source.endpoint`: where the desk's replies go."""
    cancel_reason: str
    """Why the sender revoked it (or entered it in error); "" on an active request."""
    marks: tuple[str, ...]
    """What was accepted but cannot be trusted, as sentences the referral view shows first."""
