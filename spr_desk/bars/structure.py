"""The one module that imports `fhir.resources` (its R4B models: UK Core is FHIR R4, and the
library defaults to R5). Only `spr-desk bars` loads it: the import costs a third of a second.

It checks structure and types (an unknown element, a date that is not one, a string where a
list belongs); it accepts a wrong status code, a bad NHS number check digit and what a UK Core
profile forbids, which `spr_desk.bars.reading` checks."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from spr_desk.bars.outcome import bad_request

SHOWN_ERRORS = 3


def check_structure(data: dict[str, Any]) -> None:
    """Raises `BarsRefusal` (400) naming the first few places the Bundle is malformed, by
    their paths, never their values (a patient's details may be in them)."""
    try:
        Bundle.model_validate(data)
    except ValidationError as invalid:
        errors = invalid.errors()
        places = [_path(error.get("loc", ())) for error in errors[:SHOWN_ERRORS]]
        more = f" and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise bad_request(
            f"The Bundle is not valid FHIR R4 at {', '.join(places)}{more}.",
            places[0],
            issue="structure",
        ) from None
    except (ValueError, TypeError, RecursionError):
        raise bad_request("The Bundle is not valid FHIR R4.", "Bundle", issue="structure") from None


def _path(location: tuple[Any, ...]) -> str:
    """`Bundle.entry[4].resource.birthDate` from pydantic's ('entry', 4, 'resource', ...)."""
    path = "Bundle"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{str(part)[:40]}"
    return path
