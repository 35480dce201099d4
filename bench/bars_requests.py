"""BaRS requests through the real endpoint: `spr-desk bars serve` in a process of its own on
loopback, on a fresh migrated database, posted to by an aiohttp client. Prints figures; asserts
nothing.

- **request to acknowledgement**: `--requests` distinct good `a4t3` Validation Requests, one
  after another on one keep-alive connection, each timed from send to the whole answer read
  (goal: p95 under 50 ms; BaRS itself asks 90% under 2,100 ms). **Floor**, measured in the same
  run: a bare aiohttp server in a process of its own that reads the body and answers 200 with a
  small JSON (no parsing, no database), posted the same bodies the same way, interleaved with
  the desk's requests so noise on the machine falls on both alike.
- **senders at once**: `--senders` senders (asyncio tasks, a ClientSession each) each post
  `--each` distinct requests, and each again with the SAME X-Request-ID as soon as the first
  answer is read (a retry): answers counted by status, then the referral table: lost (a sent
  journey with no referral) and duplicated (referrals beyond one per journey); goal 0 and 0.

The same server takes both (a few untimed warm-up requests first); the referrals it adds are
counted from the table before and after.

Run: python -m bench.bars_requests [--db URL] [--requests 200] [--senders 20] [--each 10]
     (no --db: a fresh SQLite file in a temporary folder; a PostgreSQL URL: a scratch database
     made on that server and dropped after, as bench/desks.py does)
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench.stats import p95
from spr_desk.bars.example import a4t3_bundle, body

GOAL_ACK_P95_MS = 50.0
BARS_ASKS = "BaRS asks 90% of requests answered under 2,100 ms"
REQUESTS = 200
SENDERS = 20
EACH = 10
WARM_UP = 3
"""Untimed requests first: the connection opened, the server's first queries compiled."""
SPR_DESK = Path(sys.executable).with_name("spr-desk")
ROOT = Path(__file__).resolve().parents[1]
PATH = "/$process-message"
START_TIMEOUT = 30.0
CLIENT_TIMEOUT = aiohttp.ClientTimeout(total=60)
HEADERS = {"Content-Type": "application/fhir+json", "X-Correlation-ID": "bench"}

Request = tuple[str, str, bytes]
"""(X-Request-ID, Journey ID, body): one distinct referral."""


def requests(prefix: str, count: int) -> list[Request]:
    """`count` distinct good requests: each its own journey, sender's id and Bundle id."""
    made: list[Request] = []
    for n in range(count):
        journey = f"J-{prefix}-{n:05d}"
        bundle = a4t3_bundle(
            journey_id=journey,
            service_request_id=f"VR-{prefix}-{n:05d}",
            message_id=str(uuid.uuid4()),
        )
        made.append((f"req-{prefix}-{n:05d}", journey, body(bundle)))
    return made


# the servers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(command: list[str], port: int, log: Path) -> Iterator[str]:
    """The server `command` starts, listening on `port`: its base URL; stopped after."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"{command[0]} did not start listening on {port}:\n{said}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def desk_command(url: str, port: int) -> list[str]:
    return [str(SPR_DESK), "bars", "serve", "--db", url, "--port", str(port)]


def bare_command(port: int) -> list[str]:
    return [sys.executable, "-m", "bench.bars_requests", "--bare-port", str(port)]


def serve_bare(port: int) -> None:
    """The floor: aiohttp reading the body and answering a small JSON, nothing else."""
    from aiohttp import web

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"resourceType": "Bundle", "type": "message"})

    app = web.Application(client_max_size=10 * 1024 * 1024)
    app.router.add_post(PATH, answer)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def migrate(url: str) -> None:
    subprocess.run([str(SPR_DESK), "db", "upgrade", "--db", url], check=True, capture_output=True)


def referrals(url: str) -> tuple[int, Counter[str]]:
    """(referral rows, BaRS referrals by Journey ID) in the database at `url`."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from db.engine import make_engine
    from db.models import BarsReferral, Referral

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(func.count()).select_from(Referral)).scalar_one()
            journeys = Counter(connection.execute(select(col(BarsReferral.journey_id))).scalars())
    finally:
        engine.dispose()
    return int(rows), journeys


# the clients --------------------------------------------------------------------------------


async def post(http: aiohttp.ClientSession, url: str, request: Request) -> tuple[int, float]:
    """(status, ms from send to the whole answer read)."""
    request_id, _, data = request
    started = time.perf_counter()
    async with http.post(url, data=data, headers={**HEADERS, "X-Request-ID": request_id}) as got:
        await got.read()
        status = got.status
    return status, (time.perf_counter() - started) * 1e3


@dataclass(frozen=True)
class OneByOne:
    desk_ms: list[float]
    bare_ms: list[float]
    statuses: Counter[int]
    """The desk's answers to the timed requests, by HTTP status (all 200 when all is well)."""


async def one_by_one(desk: str, bare: str, sent: list[Request], warm: list[Request]) -> OneByOne:
    desk_ms: list[float] = []
    bare_ms: list[float] = []
    statuses: Counter[int] = Counter()
    async with (
        aiohttp.ClientSession(timeout=CLIENT_TIMEOUT) as to_desk,
        aiohttp.ClientSession(timeout=CLIENT_TIMEOUT) as to_bare,
    ):
        for request in warm:
            await post(to_desk, desk + PATH, request)
            await post(to_bare, bare + PATH, request)
        for request in sent:
            status, ms = await post(to_desk, desk + PATH, request)
            statuses[status] += 1
            desk_ms.append(ms)
            bare_ms.append((await post(to_bare, bare + PATH, request))[1])
    return OneByOne(desk_ms, bare_ms, statuses)


@dataclass(frozen=True)
class AtOnce:
    senders: int
    each: int
    seconds: float
    statuses: Counter[int]
    first_ms: list[float]
    """Each request's first sending, send to answer read, with every sender posting."""
    added: int
    """Referral rows added by the run."""
    lost: int
    duplicated: int

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())

    @property
    def distinct(self) -> int:
        return self.senders * self.each


async def _sender(url: str, mine: list[Request]) -> list[tuple[int, float, bool]]:
    found: list[tuple[int, float, bool]] = []
    async with aiohttp.ClientSession(timeout=CLIENT_TIMEOUT) as http:
        for request in mine:
            status, ms = await post(http, url, request)
            found.append((status, ms, True))
            found.append((*(await post(http, url, request)), False))  # the retry
    return found


async def at_once(
    url: str, batches: list[list[Request]]
) -> tuple[float, list[tuple[int, float, bool]]]:
    started = time.perf_counter()
    results = await asyncio.gather(*(_sender(url + PATH, batch) for batch in batches))
    return time.perf_counter() - started, [answer for found in results for answer in found]


# one database -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarsRun:
    dialect: str
    one_by_one: OneByOne
    at_once: AtOnce


def measure(url: str, count: int, senders: int, each: int, folder: Path) -> BarsRun:
    """Both measurements on `url`, an empty database (migrated here), server logs in `folder`."""
    from sqlalchemy.engine import make_url

    migrate(url)
    desk_port, bare_port = free_port(), free_port()
    run_id = uuid.uuid4().hex[:8]
    warm = requests(f"warm-{run_id}", WARM_UP)
    timed = requests(f"ack-{run_id}", count)
    everyone = requests(f"at-once-{run_id}", senders * each)
    batches = [everyone[n * each : (n + 1) * each] for n in range(senders)]
    with (
        served(desk_command(url, desk_port), desk_port, folder / "desk.log") as desk,
        served(bare_command(bare_port), bare_port, folder / "bare.log") as bare,
    ):
        singles = asyncio.run(one_by_one(desk, bare, timed, warm))
        before, _ = referrals(url)
        seconds, answers = asyncio.run(at_once(desk, batches))
        after, journeys = referrals(url)
    lost = sum(journeys[journey] == 0 for _, journey, _ in everyone)
    added = after - before
    result = AtOnce(
        senders,
        each,
        seconds,
        Counter(status for status, _, _ in answers),
        [ms for _, ms, first in answers if first],
        added,
        lost,
        added - (len(everyone) - lost),
    )
    return BarsRun(make_url(url).get_backend_name(), singles, result)


@contextmanager
def database(postgres: str | None) -> Iterator[tuple[str, Path]]:
    """(URL of a fresh empty database, a private folder for the logs): a SQLite file, or a
    scratch database on the PostgreSQL server at `postgres`; removed after."""
    with tempfile.TemporaryDirectory(prefix="spr-bench-bars-") as scratch:
        folder = Path(scratch)
        if postgres is None:
            yield f"sqlite:///{folder / 'desk.db'}", folder
            return
        from bench.desks import scratch_database

        with scratch_database(postgres) as url:
            yield url, folder


def report(run: BarsRun) -> None:
    singles, crowd = run.one_by_one, run.at_once
    print(f"BaRS on {run.dialect}")
    print(
        f"  request to acknowledgement, {len(singles.desk_ms)} one after another:"
        f" median {statistics.median(singles.desk_ms):.1f} ms, p95 {p95(singles.desk_ms):.1f} ms"
        f" (goal < {GOAL_ACK_P95_MS:.0f} ms; {BARS_ASKS}); answers {dict(singles.statuses)}"
    )
    print(
        f"  bare aiohttp POST (floor): median {statistics.median(singles.bare_ms):.1f} ms,"
        f" p95 {p95(singles.bare_ms):.1f} ms"
    )
    print(
        f"  {crowd.senders} senders x {crowd.each} requests, each sent twice: {crowd.sent} sent,"
        f" answers {dict(crowd.statuses)}, {crowd.added} referrals stored, lost {crowd.lost},"
        f" duplicated {crowd.duplicated} (goal 0, 0), in {crowd.seconds * 1e3:.0f} ms;"
        f" first sendings p95 {p95(crowd.first_ms):.1f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", metavar="URL", help="a PostgreSQL server (default: SQLite)")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--senders", type=int, default=SENDERS)
    parser.add_argument("--each", type=int, default=EACH)
    parser.add_argument("--bare-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_port:  # the floor's server process
        serve_bare(args.bare_port)
        return
    with database(args.db) as (url, folder):
        report(measure(url, args.requests, args.senders, args.each, folder))


if __name__ == "__main__":
    main()
