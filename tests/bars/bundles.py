"""Validation Request Bundles for the BaRS tests: good `a4t3` requests with one part changed.

`a4t3_bundle` is the desk's own example builder (`spr_desk.bars.example`, modelled on the BaRS
guide's VALREQ01, fictional patients): the demo, the benchmark and the tests build from one
source. Its keyword arguments change each part (times, use case, reason, status, NHS number and
its verification status, scene safety, contacts, identifiers, names, `omit` of resource types).

`FIXTURES` are the files `spr-desk bars import FILE` is tested with (`tests/bars/fixtures/`);
`tests/bars/test_fixtures.py` checks they equal what is built here, and rewrites them when run
with `SPR_DESK_WRITE_FIXTURES=1`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from spr_desk.bars.example import WHEN, a4t3_bundle, body, changed

__all__ = [
    "FIXTURES",
    "FIXTURES_FOLDER",
    "JOURNEY_ID",
    "SERVICE_REQUEST_ID",
    "WHEN",
    "a4t3_bundle",
    "changed",
    "fixture_text",
    "post_body",
    "resource",
    "write_fixtures",
]

FIXTURES_FOLDER = Path(__file__).parent / "fixtures"
SERVICE_REQUEST_ID = "VR-2026-4512"
"""The sender's ServiceRequest identifier `a4t3_bundle` gives by default."""
JOURNEY_ID = "J-4512-0001"
"""Its default Journey ID (`Encounter.episodeOfCare`)."""


def post_body(bundle: dict[str, Any]) -> bytes:
    """The bundle as a 999 service posts it (UTF-8 JSON)."""
    return body(bundle)


def resource(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """The bundle's first resource of `resource_type`, itself (change it in place)."""
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == resource_type:
            found: dict[str, Any] = entry["resource"]
            return found
    raise KeyError(resource_type)


def _no_breach_time() -> dict[str, Any]:
    bundle = a4t3_bundle(message_id="6d1c7a52-0b2e-4c55-9a51-000000000006")
    del resource(bundle, "ServiceRequest")["occurrencePeriod"]["end"]
    return bundle


def _two_first_contacts() -> dict[str, Any]:
    return a4t3_bundle(
        message_id="6d1c7a52-0b2e-4c55-9a51-000000000007",
        contacts=[
            (1, "Crew 4512 (paramedic)", "07700 900451"),
            (1, "Peter Example (son)", "07700 900123"),
        ],
    )


FIXTURES: dict[str, Callable[[], dict[str, Any]]] = {
    "a4t3-new.json": lambda: a4t3_bundle(message_id="6d1c7a52-0b2e-4c55-9a51-000000000001"),
    "a4t3-update-later-breach.json": lambda: a4t3_bundle(
        message_id="6d1c7a52-0b2e-4c55-9a51-000000000002",
        reason="update",
        breach_at=WHEN + timedelta(hours=3),
    ),
    "a4t3-cancel-revoked.json": lambda: a4t3_bundle(
        message_id="6d1c7a52-0b2e-4c55-9a51-000000000003",
        reason="update",
        status="revoked",
        cancel_reason="Patient conveyed to hospital by the crew",
    ),
    "a4t3-entered-in-error.json": lambda: a4t3_bundle(
        message_id="6d1c7a52-0b2e-4c55-9a51-000000000004",
        reason="update",
        status="entered-in-error",
        cancel_reason="Sent for the wrong patient",
    ),
    "bad-use-case-a4t1.json": lambda: a4t3_bundle(
        message_id="6d1c7a52-0b2e-4c55-9a51-000000000005", use_case="a4t1"
    ),
    "bad-no-breach-time.json": _no_breach_time,
    "bad-two-rank-1-contacts.json": _two_first_contacts,
}
"""File name -> its bundle. The good four are one referral (`SERVICE_REQUEST_ID`,
`JOURNEY_ID`): new, an update with a breach time an hour later, and its two kinds of cancel."""


def fixture_text(name: str) -> str:
    """What `tests/bars/fixtures/<name>` holds: the bundle as indented JSON."""
    return json.dumps(copy.deepcopy(FIXTURES[name]()), indent=2, ensure_ascii=False) + "\n"


def write_fixtures(folder: Path = FIXTURES_FOLDER) -> None:
    folder.mkdir(exist_ok=True)
    for name in FIXTURES:
        (folder / name).write_text(fixture_text(name), encoding="utf-8")
