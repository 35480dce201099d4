"""`spr-desk serve`: the desk served by textual-serve, signed into from a real headless Chromium.

The browser is Debian's `chromium`, driven through Debian's `chromedriver` (`.ci/run` installs
both). What the terminal shows is read from xterm.js's own buffer: textual-serve draws on a canvas
and keeps its `Terminal` private, so a script run before the page's own catches it as it is made.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from spr_desk.entrypoints.cli import main
from spr_desk.entrypoints.serve import is_loopback, local_page, public_url, serve_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WAIT = 30.0
"""Seconds any one step may take: generous, for a busy two-core runner."""
USER = "browser1"
PASSWORD = "correct horse 42"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",  # a container's /dev/shm is small
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Fully offline: textual-serve's page asks Google for a font, which must not hold up the load.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,800",
)
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    if (value && value.buffer) window.sprDeskTerminal = value;
  },
});
"""
"""textual-serve's page does `this.terminal = new Terminal(...)`: keep a handle on it."""
READ_SCREEN = """
const terminal = window.sprDeskTerminal;
if (!terminal) return {rows: [], cursor: -1};
const buffer = terminal.buffer.active;
const rows = [];
for (let row = 0; row < terminal.rows; row++) {
  const line = buffer.getLine(buffer.viewportY + row);
  rows.push(line ? line.translateToString(true) : "");
}
return {rows, cursor: buffer.baseY + buffer.cursorY - buffer.viewportY};
"""
"""The rows the terminal shows, and the row of its cursor (Textual puts it in the focused input)."""
slow = pytest.mark.slow
"""A real server and a real browser, seconds a test: `-m "not slow"` leaves them out."""


@dataclass(frozen=True)
class Screen:
    rows: list[str]
    cursor_row: int

    @property
    def text(self) -> str:
        return "\n".join(self.rows)

    @property
    def cursor_line(self) -> str:
        return self.rows[self.cursor_row] if 0 <= self.cursor_row < len(self.rows) else ""


def test_serve_help_offers_host_and_port_on_loopback_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--host HOST" in text and "--port PORT" in text
    assert "(default 127.0.0.1)" in text


def test_serve_runs_this_desk_through_a_shell_with_no_database_on_its_command_line() -> None:
    # The database URL reaches each desk in its environment (tests/test_serve_guard.py).
    assert shlex.split(serve_command()) == ["exec", sys.executable, "-m", "spr_desk"]


def test_only_loopback_addresses_count_as_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.20", "desk.example.nhs.uk"]))


def test_the_page_points_browsers_at_an_address_they_can_reach() -> None:
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8080) == "http://[::1]:8080"
    assert "0.0.0.0" not in public_url("0.0.0.0", 8000)


def test_the_page_takes_its_font_from_the_desk_not_from_google() -> None:
    import textual_serve

    package = Path(textual_serve.__file__).parent
    packaged = (package / "templates" / "app_index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" in packaged  # what is being replaced is still there
    page = local_page(packaged)
    assert "googleapis" not in page
    assert "{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf" in page
    assert (package / "static" / "fonts" / "RobotoMono-VariableFont_wght.ttf").exists()
    assert local_page(page) == page  # nothing else to take out


@pytest.fixture
def chromium() -> None:
    """Skip on a developer's machine without Chromium; under CI its absence is a failure."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return
    message = f"needs Debian's chromium and chromium-driver: {', '.join(missing)} missing"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser test: {message} (.ci/run installs them)")
    pytest.skip(message)


def _spr_desk(url: str, *args: str, stdin: str = "") -> None:
    command = [sys.executable, "-m", "spr_desk", "--db", url, *args]
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"spr-desk {' '.join(args)} exited {done.returncode}: {done.stderr}")


@pytest.fixture(scope="module")
def made_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite desk with a day of demo referrals and one call handler, made as a desk makes it:
    once for the module (two runs of `spr-desk`, seconds on a busy runner), copied per test."""
    database = tmp_path_factory.mktemp("made-desk") / "desk.db"
    url = f"sqlite:///{database}"
    _spr_desk(url, "demo", "--days", "1")
    add_user = ("user", "add", USER, "--role", "call_handler", "--password-stdin")
    _spr_desk(url, *add_user, stdin=PASSWORD + "\n")
    return database


@pytest.fixture
def desk_url(made_desk: Path, tmp_path: Path) -> str:
    """A copy of the made desk of the test's own, owner-only as the desk makes its files."""
    copy = tmp_path / "desk.db"
    os.close(os.open(copy, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    with closing(sqlite3.connect(made_desk)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    return f"sqlite:///{copy}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def serve_options() -> tuple[str, ...]:
    """More options for `spr-desk serve` (a test parametrizes it to change them)."""
    return ()


@pytest.fixture
def served(desk_url: str, tmp_path: Path, serve_options: tuple[str, ...]) -> Iterator[str]:
    """`spr-desk serve` on a free loopback port; yields its address. Stopped with its children."""
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "spr_desk", "--db", desk_url, "serve"]
            + ["--host", "127.0.0.1", "--port", str(port), *serve_options],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the desks it starts go with it
        )
    try:
        deadline = time.monotonic() + WAIT
        while True:
            if server.poll() is not None:
                pytest.fail(f"spr-desk serve exited {server.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"spr-desk serve: port {port} not answering after {WAIT:.0f} s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        _stop_group(server)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group (it and the desks it started), then SIGKILL the rest."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def browser(chromium: None, tmp_path: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    # An explicit driver path also keeps Selenium Manager from trying to download one.
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(WAIT)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CATCH_TERMINAL})
        yield driver
    finally:
        driver.quit()


def read_screen(driver: WebDriver) -> Screen:
    seen = driver.execute_script(READ_SCREEN)
    return Screen([str(row) for row in seen["rows"]], int(seen["cursor"]))


def wait_until(
    driver: WebDriver, what: str, shown: Callable[[Screen], bool], tmp_path: Path
) -> Screen:
    """Wait until the terminal shows `what`; fail with what it does show and a screenshot."""

    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.2).until(lambda _: shown(read_screen(driver)))
    except TimeoutException:
        shot = tmp_path / "timed-out.png"
        driver.save_screenshot(str(shot))
        screen = read_screen(driver)
        shows = screen.text if screen.rows else "nothing (has textual-serve's page changed?)"
        pytest.fail(
            f"the browser did not show {what} within {WAIT:.0f} s (screenshot {shot}, server log "
            f"{tmp_path / 'serve.log'}); the terminal shows:\n{shows}"
        )
    return read_screen(driver)


def wait_for_text(driver: WebDriver, text: str, tmp_path: Path) -> Screen:
    return wait_until(driver, repr(text), lambda screen: text in screen.text, tmp_path)


def type_keys(driver: WebDriver, *keys: str) -> None:
    """Type into xterm.js's keyboard target, as a person at the keyboard would."""
    driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(*keys)


def sign_in(driver: WebDriver, password: str, tmp_path: Path) -> None:
    """User name, Enter, password, Enter; each step waits for the last to land.

    Textual hands a key to whichever input has focus when the key arrives, so the password is
    typed only once the cursor has moved on from the user name.
    """
    wait_for_text(driver, "SPR Desk · Sign in", tmp_path)
    type_keys(driver, USER)
    typed = wait_until(
        driver, "the user name typed", lambda screen: USER in screen.cursor_line, tmp_path
    )
    type_keys(driver, Keys.ENTER)
    wait_until(
        driver,
        "the cursor in the password",
        lambda screen: screen.cursor_row > typed.cursor_row,
        tmp_path,
    )
    type_keys(driver, password)
    wait_until(
        driver,
        "the password typed (masked)",
        lambda screen: "•" * len(password) in screen.cursor_line,
        tmp_path,
    )
    type_keys(driver, Keys.ENTER)


@slow
def test_a_browser_signs_in_and_sees_the_queue(
    browser: WebDriver, served: str, tmp_path: Path
) -> None:
    browser.get(served)  # textual-serve starts a desk as soon as the page loads: no Start button
    assert "googleapis" not in browser.page_source  # the page asks only the desk's own server
    sign_in(browser, PASSWORD, tmp_path)
    screen = wait_for_text(browser, "SPR Desk · Queue", tmp_path).text
    assert "open" in screen and "awaiting a first response" in screen
    browser.save_screenshot(str(tmp_path / "queue.png"))
    type_keys(browser, Keys.CONTROL, "q")  # the desk quits and the page says the session ended
    WebDriverWait(browser, WAIT, poll_frequency=0.2).until(
        lambda _: "-closed" in str(browser.execute_script("return document.body.className"))
    )


@slow
def test_a_wrong_password_keeps_the_browser_on_the_sign_in_screen(
    browser: WebDriver, served: str, tmp_path: Path
) -> None:
    browser.get(served)
    sign_in(browser, "not the password", tmp_path)
    screen = wait_for_text(browser, "Wrong user name or password", tmp_path).text
    assert "SPR Desk · Sign in" in screen
    assert "SPR Desk · Queue" not in screen


@slow
@pytest.mark.parametrize("serve_options", [("--max-desks", "1")])
def test_a_second_tab_past_the_pool_is_told_every_desk_is_in_use(
    browser: WebDriver, served: str, tmp_path: Path
) -> None:
    browser.get(served)
    wait_for_text(browser, "SPR Desk · Sign in", tmp_path)  # the pool's one desk, running
    browser.switch_to.new_window("tab")
    browser.get(served)
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "The one desk on this server is in use. Close a desk you no longer need" in text
