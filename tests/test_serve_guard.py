"""`spr-desk serve` exposed: the pool of desks, the Origin check, a plain GET of the websocket, and
the database URL kept off the desks' command lines. A real server on loopback (started as
`spr-desk serve`), spoken to over real HTTP and websockets with aiohttp's client; no browser.

Each desk the server starts is a process of about 80 MB: the tests keep the pool small (3).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from spr_desk.entrypoints.cli import build_parser
from spr_desk.entrypoints.serve import (
    DEFAULT_MAX_DESKS,
    full_sentence,
    origin_allowed,
    origin_of,
    served_origins,
)

WAIT = 30.0
"""Seconds any one step may take: generous, for a busy two-core runner."""
POOL = 3
PROXY = "https://desk.example.nhs.uk"
SECOND_NAME = "https://spr-desk.example.nhs.uk"
ENV_VAR = "SPR_DESK_DATABASE_URL"


# The rules, without a server


def test_an_origin_is_scheme_host_and_port_with_the_default_port_written_out() -> None:
    assert origin_of("https://Desk.Example.NHS.uk/") == "https://desk.example.nhs.uk:443"
    assert origin_of("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert origin_of("http://[::1]:8000/ws?width=80") == "http://[::1]:8000"
    for not_an_origin in ("null", "", "file:///etc/passwd", "http://:80", "http://a:b@desk"):
        assert origin_of(not_an_origin) is None, not_an_origin
    assert origin_of("http://desk:port") is None


def test_only_pages_of_this_server_or_a_configured_address_may_open_a_desk() -> None:
    allowed = served_origins("http://127.0.0.1:8000", [PROXY])
    host = "127.0.0.1:8000"
    for page in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000", PROXY):
        assert origin_allowed(page, host, allowed), page
    assert origin_allowed("https://desk.example.nhs.uk:443", host, allowed)
    for page in (
        "http://evil.example",
        "http://127.0.0.1:8001",  # another program on this machine
        "http://desk.example.nhs.uk",  # the proxy's name, but not its https
        "null",  # a sandboxed frame or a file
        "",
        None,  # no browser leaves it out of a websocket
    ):
        assert not origin_allowed(page, host, allowed), page


def test_the_request_s_host_counts_only_when_no_dns_answer_can_move_it() -> None:
    allowed = served_origins("http://desk-host:8000")
    # Opened at the server's address rather than its name: the page is this server's.
    assert origin_allowed("http://10.1.2.3:8000", "10.1.2.3:8000", allowed)
    # DNS rebinding: evil.example made to point at the desk sends a matching Origin and Host.
    assert not origin_allowed("http://evil.example:8000", "evil.example:8000", allowed)
    assert not origin_allowed("http://10.1.2.3:8000", "10.9.9.9:8000", allowed)


def test_the_pool_is_twenty_desks_unless_told_and_a_bad_count_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert DEFAULT_MAX_DESKS == 20
    assert build_parser().parse_args(["serve"]).max_desks == 20
    assert build_parser().parse_args(["serve", "--max-desks", "3"]).max_desks == 3
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve", "--help"])
    assert exit_.value.code == 0
    assert "(default 20)" in " ".join(capsys.readouterr().out.split())
    for bad in (["--max-desks", "0"], ["--max-desks", "many"], ["--allow-origin", "evil"]):
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args(["serve", *bad])
        assert exit_.value.code == 2, bad
        assert "spr-desk serve: error:" in capsys.readouterr().err


# A real server


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws?width=80&height=24"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def desks(self) -> list[int]:
        """The server's living child processes: one per desk it runs."""
        return children_of(self.process.pid)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # ended while being read
            continue
        state, parent = stat.rsplit(")", 1)[1].split()[:2]
        if int(parent) == pid and state != "Z":  # an ended desk not yet reaped holds nothing
            found.append(int(entry.name))
    return found


def wait_for(what: str, condition: Callable[[], bool], served: Served) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {WAIT:.0f} s; the server logged:\n{served.log_text()}")
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spr_desk(url: str, *args: str) -> None:
    # The URL in the environment: a test's own command line holds no password either.
    done = subprocess.run(
        [sys.executable, "-m", "spr_desk", *args],
        env=os.environ | {ENV_VAR: url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        pytest.fail(f"spr-desk {' '.join(args)} exited {done.returncode}: {done.stderr}")


@pytest.fixture(scope="module")
def sqlite_desk(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One desk database for the module: the desks here only open it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('desk') / 'desk.db'}"
    _spr_desk(url, "db", "upgrade")
    return url


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `spr-desk --db URL serve ARGS` on a free loopback port; all are stopped at the end,
    with the desks they started."""
    started: list[Served] = []

    def start(url: str, *args: str) -> Served:
        port = _free_port()
        log = tmp_path / f"serve-{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "spr_desk", "--db", url, "serve"]
                + ["--host", "127.0.0.1", "--port", str(port), *args],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the desks it starts go with it
            )
        served = Served(process, port, log)
        started.append(served)
        wait_for("the server listening", lambda: _answers(served), served)
        # The banner names the pool: a server deaf to --max-desks would start 20 desks here.
        pool = args[args.index("--max-desks") + 1] if "--max-desks" in args else DEFAULT_MAX_DESKS
        wait_for("the banner", lambda: "desks at once" in served.log_text(), served)
        if f"up to {pool} desks at once" not in served.log_text():
            pytest.fail(
                f"the server did not take its options {args} (spr_desk/cli.py runs serve through "
                f"serve.serve_from_args):\n{served.log_text()}"
            )
        return served

    try:
        yield start
    finally:
        for served in started:
            _stop_group(served.process)


def _answers(served: Served) -> bool:
    if served.process.poll() is not None:
        pytest.fail(f"spr-desk serve exited {served.process.returncode}:\n{served.log_text()}")
    try:
        socket.create_connection(("127.0.0.1", served.port), timeout=1).close()
    except OSError:
        return False
    return True


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server's process group, it and its desks: nothing here needs saving."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT)) as session:
        yield session


async def first_bytes(websocket: aiohttp.ClientWebSocketResponse) -> bytes:
    """The first thing the server sends: a desk's screen, or the sentence that none is free."""
    while True:
        message = await asyncio.wait_for(websocket.receive(), WAIT)
        if message.type == aiohttp.WSMsgType.BINARY:
            return bytes(message.data)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            pytest.fail("the server closed the websocket before sending anything")


async def bytes_until(websocket: aiohttp.ClientWebSocketResponse, wanted: bytes) -> bytes:
    seen = b""
    while wanted not in seen:
        seen += await first_bytes(websocket)
    return seen


async def test_a_page_of_another_site_is_refused_403_and_starts_no_desk(
    serve: Callable[..., Served], sqlite_desk: str, http: aiohttp.ClientSession
) -> None:
    served = serve(
        sqlite_desk, "--max-desks", str(POOL), "--public-url", PROXY, "--allow-origin", SECOND_NAME
    )
    # Behind the proxy, the page fetches its script and opens its websocket through the proxy.
    async with http.get(served.url + "/") as page:
        assert "wss://desk.example.nhs.uk/ws" in await page.text()
    foreign = [
        {"Origin": "http://evil.example"},
        # DNS rebinding: the attacker's name pointed at the desk, Origin and Host agreeing.
        {"Origin": f"http://evil.example:{served.port}", "Host": f"evil.example:{served.port}"},
        {"Origin": "null"},
        {},  # no Origin at all
    ]
    for headers in foreign:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(served.ws_url, headers=headers)
        assert refused.value.status == 403, headers
    assert served.desks() == []
    assert served.log_text().count("is not this server's (403)") == len(foreign)
    assert "Traceback" not in served.log_text()

    # The proxy's other name (--allow-origin) is let in, and a desk starts: the count above
    # could see one.
    async with http.ws_connect(served.ws_url, headers={"Origin": SECOND_NAME}):
        wait_for("the desk for the proxy's page", lambda: len(served.desks()) == 1, served)


async def test_thirty_connections_never_start_more_desks_than_the_pool(
    serve: Callable[..., Served], sqlite_desk: str, http: aiohttp.ClientSession
) -> None:
    served = serve(sqlite_desk, "--max-desks", str(POOL))
    page = {"Origin": served.url}
    most = 0

    async def count_desks() -> None:
        nonlocal most
        while True:
            most = max(most, len(served.desks()))
            await asyncio.sleep(0.02)

    counting = asyncio.create_task(count_desks())
    async with AsyncExitStack() as connections:
        websockets = await asyncio.gather(
            *(
                connections.enter_async_context(http.ws_connect(served.ws_url, headers=page))
                for _ in range(30)
            )
        )
        firsts = await asyncio.gather(*map(first_bytes, websockets))
        full = full_sentence(POOL).encode()
        assert b"All 3 desks on this server are in use" in full
        refused = [ws for ws, first in zip(websockets, firsts, strict=True) if full in first]
        desks = [ws for ws, first in zip(websockets, firsts, strict=True) if full not in first]
        assert (len(desks), len(refused)) == (POOL, 30 - POOL)
        wait_for("the pool's desks running", lambda: len(served.desks()) == POOL, served)

        # The next browser to load the page is told at once, by a page.
        async with http.get(served.url + "/") as answer:
            assert answer.status == 503
            assert full_sentence(POOL) in await answer.text()

        # A tab closed frees its place once its desk has ended, and the next tab gets a desk.
        # The server frees the place a moment after the desk's process has gone: wait for its
        # own word, or the next tab can arrive in between and be refused.
        await desks[0].close()
        wait_for("the closed tab's desk ended", lambda: len(served.desks()) == POOL - 1, served)
        ended = f"desk ended for 127.0.0.1 ({POOL - 1} of {POOL} in use)"
        wait_for("the closed tab's place freed", lambda: ended in served.log_text(), served)
        again = await connections.enter_async_context(http.ws_connect(served.ws_url, headers=page))
        assert full not in await first_bytes(again)
        wait_for("the new tab's desk running", lambda: len(served.desks()) == POOL, served)
    counting.cancel()
    assert most <= POOL
    log = served.log_text()
    assert log.count(f"all {POOL} desks in use") == 30 - POOL
    assert "Traceback" not in log


async def test_sigterm_tells_the_open_desks_to_quit_and_the_server_stops_at_once(
    serve: Callable[..., Served], sqlite_desk: str, http: aiohttp.ClientSession
) -> None:
    served = serve(sqlite_desk, "--max-desks", "1")
    async with AsyncExitStack() as tabs:
        for _ in range(2):  # one desk, and one tab told it is in use
            websocket = await tabs.enter_async_context(
                http.ws_connect(served.ws_url, headers={"Origin": served.url})
            )
            await first_bytes(websocket)
        [desk] = served.desks()
        served.process.send_signal(signal.SIGTERM)
        # aiohttp alone waits 20 s and more for the open websockets before it stops.
        served.process.wait(timeout=10)
    assert served.process.returncode == 0
    assert not Path(f"/proc/{desk}").exists()  # the server reaped it: it had ended
    assert "desk ended for 127.0.0.1 (0 of 1 in use)" in served.log_text()


async def test_a_plain_get_of_the_websocket_is_400_and_one_log_line(
    serve: Callable[..., Served], sqlite_desk: str, http: aiohttp.ClientSession
) -> None:
    served = serve(sqlite_desk, "--max-desks", str(POOL))
    before = len(served.log_text().splitlines())
    for _ in range(2):  # the second is also a barrier: anything the first logged late is in
        async with http.get(served.url + "/ws") as answer:
            assert answer.status == 400
            assert f"open the desk at {served.url}/" in await answer.text()
    new = served.log_text().splitlines()[before:]
    assert len(new) == 2, new
    line = re.compile(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d spr-desk serve: refused GET /ws from "
        r"127\.0\.0\.1: not a websocket \(400\)"
    )
    assert all(map(line.fullmatch, new)), new
    assert served.desks() == []


@pytest.mark.parametrize(
    "db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
async def test_the_desks_get_the_database_url_in_their_environment_not_their_command_line(
    serve: Callable[..., Served], db_url: str, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    url = db_url
    secret = "not-on-any-command-line-7431"
    if url.startswith("postgresql"):  # the test server trusts every connection: any password
        url = make_url(url).set(password=secret).render_as_string(hide_password=False)
    _spr_desk(url, "db", "upgrade")
    served = serve(url)  # the default pool: its log says of how many
    async with http.ws_connect(served.ws_url, headers={"Origin": served.url}) as websocket:
        # The desk opened its database and shows the sign-in.
        await bytes_until(websocket, b"Sign in")
        [desk] = served.desks()
        command_line = Path(f"/proc/{desk}/cmdline").read_bytes()
        assert b"spr_desk" in command_line  # the desk itself, not a shell
        assert url.encode() not in command_line and secret.encode() not in command_line
        assert make_url(url).database.encode() not in command_line
        environment = Path(f"/proc/{desk}/environ").read_bytes().split(b"\0")
        assert f"{ENV_VAR}={url}".encode() in environment
        # ...and not the default database in the data folder.
        assert not (tmp_path / "xdg-data" / "spr-desk" / "spr-desk.db").exists()
    assert f"desk started for 127.0.0.1 (1 of {DEFAULT_MAX_DESKS} in use)" in served.log_text()
