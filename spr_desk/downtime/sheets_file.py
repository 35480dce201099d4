"""Paper sheets typed into a file, to be entered in one go (`spr-desk downtime enter FILE`,
`spr-desk downtime drill`): one JSON object per sheet, in the sheet's own order.

```json
{"sheets": [{"reference": "SPR-2026-000121", "received": "03/12/2026 14:05",
  "taken_by": "A Handler", "caller": {"name": ..., "role": "gp_or_practice_nurse",
  "organisation": ..., "phone": ...}, "patient": {"nhs_number": ..., "given_name": ...,
  "family_name": ..., "date_of_birth": "1945-05-01", "address": ..., "postcode": ...,
  "gp_practice": ..., "lives_alone": true, "access_notes": ..., "next_of_kin": ...},
  "facts": {...as in a scenario file...}, "availability": {...}, "response": "rapid",
  "lead": "nurse", "override_reason": "", "notes": ""}]}
```

`received` is the time written on the sheet, UK local (`DD/MM/YYYY HH:MM`, or ISO). A sheet whose
facts hold an emergency red flag is a call advised 999 / A&E, entered as one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from spr_desk.facts import FieldError, parse_facts
from spr_desk.matrix import Availability, parse_availability
from spr_desk.milestones import GivenTimeError, parse_local_time
from spr_desk.nhs_number import NhsNumberError, parse_nhs_number
from spr_desk.referral import (
    Decision,
    NewReferral,
    PatientDetails,
    RedirectedCall,
    ReferrerDetails,
)
from spr_desk.uktime import as_utc, parse_local
from spr_desk.vocabulary import (
    Lead,
    NhsNumberStatus,
    NhsNumberUnavailable,
    RedFlag,
    ReferrerRole,
    Response,
)

SHEET_KEYS = frozenset(
    {
        "reference",
        "received",
        "taken_by",
        "caller",
        "patient",
        "facts",
        "availability",
        "response",
        "lead",
        "override_reason",
        "notes",
    }
)
MAX_SHEETS_IN_FILE = 5000


@dataclass(frozen=True, slots=True)
class TypedSheet:
    """One sheet as typed: its reference (None: the drill gives it one), the time written on it,
    who took it, the call, and the matrix cells that could be mobilised then."""

    reference: str | None
    received_at: datetime
    taken_by: str
    call: NewReferral | RedirectedCall
    availability: Availability


def _text(data: Mapping[str, Any], key: str, field: str, limit: int = 300) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(f"{field}.{key}", "expected text")
    if len(value) > limit:
        raise FieldError(f"{field}.{key}", f"longer than {limit} characters")
    return value.strip()


def _object(data: Mapping[str, Any], key: str, field: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise FieldError(f"{field}.{key}", "expected an object")
    return value


def _received(value: Any, field: str, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise FieldError(f"{field}.received", "write the time on the sheet, DD/MM/YYYY HH:MM")
    try:
        return parse_local_time(value, now=now)
    except GivenTimeError:
        pass
    try:
        return as_utc(parse_local(value))
    except ValueError:
        raise FieldError(
            f"{field}.received", f"not a time (DD/MM/YYYY HH:MM, or ISO): {value!r}"
        ) from None


def _caller(data: Mapping[str, Any], field: str) -> ReferrerDetails:
    role = _text(data, "role", field) or ReferrerRole.OTHER.value
    if role not in ReferrerRole._value2member_map_:
        raise FieldError(f"{field}.role", f"unknown role {role!r}")
    return ReferrerDetails(
        name=_text(data, "name", field, 120),
        role=ReferrerRole(role),
        organisation=_text(data, "organisation", field, 160),
        phone=_text(data, "phone", field, 40),
    )


def _patient(data: Mapping[str, Any], field: str) -> PatientDetails:
    typed = _text(data, "nhs_number", field, 20)
    try:
        number = parse_nhs_number(typed) if typed else ""
    except NhsNumberError as wrong:
        raise FieldError(f"{field}.nhs_number", str(wrong)) from None
    born_text = _text(data, "date_of_birth", field, 10)
    try:
        born = date.fromisoformat(born_text) if born_text else None
    except ValueError:
        raise FieldError(f"{field}.date_of_birth", "expected YYYY-MM-DD") from None
    lives_alone = data.get("lives_alone")
    if lives_alone is not None and not isinstance(lives_alone, bool):
        raise FieldError(f"{field}.lives_alone", "expected true, false or null")
    return PatientDetails(
        nhs_number=number,
        given_name=_text(data, "given_name", field, 80),
        family_name=_text(data, "family_name", field, 80),
        date_of_birth=born,
        address=_text(data, "address", field),
        postcode=_text(data, "postcode", field, 10),
        gp_practice=_text(data, "gp_practice", field, 160),
        lives_alone=lives_alone,
        access_notes=_text(data, "access_notes", field),
        next_of_kin=_text(data, "next_of_kin", field, 200),
    )


def _member(enum: Any, value: Any, field: str) -> Any:
    if value in (None, ""):
        return None
    try:
        return enum(value)
    except ValueError:
        raise FieldError(field, f"unknown value {value!r}") from None


def _red_flags(value: Any, field: str) -> frozenset[RedFlag]:
    """A sheet's red flags ticked yes: the call stopped there (advised 999 / A&E)."""
    if value in (None, []):
        return frozenset()
    if not isinstance(value, list):
        raise FieldError(field, "expected a list")
    return frozenset(_member(RedFlag, flag, field) for flag in value)


def parse_sheet(data: Any, place: int, *, now: datetime) -> TypedSheet:
    """One sheet from its JSON object.

    Raises:
        FieldError: naming the sheet and the field that is wrong.
    """
    field = f"sheets[{place}]"
    if not isinstance(data, Mapping):
        raise FieldError(field, "expected an object")
    for key in data:
        if key not in SHEET_KEYS:
            raise FieldError(f"{field}.{key}", "unknown key")
    reference = data.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise FieldError(f"{field}.reference", "expected the reference printed on the sheet")
    received = _received(data.get("received"), field, now)
    caller = _caller(_object(data, "caller", field), f"{field}.caller")
    patient = _patient(_object(data, "patient", field), f"{field}.patient")
    notes = _text(data, "notes", field, 4000)
    facts_data = _object(data, "facts", field)
    flags = _red_flags(facts_data.get("red_flags"), f"{field}.facts.red_flags")
    facts = None if flags else parse_facts(facts_data, f"{field}.facts")
    availability = parse_availability(data.get("availability"), f"{field}.availability")
    call: NewReferral | RedirectedCall
    if flags:
        call = RedirectedCall(
            received_at=received,
            red_flags=flags,
            referrer=caller,
            patient=patient,
            call_record={"entered_from_paper": True},
            notes=notes,
        )
    else:
        assert facts is not None
        decision = None
        response = _member(Response, data.get("response"), f"{field}.response")
        lead = _member(Lead, data.get("lead"), f"{field}.lead")
        if response is not None or lead is not None:
            decision = Decision(response, lead, _text(data, "override_reason", field, 2000))
        call = NewReferral(
            received_at=received,
            referrer=caller,
            patient=patient,
            facts=facts,
            decision=decision,
            notes=notes,
            call_record={"entered_from_paper": True},
            nhs_number_status=NhsNumberStatus.PRESENT_NOT_TRACED,
            nhs_number_unavailable=None if patient.nhs_number else NhsNumberUnavailable.NOT_KNOWN,
        )
    return TypedSheet(
        reference=reference.strip() if reference else None,
        received_at=received,
        taken_by=_text(data, "taken_by", field, 80),
        call=call,
        availability=availability,
    )


def parse_sheets(text: str, *, now: datetime) -> list[TypedSheet]:
    """Every sheet of a file, checked whole before any is entered.

    Raises:
        FieldError: not JSON, or naming the first sheet and field that is wrong.
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise FieldError("sheets", "the file is not JSON") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("sheets"), list):
        raise FieldError("sheets", 'expected {"sheets": [...]}')
    if len(data["sheets"]) > MAX_SHEETS_IN_FILE:
        raise FieldError("sheets", f"more than {MAX_SHEETS_IN_FILE} sheets in one file")
    return [parse_sheet(sheet, place, now=now) for place, sheet in enumerate(data["sheets"], 1)]
