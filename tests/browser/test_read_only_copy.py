"""The read-only HTML copy opened from its file in a real headless Chromium with no network.

Debian's `chromium` through Debian's `chromedriver`, as in `test_serve.py`: one browser and one
page load for the whole module. Every host name resolves to nothing and nothing is served, so a
page that tried to fetch anything would show it in the performance API's resource list.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from test_serve import CHROMEDRIVER, CHROMIUM
from test_serve import CHROMIUM_FLAGS as SERVE_FLAGS
from tests_support import mode_of

from spr_desk.downtime.html_copy import COPY_NAME, render_copy, write_copy
from spr_desk.downtime.pack import DowntimePack, OnNowLine, PackReferral, PackShift
from spr_desk.downtime.rules_card import build_card
from spr_desk.rules import default_rules

pytestmark = pytest.mark.slow
"""A real browser, a second or two: `-m "not slow"` leaves it out."""

WAIT = 30.0
"""Seconds the page may take to load: generous, for a busy two-core runner."""
CHROMIUM_FLAGS = tuple(
    # as test_serve's browser, but with no host at all, loopback included
    "--host-resolver-rules=MAP * ~NOTFOUND" if flag.startswith("--host-resolver-rules") else flag
    for flag in SERVE_FLAGS
)
WRITTEN = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
SCRIPT_NAME = "<script>alert(1)</script>Ann Test"
ESCAPE_NAME = "\x1b[2J\x1b]0;pwned\x07Bob Test"
FETCHING_KIN = '<img src="https://example.invalid/x.png"><link rel=stylesheet href=//x.invalid/s>'
"""Markup that would fetch if it were read as markup, not shown as text."""


def _referral(reference: str, due_in: timedelta, patient_name: str, **more: str) -> PackReferral:
    return PackReferral(
        reference=reference,
        received_at=WRITTEN - timedelta(hours=3),
        due_at=WRITTEN + due_in,
        status="awaiting allocation",
        response="rapid",
        lead="community nursing",
        holder="",
        patient_name=patient_name,
        nhs_number="",
        date_of_birth="01/02/1940",
        address="2 Test Road, Testbury",
        locality="North",
        caller="Dr Fiction (Test Surgery)",
        caller_phone="01632 960002",
        next_of_kin=more.get("next_of_kin", "Dan Test 07700 900002"),
    )


REFERRALS = (
    _referral("SPR-BROWSER-1", -timedelta(minutes=20), SCRIPT_NAME),
    _referral("SPR-BROWSER-2", timedelta(minutes=40), ESCAPE_NAME),
    _referral("SPR-BROWSER-3", timedelta(hours=20), "Cat Test", next_of_kin=FETCHING_KIN),
)


@pytest.fixture(scope="module")
def copy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The copy of a hand-built pack, written as the desk writes it."""
    pack = DowntimePack(
        built_at=WRITTEN,
        built_by="desk",
        rules_version="test-rules-1",
        referrals=REFERRALS,
        shifts=(
            PackShift(
                "North",
                "Community nursing",
                "Eve Test",
                "nurse",
                datetime(2026, 12, 3, 8, tzinfo=UTC),
                datetime(2026, 12, 3, 20, tzinfo=UTC),
            ),
        ),
        on_now=(OnNowLine("North", (("nurse", ("Eve Test",)),)),),
        card=build_card(default_rules()),
        sheets=(),
    )
    path = tmp_path_factory.mktemp("copy") / COPY_NAME
    write_copy(path, render_copy(pack, written_at=WRITTEN, every_minutes=5))
    return path


@pytest.fixture(scope="module")
def chromium() -> None:
    """Skip on a developer's machine without Chromium; under CI its absence is a failure."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return
    message = f"needs Debian's chromium and chromium-driver: {', '.join(missing)} missing"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test: {message} (.ci/run installs them)")
    pytest.skip(message)


@pytest.fixture(scope="module")
def page(
    chromium: None, copy_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebDriver]:
    """One headless Chromium for the module, with the copy opened from its file."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    # An explicit driver path also keeps Selenium Manager from trying to download one.
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(WAIT)
        driver.get(copy_file.as_uri())
        yield driver
    finally:
        driver.quit()


def visible_text(driver: WebDriver) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


ROW_TEXTS = """
return [...document.querySelectorAll("tbody tr")].map(row => [...row.cells].map(c => c.innerText));
"""
"""Every body row's cells as the browser renders them, in one round trip."""


def queue_row(driver: WebDriver, reference: str) -> list[str]:
    """The cells of the queue row whose first cell is `reference`, as the browser shows them."""
    for row in driver.execute_script(ROW_TEXTS):
        cells = [str(cell) for cell in row]
        if cells and cells[0] == reference:
            return cells
    pytest.fail(f"no row for {reference} in the page")


def test_the_copy_on_disk_is_owner_only(copy_file: Path) -> None:
    assert mode_of(copy_file) == 0o600


def test_the_copy_opens_offline_and_shows_every_reference_and_when_it_was_written(
    page: WebDriver,
) -> None:
    text = visible_text(page)
    for referral in REFERRALS:
        assert referral.reference in text
    assert "READ-ONLY COPY - written Thu 3 Dec 2026 14:05" in text
    assert "Thu 3 Dec 2026 14:05" in text
    written_meta = 'meta[name="spr-desk-written-at"]'
    assert page.find_element(By.CSS_SELECTOR, written_meta).get_attribute("content") == (
        "2026-12-03T14:05:00+00:00"
    )


def test_the_breached_referral_reads_breached_in_words(page: WebDriver) -> None:
    assert queue_row(page, "SPR-BROWSER-1")[2:4] == ["BREACHED", "-0h 20m"]
    assert queue_row(page, "SPR-BROWSER-2")[2] == "DUE SOON"
    assert queue_row(page, "SPR-BROWSER-3")[2] == "due"


def test_a_name_holding_a_script_tag_is_shown_as_text_and_no_script_exists(
    page: WebDriver,
) -> None:
    assert page.execute_script("return document.getElementsByTagName('script').length") == 0
    assert page.execute_script("return document.querySelectorAll('img, link').length") == 0
    assert queue_row(page, "SPR-BROWSER-1")[8] == SCRIPT_NAME
    assert queue_row(page, "SPR-BROWSER-3")[15] == FETCHING_KIN


def test_an_escape_sequence_in_a_name_is_shown_not_sent(page: WebDriver) -> None:
    assert queue_row(page, "SPR-BROWSER-2")[8] == "\\x1b[2J\\x1b]0;pwned\\x07Bob Test"
    assert "\x1b" not in page.page_source


def test_the_copy_fetches_nothing(page: WebDriver) -> None:
    assert page.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert page.execute_script("return location.protocol") == "file:"
