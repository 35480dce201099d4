"""The file that hands a desk's open queue to a neighbouring desk (mutual aid, as BaRS
Application 6 hands referrals between services).

One JSON document: who wrote it, when, every open referral with its reference, received and due
times, and a SHA-256 of the whole in canonical form, so a file changed after it was written is
refused. With `SPR_DESK_MUTUAL_AID_KEY` set on both desks it is also signed (HMAC-SHA256 under
that shared key), so only a desk holding the key can write a file the other takes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from spr_desk.lifecycle import OPEN_STATUSES
from spr_desk.reference import parse_reference
from spr_desk.refusal import Refused
from spr_desk.vocabulary import Lead, Response

FORMAT = "spr-desk-mutual-aid/1"
KEY_VARIABLE = "SPR_DESK_MUTUAL_AID_KEY"
FILE_LIMIT = 256 * 1024 * 1024
"""A queue of 20,000 open referrals is about 60 MB; anything beyond this is not one of ours."""

REFERRAL_FIELDS: dict[str, tuple[type, ...]] = {
    "reference": (str,),
    "received_at": (str,),
    "due_at": (str, type(None)),
    "status": (str,),
    "response": (str, type(None)),
    "lead": (str, type(None)),
    "rules_version": (str,),
    "rec_outcome": (str,),
    "rec_response": (str, type(None)),
    "rec_lead": (str, type(None)),
    "rec_fallback_from": (str, type(None)),
    "rec_reasons": (list,),
    "override_reason": (str,),
    "pathway": (str, type(None)),
    "setting": (str, type(None)),
    "locality": (str, type(None)),
    "facts": (dict,),
    "bed_needed": (bool,),
    "notes": (str,),
    "taken_by": (str,),
    "holder": (str,),
    "nhs_number_status": (str, type(None)),
    "nhs_unavailable_reason": (str, type(None)),
    "paper_entered_at": (str, type(None)),
    "paper_entered_by": (str, type(None)),
    "referrer": (dict, type(None)),
    "patient": (dict, type(None)),
}
"""Every key a referral in the file has, and the JSON types it may take."""


class AidFileRefused(Refused):
    """A mutual-aid file that cannot be taken: the message says why; nothing was added."""


@dataclass(frozen=True, slots=True)
class AidFile:
    source: str
    exported_at: datetime
    exported_by: str
    referrals: tuple[dict[str, Any], ...]
    signed: bool


def _canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def write_aid_file(
    referrals: list[dict[str, Any]],
    *,
    source: str,
    exported_at: datetime,
    exported_by: str,
    key: bytes | None = None,
) -> bytes:
    """The file's bytes: the document, its SHA-256, and with `key` its HMAC-SHA256."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "source": source,
        "exported_at": exported_at.isoformat(),
        "exported_by": exported_by,
        "count": len(referrals),
        "referrals": referrals,
    }
    body = _canonical(document)
    document["sha256"] = hashlib.sha256(body).hexdigest()
    if key:
        document["hmac_sha256"] = hmac.new(key, body, hashlib.sha256).hexdigest()
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def read_aid_file(data: bytes, *, key: bytes | None = None) -> AidFile:
    """The file checked whole: its form, its hash, its signature when a key is held.

    Raises:
        AidFileRefused: not one of these files, altered since it was written, signed with a
            key this desk does not hold (or not signed when it does), or a referral malformed.
    """
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise AidFileRefused("not a mutual-aid file (it is not JSON text)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AidFileRefused(f"not a mutual-aid file (its format is not {FORMAT})")
    stated = document.pop("sha256", None)
    signature = document.pop("hmac_sha256", None)
    body = _canonical(document)
    if not isinstance(stated, str) or not hmac.compare_digest(
        stated, hashlib.sha256(body).hexdigest()
    ):
        raise AidFileRefused(
            "the file was altered after it was written (its SHA-256 does not match): nothing "
            "was added; ask the desk that wrote it for a fresh copy"
        )
    if key:
        if not isinstance(signature, str):
            raise AidFileRefused(
                f"the file is not signed, and this desk holds a key ({KEY_VARIABLE}): nothing "
                "was added"
            )
        if not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).hexdigest()):
            raise AidFileRefused(
                f"the file's signature does not match this desk's key ({KEY_VARIABLE}): "
                "nothing was added"
            )
    elif signature is not None:
        raise AidFileRefused(
            f"the file is signed: set {KEY_VARIABLE} to the key the two desks share, and "
            "import it again"
        )
    return _checked(document, signed=signature is not None)


def _checked(document: dict[str, Any], *, signed: bool) -> AidFile:
    referrals = document.get("referrals")
    if not isinstance(referrals, list) or document.get("count") != len(referrals):
        raise AidFileRefused("the file's referrals do not match its count")
    for place, referral in enumerate(referrals, start=1):
        if not isinstance(referral, dict):
            raise AidFileRefused(f"referral {place}: not an object")
        for key, kinds in REFERRAL_FIELDS.items():
            if key not in referral:
                raise AidFileRefused(f"referral {place}: no {key}")
            if not isinstance(referral[key], kinds) or (
                bool not in kinds and isinstance(referral[key], bool)
            ):
                raise AidFileRefused(f"referral {place}: {key} is not of its kind")
        _check_values(referral, place)
    try:
        exported_at = datetime.fromisoformat(str(document.get("exported_at")))
    except ValueError:
        raise AidFileRefused("the file's exported_at is not a time") from None
    for name in ("source", "exported_by"):
        if not isinstance(document.get(name), str):
            raise AidFileRefused(f"the file's {name} is not text")
    return AidFile(
        source=document["source"],
        exported_at=exported_at,
        exported_by=document["exported_by"],
        referrals=tuple(referrals),
        signed=signed,
    )


_OPEN = frozenset(status.value for status in OPEN_STATUSES)
_WORDS: dict[str, frozenset[str]] = {
    "response": frozenset(response.value for response in Response),
    "lead": frozenset(lead.value for lead in Lead),
}


def _check_values(referral: dict[str, Any], place: int) -> None:
    """The values a desk stores as they are: a reference of ours, aware times, an open status,
    the vocabulary's words."""
    try:
        parse_reference(referral["reference"])
    except Refused:
        raise AidFileRefused(
            f"referral {place}: not a reference: {referral['reference']!r}"
        ) from None
    for key in ("received_at", "due_at", "paper_entered_at"):
        if referral[key] is None:
            continue
        try:
            moment = datetime.fromisoformat(referral[key])
        except ValueError:
            raise AidFileRefused(f"referral {place}: {key} is not a time") from None
        if moment.tzinfo is None:
            raise AidFileRefused(f"referral {place}: {key} has no offset")
    if referral["status"] not in _OPEN:
        raise AidFileRefused(f"referral {place}: {referral['status']!r} is not an open status")
    for key, words in _WORDS.items():
        if referral[key] is not None and referral[key] not in words:
            raise AidFileRefused(f"referral {place}: {key} {referral[key]!r} is not one of ours")
