"""The downtime pack PDF: renders with Debian's poppler, and reads back with everything on it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pdf_text import pdf_page_count, pdf_pages_png, pdf_text
from tests_support import RED_FLAG_QUESTIONS_AS_ASKED

from spr_desk.downtime.pack import DowntimePack, OnNowLine, PackReferral, PackShift
from spr_desk.downtime.pack_pdf import render_pack
from spr_desk.downtime.rules_card import build_card
from spr_desk.rules import default_rules

BUILT = datetime(2026, 12, 3, 9, 15, tzinfo=UTC)  # a Thursday, GMT
QUESTIONS = RED_FLAG_QUESTIONS_AS_ASKED
SHEETS = tuple(f"SPR-2026-{number:06d}" for number in range(900, 904))


def referral(number: int, **changes: object) -> PackReferral:
    base = PackReferral(
        reference=f"SPR-2026-{number:06d}",
        received_at=BUILT - timedelta(hours=2),
        due_at=BUILT + timedelta(hours=1, minutes=number % 60),
        status="awaiting allocation",
        response="rapid",
        lead="nurse",
        holder="North nursing team",
        patient_name=f"Ada Testpatient {number}",
        nhs_number="9434765919",
        date_of_birth="02/03/1941",
        address="1 Fictional Row, Exampleton",
        locality="North",
        caller="Dr Sam Example, Riverside Practice",
        caller_phone="01632 960001",
        next_of_kin="Daughter Jo 07700 900123",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def pack(referrals: tuple[PackReferral, ...], sheets: tuple[str, ...] = SHEETS) -> DowntimePack:
    return DowntimePack(
        built_at=BUILT,
        built_by="Kim Supervisor",
        rules_version=default_rules().version,
        referrals=referrals,
        shifts=(
            PackShift(
                "North",
                "North nursing team",
                "Pat Nurse",
                "nurse",
                BUILT,
                BUILT + timedelta(hours=8),
            ),
            PackShift(
                "South",
                "South therapy team",
                "Lee Therapist",
                "OT",
                BUILT,
                BUILT + timedelta(hours=12),
            ),
            PackShift(
                "North",
                "North night team",
                "Max Night",
                "nurse",
                BUILT + timedelta(hours=11),
                BUILT + timedelta(hours=22),
            ),
        ),
        on_now=(
            OnNowLine("North", (("nurse", ("Pat Nurse",)),)),
            OnNowLine("South", (("OT", ("Lee Therapist",)),)),
        ),
        card=build_card(default_rules()),
        sheets=sheets,
    )


SAMPLE = (
    referral(1, patient_name="Zoë Łukasiewicz", entered_from_paper=True),
    referral(2, patient_name="Evil \x1b[31mRed\x1b[0m Name", due_at=BUILT - timedelta(hours=2)),
    referral(
        3, nhs_number="", patient_name="Ōtomo Ngā-Rēhia", response="normal", lead="social_care"
    ),
    referral(
        4,
        next_of_kin="{nb} [b]not bold[/b] **nor this** <i>x</i>",
        due_at=None,
        response=None,
        lead=None,
    ),
    referral(
        5,
        address="a-very-long-address-without-any-spaces-" * 4,
        due_at=BUILT + timedelta(minutes=40),
    ),
)


def written(tmp_path: Path, data: bytes, name: str = "pack.pdf") -> Path:
    path = tmp_path / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # patient details
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return path


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return written(tmp_path_factory.mktemp("pack"), render_pack(pack(SAMPLE)))


@pytest.fixture(scope="module")
def sample_text(sample_pdf: Path) -> str:
    return pdf_text(sample_pdf)


@pytest.fixture(scope="module")
def drawn_text(sample_pdf: Path) -> str:
    """The text in the order it was drawn: a table cell's lines one after another."""
    return pdf_text(sample_pdf, layout=False)


def pages(text: str) -> Iterator[str]:
    yield from text.split("\f")


def test_the_pack_renders_one_png_per_page_with_pdftoppm(sample_pdf: Path, tmp_path: Path) -> None:
    count = pdf_page_count(sample_pdf)
    # cover, queue, rota, card (one page or more), one page per sheet
    assert count >= 4 + len(SHEETS)
    pngs = pdf_pages_png(sample_pdf, tmp_path / "png")
    assert len(pngs) == count
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_text_holds_every_reference_the_rules_version_and_the_reserved_sheets(
    sample_text: str,
) -> None:
    for item in SAMPLE:
        assert item.reference in sample_text
    assert f"Rules version {default_rules().version}" in sample_text
    for sheet in SHEETS:
        assert sheet in sample_text


def test_names_print_as_given_and_control_characters_show_as_escapes(
    sample_text: str, drawn_text: str
) -> None:
    assert "Zoë Łukasiewicz" in sample_text
    assert "Ōtomo Ngā-Rēhia" in sample_text
    assert "\x1b" not in drawn_text
    assert "Evil \\x1b[31mRed\\x1b[0m Name" in drawn_text
    assert "some characters could not be printed" not in sample_text


def test_stored_text_is_printed_as_typed_never_as_markup(drawn_text: str) -> None:
    # fpdf's page-count placeholder, markdown and tags all print as the characters typed
    assert "{nb} [b]not bold[/b] **nor this** <i>x</i>" in re.sub(r"\s+", " ", drawn_text)


def test_every_sheet_page_has_its_reference_big_the_received_boxes_and_red_flags_first(
    sample_text: str,
) -> None:
    sheet_pages = [page for page in pages(sample_text) if "triage sheet (downtime)" in page]
    assert len(sheet_pages) == len(SHEETS)
    for reference, page in zip(SHEETS, sheet_pages, strict=True):
        assert reference in page
        assert "Received (date and time, written now):" in page
        flat = re.sub(r"\s+", " ", page)
        for question in QUESTIONS:
            assert question in flat
        assert "Any yes: say the words, advise 999, stop." in flat
        order = [
            flat.index(words)
            for words in (
                "1. Red flags",
                "2. Caller",
                "3. Patient",
                "4. Pathway",
                "5. Urgency",
                "6. Needs",
                "7. Decision",
                "Notes",
                "Taken by",
            )
        ]
        assert order == sorted(order)
        assert "alone and unable to manage tonight" in flat  # the card's urgency factors
        assert "a package of care" in flat  # the card's needs


def test_every_card_page_is_stamped_with_the_rules_version_and_asks_the_questions(
    sample_text: str,
) -> None:
    card_pages = [page for page in pages(sample_text) if "Step " in page]
    assert card_pages
    for page in card_pages:
        assert f"Rules version {default_rules().version}" in page
    card = re.sub(r"\s+", " ", " ".join(card_pages))
    for question in QUESTIONS:
        assert question in card
    assert "counted in elapsed hours across a clock change" in card


def test_every_page_footer_says_the_build_time_and_page_n_of_m(sample_pdf: Path) -> None:
    count = pdf_page_count(sample_pdf)
    text = pdf_text(sample_pdf)
    for number, page in enumerate(list(pages(text))[:count], start=1):
        footer = f"SPR Desk downtime pack - built Thu 3 Dec 2026 09:15 - page {number} of {count}"
        assert footer in page
        assert f"rules version {default_rules().version}" in page


def test_the_cover_says_what_to_do_and_the_queue_shows_due_states_in_words(
    sample_text: str,
) -> None:
    cover, queue = list(pages(sample_text))[:2]
    flat_cover = re.sub(r"\s+", " ", cover)
    assert "Built Thu 3 Dec 2026 09:15 (UK time)" in flat_cover
    assert "Built by Kim Supervisor" in flat_cover
    assert "enter each sheet with its written received time when the desk is back" in flat_cover
    assert "Open referrals: 5 (1 breached" in flat_cover
    assert "BREACHED -2h 00m" in queue
    assert "DUE SOON" in queue
    assert "FROM PAPER" in queue
    assert "NHS number: to trace" in queue
    assert "NHS 943 476 5919" in queue
    # the pack's order, as handed in (the desk sorts it by due time)
    places = [queue.index(item.reference) for item in SAMPLE]
    assert places == sorted(places)


def test_a_referral_responded_to_prints_its_stopped_clock_and_is_not_counted_breached(
    tmp_path: Path,
) -> None:
    late_but_seen = referral(
        7, due_at=BUILT - timedelta(hours=3), responded_at=BUILT - timedelta(hours=2)
    )
    met = referral(8, due_at=BUILT - timedelta(hours=1), responded_at=BUILT - timedelta(hours=4))
    text = pdf_text(written(tmp_path, render_pack(pack((late_but_seen, met), sheets=()))))
    cover, queue = list(pages(text))[:2]
    assert "Open referrals: 2 (0 breached" in re.sub(r"\s+", " ", cover)
    assert re.search(r"Thu 3 Dec 06:15 .*\n\s+LATE, responded .*\n\s+Thu 07:15", queue)
    assert re.search(r"Thu 3 Dec 08:15 .*\n\s+met, responded .*\n\s+Thu 05:15", queue)
    assert "BREACHED" not in queue


def test_a_long_queue_repeats_its_headings_on_every_queue_page(tmp_path: Path) -> None:
    long = tuple(referral(number) for number in range(1, 121))
    path = written(tmp_path, render_pack(pack(long, sheets=())))
    queue_pages = [page for page in pages(pdf_text(path)) if "SPR-2026-000" in page]
    assert len(queue_pages) >= 3
    for page in queue_pages:
        assert "Reference" in page and "Next of kin" in page
    text = pdf_text(path)
    assert all(item.reference in text for item in long)


def test_without_a_unicode_font_helvetica_prints_and_the_cover_says_so(tmp_path: Path) -> None:
    path = written(tmp_path, render_pack(pack(SAMPLE[:1] + SAMPLE[2:3], sheets=()), fonts=()))
    text = pdf_text(path)
    assert "some characters could not be printed" in re.sub(r"\s+", " ", text)
    assert "Zoë ?ukasiewicz" in text  # ë is Latin-1; Ł has no plain letter in it
    assert "Otomo Nga-Rehia" in text  # the accent dropped, the letter kept (NFKD)
    assert "SPR-2026-000001" in text


def test_an_empty_pack_still_prints_its_cover_rota_and_card(tmp_path: Path) -> None:
    path = written(tmp_path, render_pack(pack((), sheets=())))
    text = pdf_text(path)
    assert "No open referrals when the pack was built." in text
    assert f"Rules version {default_rules().version}" in text


def test_a_character_the_font_lacks_shows_as_its_code_and_the_cover_says_so(
    tmp_path: Path,
) -> None:
    path = written(tmp_path, render_pack(pack((referral(7, patient_name="Wang 王芳"),), ())))
    text = pdf_text(path)
    assert "Wang \\u738b\\u82b3" in text  # DejaVu Sans has no CJK: the codes, not a blank
    assert "some characters could not be printed" in re.sub(r"\s+", " ", text)
