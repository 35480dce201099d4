"""What the desk answers a request it will not take: a BaRS error as a UK Core
OperationOutcome (`https://fhir.nhs.uk/Codesystem/http-error-codes`), with the HTTP status.

The diagnostics name the field by its FHIR path and never repeat a patient's details; a bad
value is quoted short and printable (`quoted`)."""

from __future__ import annotations

import uuid
from typing import Any

from spr_desk.printable import printable

ERROR_CODES = "https://fhir.nhs.uk/Codesystem/http-error-codes"
OUTCOME_PROFILE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-OperationOutcome"
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
        """The BaRS error code: SEND_BAD_REQUEST, REC_CONFLICT, ..."""
        self.issue = issue
        """FHIR's issue type: structure, required, value, invalid, duplicate, ..."""
        self.diagnostics = diagnostics
        self.expression = expression
        """Where: a FHIRPath (`ServiceRequest.occurrencePeriod.end`) or a header's name."""

    def outcome(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": "error",
            "code": self.issue,
            "details": {"coding": [{"system": ERROR_CODES, "code": self.code}]},
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return {
            "resourceType": "OperationOutcome",
            "id": str(uuid.uuid4()),
            "meta": {"profile": [OUTCOME_PROFILE]},
            "issue": [issue],
        }


def bad_request(diagnostics: str, expression: str, issue: str = "invalid") -> BarsRefusal:
    """The sender's message is wrong (400 SEND_BAD_REQUEST)."""
    return BarsRefusal(
        status=400,
        code="SEND_BAD_REQUEST",
        issue=issue,
        diagnostics=diagnostics,
        expression=expression,
    )


def quoted(value: object) -> str:
    """A received value as a diagnostic may show it: short, printable, never markup."""
    text = printable(str(value))
    return repr(text[:QUOTED] + ("..." if len(text) > QUOTED else ""))
