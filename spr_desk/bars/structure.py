"""The one module that imports `fhir.resources` (its R4B models: UK Core is FHIR R4, and the
library defaults to R5). Only `spr-desk bars` loads it: the import costs a third of a second.

It checks structure and types (an unknown element, a date that is not one, a string where a
list belongs); it accepts a wrong status code, a bad NHS number check digit and what a UK Core
profile forbids, which `spr_desk.bars.reading` checks. About 1.3 ms for the example Bundle."""

from __future__ import annotations

import re
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from spr_desk.bars.outcome import bad_request, shown

SHOWN_ERRORS = 3
_NAIVE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?")
"""A date and time with no offset: FHIR refuses it, and a sender is told why."""


def check_structure(data: dict[str, Any]) -> None:
    """Raises `BarsRefusal` (400) naming the first few places the Bundle is malformed, by
    their paths (`ServiceRequest.colour (entry 2)`), never their values (a patient's details
    may be in them)."""
    try:
        Bundle.model_validate(data)
    except ValidationError as invalid:
        errors = invalid.errors()
        places = [_place(data, error.get("loc", ())) for error in errors[:SHOWN_ERRORS]]
        if not places:
            raise bad_request("The Bundle is not valid FHIR R4.", "Bundle", "structure") from None
        (path, entry), wrong = places[0], errors[0].get("input")
        if isinstance(wrong, str) and _NAIVE_TIME.fullmatch(wrong):
            raise bad_request(
                f"{path} needs its offset from UTC{entry} (a FHIR time carries one).", path, "value"
            ) from None
        more = f" and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise bad_request(
            "The Bundle is not valid FHIR R4 at "
            f"{', '.join(path + entry for path, entry in places)}{more}.",
            path,
            "structure",
        ) from None
    except Exception:  # noqa: BLE001 - the library's own faults on hostile input (a KeyError
        # for an empty resourceType) refuse the request too: never a crash
        raise bad_request("The Bundle is not valid FHIR R4.", "Bundle", "structure") from None


def _place(data: dict[str, Any], location: tuple[Any, ...]) -> tuple[str, str]:
    """(`Patient.birthDate`, ` (entry 5)`) from pydantic's ('entry', 4, 'resource',
    'birthDate'): the FHIR path a sender knows, and which entry; `Bundle...` outside one."""
    entries = data.get("entry")
    if (
        len(location) >= 3
        and location[0] == "entry"
        and isinstance(location[1], int)
        and location[2] == "resource"
        and isinstance(entries, list)
        and 0 <= location[1] < len(entries)
        and isinstance(entries[location[1]], dict)
    ):
        resource = entries[location[1]].get("resource")
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if isinstance(kind, str) and kind.isascii() and kind.isalpha() and len(kind) <= 40:
            return _dotted(kind, location[3:]), f" (entry {location[1] + 1})"
    return _dotted("Bundle", location), ""


def _dotted(start: str, location: tuple[Any, ...]) -> str:
    path = start
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{shown(str(part)[:40])}"
    return path
