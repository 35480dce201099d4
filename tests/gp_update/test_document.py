"""The GP update's document: a self-contained UTF-8 HTML page, every string escaped, the body's
blank-line blocks as paragraphs."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from spr_desk.gp_update.document import CONTENT_SECURITY_POLICY, DRAFTED_AT_META, html_document

DRAFTED = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)


def page(
    title: str = "SPR end-of-episode update: Ada Testpatient, SPR-2026-000001",
    body: str = "One.\n\nTwo.",
    practice: str = "Old Forge Surgery",
) -> str:
    data = html_document(title, body, practice=practice, drafted_at=DRAFTED)
    assert isinstance(data, bytes)
    return data.decode("utf-8")


def test_a_name_with_markup_and_an_ampersand_comes_out_as_text() -> None:
    text = page(
        title="SPR end-of-episode update: <script>alert(1)</script> Smith & Co, SPR-2026-000001",
        body='Patient: <b onclick="x()">Jo</b> & "friends".',
        practice="Marsh & Lee <Surgery>",
    )
    assert "<script" not in text.lower()
    assert "<b " not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Smith &amp; Co" in text
    assert "&lt;b onclick=&quot;x()&quot;&gt;Jo&lt;/b&gt; &amp; &quot;friends&quot;." in text
    assert "For Marsh &amp; Lee &lt;Surgery&gt;." in text


def test_control_characters_are_shown_not_passed_on() -> None:
    text = page(body="Ada\x1b[31m Testpatient\u202e")
    assert "\x1b" not in text and "\u202e" not in text
    assert "Ada\\x1b[31m Testpatient\\u202e" in text


def test_each_blank_line_block_is_a_paragraph_and_a_line_break_is_kept() -> None:
    text = page(body="First block.\r\n\r\nSecond,\nstill second.\n\n \n\nThird.\n")
    paragraphs = re.findall(r"<p>(.*?)</p>", text, flags=re.S)
    assert paragraphs == ["First block.", "Second,<br>\nstill second.", "Third."]


def test_the_page_is_utf8_self_contained_and_dated() -> None:
    text = page(body="Zoë Ó Súilleabháin – 37.5 °C.", practice="")
    data = html_document("T", "Zoë – °", practice="", drafted_at=DRAFTED)
    assert "Zoë".encode() in data and "–".encode() in data
    assert text.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in text
    assert f'content="{CONTENT_SECURITY_POLICY}"' in text
    assert "Zoë Ó Súilleabháin – 37.5 °C." in text
    assert not re.search(r"<(script|link|img|iframe)\b|src=|href=", text, flags=re.I)
    assert f'<meta name="{DRAFTED_AT_META}" content="2026-07-01T13:05:00+00:00">' in text
    assert "Drafted Wed 1 Jul 2026 14:05 (UK time)." in text  # BST
    assert "For " not in text  # no practice, no "For ..."
