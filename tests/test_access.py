"""The desk's access options and what the screen-reader mode says and rings (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from spr_desk.access import Access, access_from
from spr_desk.announcements import BELL_GAP, Bell, breached_words, recorded_words
from spr_desk.queue_view import QueueRow

THEMES = ("textual-dark", "spr-dark", "spr-light")
NOW = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)


def test_nothing_set_is_the_desk_as_it_was() -> None:
    assert access_from({}, THEMES) == Access(screen_reader=False, bell=False, theme=None)


@pytest.mark.parametrize("text", ["1", "true", "YES", " on "])
def test_the_environment_turns_the_mode_and_the_bell_on(text: str) -> None:
    environ = {"SPR_DESK_SCREEN_READER": text, "SPR_DESK_BELL": text}
    assert access_from(environ, THEMES) == Access(screen_reader=True, bell=True)


def test_the_command_line_turns_them_on_whatever_the_environment_says() -> None:
    environ = {"SPR_DESK_SCREEN_READER": "0", "SPR_DESK_THEME": "spr-light"}
    got = access_from(environ, THEMES, screen_reader=True, theme="spr-dark")
    assert got == Access(screen_reader=True, bell=False, theme="spr-dark")
    assert access_from(environ, THEMES).theme == "spr-light"


def test_a_bad_switch_or_theme_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="SPR_DESK_SCREEN_READER must be 1 or 0, not 'maybe'"):
        access_from({"SPR_DESK_SCREEN_READER": "maybe"}, THEMES)
    with pytest.raises(ValueError, match="--theme must be one of spr-dark, spr-light, textual"):
        access_from({}, THEMES, theme="nord")
    with pytest.raises(ValueError, match="SPR_DESK_THEME must be one of"):
        access_from({"SPR_DESK_THEME": "textual-light"}, THEMES)


def test_the_words_said() -> None:
    assert (
        recorded_words("SPR-2026-000271", "rapid", "nurse", "21:38")
        == "Recorded SPR-2026-000271, Rapid, nurse, due 21:38"
    )
    assert recorded_words("SPR-2026-000272", "fast", "social_care", "09:00").endswith(
        "Fast, social care, due 09:00"
    )
    assert recorded_words("SPR-2026-000273", None, None, "") == "Recorded SPR-2026-000273"
    assert [breached_words(n) for n in (0, 1, 2)] == [
        "No referral breached",
        "1 referral breached",
        "2 referrals breached",
    ]


def row(reference: str, response: str, due_in: timedelta, status: str = "recorded") -> QueueRow:
    return QueueRow(
        reference=reference,
        due_at=NOW + due_in,
        status=status,
        response=response,
        lead="nurse",
        patient_name="",
        locality="",
        pathway="",
    )


def test_the_bell_rings_for_news_at_most_once_a_minute() -> None:
    bell = Bell()
    old = [row("SPR-1", "rapid", timedelta(minutes=10)), row("SPR-2", "fast", timedelta(hours=5))]
    assert bell.look(old, NOW) is False  # what was open at start is not news
    assert bell.look(old, NOW + timedelta(seconds=30)) is False  # nor when seen again
    rapid = [*old, row("SPR-3", "rapid", timedelta(hours=2))]
    assert bell.look(rapid, NOW + timedelta(minutes=1)) is True  # a new Rapid referral
    near = [*rapid, row("SPR-4", "normal", timedelta(minutes=14))]
    at = NOW + timedelta(minutes=1, seconds=20)
    assert bell.look(near, at) is False  # news, but the bell rang 20 s ago
    assert bell.look(near, NOW + timedelta(minutes=1) + BELL_GAP) is True  # rung at the gap's end
    assert bell.look(near, NOW + timedelta(minutes=5)) is False  # nothing new since


def test_a_referral_about_to_breach_rings_but_not_one_responded_to_or_breached() -> None:
    bell = Bell()
    assert bell.look([], NOW) is False
    responded = row("SPR-5", "fast", timedelta(minutes=5), status="responded")
    breached = row("SPR-6", "fast", -timedelta(minutes=5))
    far = row("SPR-7", "fast", timedelta(minutes=16))
    assert bell.look([responded, breached, far], NOW) is False
    assert bell.look([far], NOW + timedelta(minutes=1, seconds=1)) is True  # now 14:59 left
