"""The urgency ratchet: a response set higher than the facts asked for needs only its reason; one
set lower is held until a supervisor signs it off (a frail person waits longer on it)."""

from __future__ import annotations

from spr_desk.vocabulary import Response

_RANK: dict[Response, int] = {Response.RAPID: 0, Response.FAST: 1, Response.NORMAL: 2}
"""Most urgent first, as the matrix's rows."""


def is_downward(recommended: str | None, agreed: str | None) -> bool:
    """True when the agreed response is less urgent than the one the facts asked for. A stored
    word outside the vocabulary, or a missing side, is not a downward override."""
    try:
        return _RANK[Response(agreed or "")] > _RANK[Response(recommended or "")]
    except ValueError:
        return False


def needs_sign_off(recommended: str | None, agreed: str | None, signed_at: object | None) -> bool:
    """A downward override nobody has signed off yet: the supervisor view lists it."""
    return signed_at is None and is_downward(recommended, agreed)
