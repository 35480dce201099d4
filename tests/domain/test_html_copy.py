"""The read-only HTML copy: stored text as text, nothing to fetch or run, states in words."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

from tests_support import mode_of

from spr_desk.downtime.html_copy import COPY_NAME, render_copy, write_copy
from spr_desk.downtime.pack import DowntimePack, OnNowLine, PackReferral, PackShift
from spr_desk.downtime.rules_card import build_card
from spr_desk.rules import default_rules

WRITTEN = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)  # a Thursday, GMT
SCRIPT_NAME = '<script>alert(1)</script> Ann "Quote" O\'Hara'
ESCAPE_NAME = "\x1b[31mBob Red\x1b[0m \u202eevil"
CSP = (
    '<meta http-equiv="Content-Security-Policy" '
    "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
)


def referral(reference: str, due_in: timedelta | None, **changes: object) -> PackReferral:
    fields: dict[str, object] = {
        "reference": reference,
        "received_at": WRITTEN - timedelta(hours=2),
        "due_at": None if due_in is None else WRITTEN + due_in,
        "status": "awaiting allocation",
        "response": "rapid",
        "lead": "community nursing",
        "holder": "",
        "patient_name": "Carol Test",
        "nhs_number": "9434765919",
        "date_of_birth": "01/02/1940",
        "address": "1 Test Street, Testbury",
        "locality": "North",
        "caller": "Dr Fiction (Test Surgery)",
        "caller_phone": "01632 960001",
        "next_of_kin": "Dan Test 07700 900001",
    }
    fields.update(changes)
    return PackReferral(**fields)  # type: ignore[arg-type]


def pack(*referrals: PackReferral) -> DowntimePack:
    return DowntimePack(
        built_at=WRITTEN - timedelta(minutes=1),
        built_by="desk",
        rules_version="test-rules-1",
        referrals=referrals,
        shifts=(
            PackShift(
                "South",
                "Rapid response",
                "Eve Test",
                "nurse",
                datetime(2026, 12, 3, 8, tzinfo=UTC),
                datetime(2026, 12, 3, 20, tzinfo=UTC),
            ),
            PackShift(
                "North",
                "Community nursing",
                "Fay Test",
                "nurse",
                datetime(2026, 12, 4, 8, tzinfo=UTC),
                datetime(2026, 12, 4, 20, tzinfo=UTC),
            ),
        ),
        on_now=(OnNowLine("South", (("nurse", ("Eve Test", "Gil Test")), ("doctor", ()))),),
        card=build_card(default_rules()),
        sheets=("SPR-P-0001",),
    )


class Cells(HTMLParser):
    """The text of every table row (header rows too), cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def all_rows(document: str) -> list[list[str]]:
    parser = Cells()
    parser.feed(document)
    return parser.rows


def rows_of(document: str) -> dict[str, list[str]]:
    """The queue's rows by reference."""
    return {row[0]: row for row in all_rows(document) if row[0].startswith("SPR-")}


def test_a_name_holding_a_script_tag_is_escaped_and_shown_as_text() -> None:
    document = render_copy(
        pack(referral("SPR-1", timedelta(hours=2), patient_name=SCRIPT_NAME)),
        written_at=WRITTEN,
        every_minutes=5,
    )
    assert "<script" not in document.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ann &quot;Quote&quot; O&#x27;Hara" in document
    assert rows_of(document)["SPR-1"][8] == SCRIPT_NAME  # what a reader sees is what was stored


def test_control_characters_in_stored_text_are_made_visible_not_passed_on() -> None:
    document = render_copy(
        pack(referral("SPR-1", timedelta(hours=2), patient_name=ESCAPE_NAME, holder="\x07Bell")),
        written_at=WRITTEN,
        every_minutes=5,
    )
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", document)
    cells = rows_of(document)["SPR-1"]
    assert cells[8] == "\\x1b[31mBob Red\\x1b[0m \\u202eevil"
    assert cells[7] == "\\x07Bell"


def test_the_copy_forbids_scripts_and_every_fetch_by_its_content_security_policy() -> None:
    document = render_copy(pack(referral("SPR-1", None)), written_at=WRITTEN, every_minutes=5)
    head = document.split("</head>")[0]
    assert head.count(CSP) == 1
    assert head.index(CSP) < head.index("<style>")  # in force before anything else is read
    assert document.count("Content-Security-Policy") == 1


def test_the_copy_names_no_url_and_loads_nothing_from_anywhere() -> None:
    document = render_copy(
        pack(referral("SPR-1", timedelta(hours=2)), referral("SPR-2", None)),
        written_at=WRITTEN,
        every_minutes=5,
    )
    for looks_like_a_fetch in (
        r"https?:",
        r"file:",
        r"//",
        r"url\(",
        r"@import",
        r"src=",
        r"href=",
    ):
        assert not re.search(looks_like_a_fetch, document, re.IGNORECASE), looks_like_a_fetch
    assert "<link" not in document and "<img" not in document and "<script" not in document


def test_the_banner_says_when_the_copy_was_written_and_how_often_the_desk_writes_it() -> None:
    document = render_copy(pack(), written_at=WRITTEN, every_minutes=5)
    banner = (
        'READ-ONLY COPY - written <time datetime="2026-12-03T14:05:00+00:00">'
        "Thu 3 Dec 2026 14:05</time> - the desk writes it every 5 minutes; "
        "if this time is old, the copy is old"
    )
    assert banner in document
    assert '<meta name="spr-desk-written-at" content="2026-12-03T14:05:00+00:00">' in document


def test_the_written_time_is_uk_local_in_summer_and_every_minute_reads_as_words() -> None:
    summer = datetime(2026, 7, 2, 8, 30, tzinfo=UTC)
    document = render_copy(pack(), written_at=summer, every_minutes=1)
    assert '<time datetime="2026-07-02T09:30:00+01:00">Thu 2 Jul 2026 09:30</time>' in document
    assert "the desk writes it every minute;" in document
    assert 'content="2026-07-02T09:30:00+01:00"' in document


def test_due_states_are_words_worked_out_at_the_time_the_copy_was_written() -> None:
    queue = pack(
        referral("SPR-LATE", -timedelta(minutes=12)),
        referral("SPR-SOON", timedelta(minutes=30)),
        referral("SPR-LATER", timedelta(hours=3), response="fast"),
        referral("SPR-NONE", None, response=None, lead=None),
    )
    rows = rows_of(render_copy(queue, written_at=WRITTEN, every_minutes=5))
    # Reference, due, state, time left, response, lead
    assert rows["SPR-LATE"][:5] == ["SPR-LATE", "Thu 3 Dec 13:53", "BREACHED", "-0h 12m", "rapid"]
    assert rows["SPR-SOON"][1:4] == ["Thu 3 Dec 14:35", "DUE SOON", "0h 30m"]
    assert rows["SPR-LATER"][1:5] == ["Thu 3 Dec 17:05", "due", "3h 00m", "fast"]
    assert rows["SPR-NONE"][1:6] == ["no due time", "no due time", "", "none (escalated)", "none"]
    later = rows_of(render_copy(queue, written_at=WRITTEN + timedelta(hours=2), every_minutes=5))
    assert later["SPR-LATER"][2:4] == ["DUE SOON", "1h 00m"]
    assert later["SPR-SOON"][2:4] == ["BREACHED", "-1h 30m"]


def test_a_referral_responded_to_shows_its_stopped_clock_not_a_countdown() -> None:
    queue = pack(
        referral("SPR-MET", -timedelta(hours=2), responded_at=WRITTEN - timedelta(hours=3)),
        referral("SPR-LATE", -timedelta(hours=2), responded_at=WRITTEN - timedelta(hours=1)),
    )
    rows = rows_of(render_copy(queue, written_at=WRITTEN, every_minutes=5))
    assert rows["SPR-MET"][2:4] == ["responded, met", "responded Thu 03 Dec 11:05"]
    assert rows["SPR-LATE"][2:4] == ["responded LATE", "responded Thu 03 Dec 13:05"]
    assert "BREACHED" not in "".join(rows["SPR-MET"] + rows["SPR-LATE"])


def test_breached_is_shown_in_words_as_well_as_colour() -> None:
    document = render_copy(
        pack(referral("SPR-LATE", -timedelta(minutes=1))), written_at=WRITTEN, every_minutes=5
    )
    assert '<td class="state-breached">BREACHED</td>' in document


def test_the_queue_keeps_the_packs_order() -> None:
    queue = pack(referral("SPR-B", timedelta(hours=1)), referral("SPR-A", timedelta(hours=2)))
    document = render_copy(queue, written_at=WRITTEN, every_minutes=5)
    assert document.index(">SPR-B<") < document.index(">SPR-A<")


def test_a_referral_reads_in_full_with_to_trace_the_holder_and_the_paper_marker() -> None:
    queue = pack(
        referral("SPR-1", timedelta(hours=2), nhs_number="", entered_from_paper=True),
        referral("SPR-2", timedelta(hours=2), holder="Hal Test (Community nursing)"),
    )
    rows = rows_of(render_copy(queue, written_at=WRITTEN, every_minutes=5))
    assert rows["SPR-1"][4:] == [
        "rapid",
        "community nursing",
        "awaiting allocation",
        "not yet held",
        "Carol Test",
        "to trace",
        "01/02/1940",
        "1 Test Street, Testbury",
        "North",
        "Dr Fiction (Test Surgery)",
        "01632 960001",
        "Dan Test 07700 900001",
        "entered from paper",
    ]
    assert rows["SPR-2"][7] == "Hal Test (Community nursing)"
    assert rows["SPR-2"][9] == "9434765919"
    assert rows["SPR-2"][-1] == ""


def test_an_empty_queue_says_no_open_referrals() -> None:
    document = render_copy(pack(), written_at=WRITTEN, every_minutes=5)
    assert "No open referrals." in document
    assert "<th>Reference</th>" not in document  # no empty table that could look cut off


def test_who_is_on_now_and_the_shifts_are_listed_by_locality() -> None:
    document = render_copy(pack(), written_at=WRITTEN, every_minutes=5)
    rows = all_rows(document)
    assert ["Locality", "Who is on"] in rows
    assert ["South", "nurse: Eve Test, Gil Testdoctor: nobody"] in rows  # a <br> between
    assert "nurse: Eve Test, Gil Test<br>doctor: nobody" in document
    assert ["South", "Rapid response", "Eve Test", "nurse", "Thu 3 Dec 08:00", "20:00"] in rows
    assert ["North", "Community nursing", "Fay Test", "nurse", "Fri 4 Dec 08:00", "20:00"] in rows
    today = document.index("<h3>Starting Thu 3 Dec 2026</h3>")
    tomorrow = document.index("<h3>Starting Fri 4 Dec 2026</h3>")
    assert today < document.index(">Eve Test<") < tomorrow < document.index(">Fay Test<")


def test_an_empty_rota_says_so() -> None:
    document = render_copy(
        replace(pack(), shifts=(), on_now=()), written_at=WRITTEN, every_minutes=5
    )
    assert "Nobody is on the rota now." in document
    assert "No shifts on the rota today or tomorrow." in document


def test_the_copy_is_written_owner_only_and_replaces_an_older_copy_whole(tmp_path: Path) -> None:
    path = tmp_path / COPY_NAME
    path.write_text("an older, world-readable copy")
    path.chmod(0o644)
    document = render_copy(pack(referral("SPR-1", None)), written_at=WRITTEN, every_minutes=5)
    write_copy(path, document)
    assert mode_of(path) == 0o600
    assert path.read_text(encoding="utf-8") == document
    assert [entry.name for entry in tmp_path.iterdir()] == [COPY_NAME]  # no part file left
