"""What the desk answers a request it will not take: a BaRS error as a UK Core
OperationOutcome (`https://fhir.nhs.uk/Codesystem/http-error-codes`), with the HTTP status.

The desk is the receiver, so its codes are the guide's `REC_` ones (Core 1.4.0, Error Handling:
`SEND_` codes are the national API's own, `PROXY_` the BaRS proxy's): REC_BAD_REQUEST (400, and
413 / 415 with their own status: the code system has no code for those), REC_CONFLICT (409, a
repeated request id), REC_UNPROCESSABLE_ENTITY (422), REC_SERVER_ERROR (500).

The diagnostics name the field by its FHIR path and never repeat a patient's details; a bad
value is quoted short and printable (`quoted`)."""

from __future__ import annotations

import uuid
from typing import Any

ERROR_CODES = "https://fhir.nhs.uk/Codesystem/http-error-codes"
OUTCOME_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-OperationOutcome"
BAD_REQUEST = "REC_BAD_REQUEST"
UNPROCESSABLE = "REC_UNPROCESSABLE_ENTITY"
TOO_LARGE = "REC_BAD_REQUEST"  # the code system has none for 413: the status says it
QUOTED = 60
"""Characters of a received value a diagnostic may quote."""


class BarsRefusal(Exception):
    """A request refused whole: nothing of it is stored."""

    def __init__(
        self,
        *,
        status: int,
        code: str,
        issue: str,
        diagnostics: str,
        expression: str = "",
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        """The BaRS error code: REC_BAD_REQUEST, REC_CONFLICT, ..."""
        self.issue = issue
        """FHIR's issue type: structure, required, value, invalid, duplicate, ..."""
        self.diagnostics = diagnostics
        self.expression = expression
        """Where: a FHIRPath (`ServiceRequest.occurrencePeriod.end`) or a header's name."""

    def outcome(self) -> dict[str, Any]:
        """The UK Core OperationOutcome the desk answers with (a new id each time)."""
        return operation_outcome(
            code=self.code,
            issue=self.issue,
            diagnostics=self.diagnostics,
            expression=self.expression,
        )


def operation_outcome(
    *, code: str, issue: str, diagnostics: str, expression: str = ""
) -> dict[str, Any]:
    """One error as a UK Core OperationOutcome (`Examples/400BadRequest.json`'s shape)."""
    entry: dict[str, Any] = {
        "severity": "error",
        "code": issue,
        "details": {"coding": [{"system": ERROR_CODES, "code": code}]},
        "diagnostics": diagnostics,
    }
    if expression:
        entry["expression"] = [expression]
    return {
        "resourceType": "OperationOutcome",
        "id": str(uuid.uuid4()),
        "meta": {"profile": [OUTCOME_PROFILE]},
        "issue": [entry],
    }


def bad_request(diagnostics: str, expression: str, issue: str = "invalid") -> BarsRefusal:
    """The sender's message is wrong (400 REC_BAD_REQUEST)."""
    return BarsRefusal(
        status=400, code=BAD_REQUEST, issue=issue, diagnostics=diagnostics, expression=expression
    )


def unprocessable(diagnostics: str, expression: str, issue: str = "not-supported") -> BarsRefusal:
    """A well-formed message the desk does not take (422 REC_UNPROCESSABLE_ENTITY)."""
    return BarsRefusal(
        status=422, code=UNPROCESSABLE, issue=issue, diagnostics=diagnostics, expression=expression
    )


def too_large(max_bytes: int) -> BarsRefusal:
    """A body over the desk's limit (413), refused before it is read as JSON."""
    return BarsRefusal(
        status=413,
        code=TOO_LARGE,
        issue="too-long",
        diagnostics=f"The request is larger than the desk takes ({max_bytes // 1024} KiB).",
        expression="Bundle",
    )


def quoted(value: object) -> str:
    """A received value as a diagnostic may show it: short, quoted, and printable (`repr`
    escapes each character that does not print: ESC, a bidi override, a line separator)."""
    text = str(value)
    return repr(text[:QUOTED] + "...") if len(text) > QUOTED else repr(text)


def shown(text: str) -> str:
    """`text` with every character that does not print (controls, bidi overrides, line
    separators, unassigned code points) as its escape: a diagnostic stays one plain line."""
    return "".join(char if char.isprintable() else _escape(char) for char in text)


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )
