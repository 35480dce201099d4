"""The fixture files `spr-desk bars import` is tested with are what `bundles.py` builds, and
each reads (or is refused) as its name says.

Regenerate them after changing the builder: `SPR_DESK_WRITE_FIXTURES=1` on this test."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from bars.bundles import (
    FIXTURES,
    FIXTURES_FOLDER,
    JOURNEY_ID,
    SERVICE_REQUEST_ID,
    WHEN,
    fixture_text,
    write_fixtures,
)
from spr_desk.bars.outcome import BarsRefusal
from spr_desk.bars.reading import read_request
from spr_desk.bars.request import MessageReason, RequestStatus


def test_fixture_files_are_the_builders_output() -> None:
    if os.environ.get("SPR_DESK_WRITE_FIXTURES") == "1":
        write_fixtures()
    on_disk = sorted(path.name for path in FIXTURES_FOLDER.glob("*.json"))
    assert on_disk == sorted(FIXTURES)
    for name in FIXTURES:
        assert (FIXTURES_FOLDER / name).read_text(encoding="utf-8") == fixture_text(name), name


@pytest.mark.parametrize(
    ("name", "reason", "status", "breach", "cancel"),
    [
        ("a4t3-new.json", MessageReason.NEW, RequestStatus.ACTIVE, 2, ""),
        ("a4t3-update-later-breach.json", MessageReason.UPDATE, RequestStatus.ACTIVE, 3, ""),
        (
            "a4t3-cancel-revoked.json",
            MessageReason.UPDATE,
            RequestStatus.REVOKED,
            2,
            "Patient conveyed to hospital by the crew",
        ),
        (
            "a4t3-entered-in-error.json",
            MessageReason.UPDATE,
            RequestStatus.ENTERED_IN_ERROR,
            2,
            "Sent for the wrong patient",
        ),
    ],
)
def test_the_good_fixtures_are_one_referral_new_updated_and_cancelled(
    name: str, reason: MessageReason, status: RequestStatus, breach: int, cancel: str
) -> None:
    request = read_request(
        (FIXTURES_FOLDER / name).read_bytes(), request_id=name, correlation_id=name
    )
    assert (request.reason, request.status, request.cancel_reason) == (reason, status, cancel)
    assert (request.service_request_id, request.journey_id) == (SERVICE_REQUEST_ID, JOURNEY_ID)
    assert request.breach_at == WHEN + timedelta(hours=breach)


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("bad-use-case-a4t1.json", "not use case 'a4t1'"),
        ("bad-no-breach-time.json", "ServiceRequest.occurrencePeriod.end (the breach time)"),
        ("bad-two-rank-1-contacts.json", "Exactly one contact of rank 1 is needed"),
    ],
)
def test_the_bad_fixtures_are_refused_for_what_their_names_say(name: str, named: str) -> None:
    with pytest.raises(BarsRefusal) as caught:
        read_request((FIXTURES_FOLDER / name).read_bytes(), request_id=name, correlation_id=name)
    assert caught.value.status == 400 and named in caught.value.diagnostics
