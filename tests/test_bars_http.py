"""`spr-desk bars serve` over real HTTP on loopback: a test sender posts bundles, a test receiver
takes the desk's replies, and the server is killed and started again between the two."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import Session, select

from db.desk import DeskService
from db.engine import make_engine
from db.models import BarsMessage, BarsReferral, BarsReply, Referral
from spr_desk.bars.example import a4t3_bundle, body, changed
from spr_desk.bars.replies import RejectReason
from spr_desk.vocabulary import Status

WAIT = 20.0
SPR_DESK = str(Path(sys.executable).with_name("spr-desk"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, condition: Callable[[], bool], log: Path | None = None) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            said = log.read_text(errors="replace") if log else ""
            pytest.fail(f"{what}: not within {WAIT:.0f} s\n{said}")
        time.sleep(0.05)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/$process-message"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def post(
    url: str,
    data: bytes,
    *,
    request_id: str | None,
    content_type: str = "application/fhir+json",
) -> Answer:
    headers = {"Content-Type": content_type, "X-Correlation-ID": "corr-test"}
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    sent = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(sent, timeout=10) as answer:
            return Answer(answer.status, json.loads(answer.read()), dict(answer.headers))
    except urllib.error.HTTPError as refused:
        return Answer(refused.code, json.loads(refused.read()), dict(refused.headers))


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    subprocess.run([SPR_DESK, "db", "upgrade", "--db", url], check=True, capture_output=True)
    return url


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    started: list[Served] = []

    def start(url: str, *options: str, port: int | None = None) -> Served:
        port = port or free_port()
        log = tmp_path / f"bars-{len(started)}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [SPR_DESK, "bars", "serve", "--db", url, "--port", str(port), *options],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        served = Served(process, port, log)
        started.append(served)
        wait_for(
            "the endpoint listening", lambda: "Taking BaRS referrals" in served.log_text(), log
        )
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.send_signal(signal.SIGTERM)
            try:
                served.process.wait(10)
            except subprocess.TimeoutExpired:
                served.process.kill()
                served.process.wait()


def desk_on(url: str) -> DeskService:
    return DeskService(make_engine(url))


def counts(url: str) -> tuple[int, ...]:
    engine = make_engine(url)
    with Session(engine) as session:
        found = tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Referral, BarsReferral, BarsMessage, BarsReply)
        )
    engine.dispose()
    return found


def test_a_request_is_on_the_queue_within_2_s_a_repeat_adds_nothing_an_update_and_a_cancel_act(
    serve: Callable[..., Served], database: str
) -> None:
    served = serve(database)
    desk = desk_on(database)
    bundle = a4t3_bundle()
    started = time.monotonic()
    answer = post(served.url, body(bundle), request_id="req-1")
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith("application/fhir+json")
    assert answer.headers["X-Request-ID"] == "req-1"
    Bundle.model_validate(answer.body)
    [ours] = [
        e["resource"]
        for e in answer.body["entry"]
        if e["resource"]["resourceType"] == "Encounter" and e["resource"]["status"] == "planned"
    ]
    reference = ours["identifier"][0]["value"]

    def on_queue() -> bool:
        return any(row.reference == reference for row in desk.open_queue())

    wait_for("the referral on the queue", on_queue)
    assert time.monotonic() - started < 2.0
    [row] = [row for row in desk.open_queue() if row.reference == reference]
    assert row.due_at is not None and row.due_at.isoformat() == "2026-11-23T12:40:00+00:00"

    before = counts(database)
    again = post(served.url, body(bundle), request_id="req-1")
    assert again.status == 409 and reference in again.body["issue"][0]["diagnostics"]
    assert counts(database) == before

    update = a4t3_bundle(reason="update", breach_at=a4t3_bundle_breach(hours=5))
    assert post(served.url, body(update), request_id="req-2").status == 200
    detail = desk.detail(reference)
    assert detail.summary.due_at == a4t3_bundle_breach(hours=5)
    assert detail.bars is not None and detail.bars.version == 2

    cancel = a4t3_bundle(reason="update", status="entered-in-error", cancel_reason="Wrong patient")
    assert post(served.url, body(cancel), request_id="req-3").status == 200
    assert desk.detail(reference).summary.status is Status.CANCELLED
    assert "Traceback" not in served.log_text()
    assert "Ethel" not in served.log_text() and "9434765919" not in served.log_text()
    desk.engine.dispose()


def a4t3_bundle_breach(*, hours: int) -> Any:
    from datetime import timedelta

    from spr_desk.bars.example import WHEN

    return WHEN + timedelta(hours=hours)


FHIR = "application/fhir+json"
REFUSALS: dict[str, tuple[Callable[[], bytes], str | None, str, int]] = {
    # issue 18, point 2: what refuses a request whole
    "not a4t3": (lambda: body(a4t3_bundle(use_case="a4t1")), "r", FHIR, 400),
    "no breach time": (
        lambda: body(changed(a4t3_bundle(), "ServiceRequest", occurrencePeriod=None)),
        "r",
        FHIR,
        400,
    ),
    "no Patient": (lambda: body(a4t3_bundle(omit={"Patient"})), "r", "application/json", 400),
    "no Journey ID": (
        lambda: body(changed(a4t3_bundle(), "Encounter", episodeOfCare=None)),
        "r",
        FHIR,
        400,
    ),
    "no incident location": (lambda: body(a4t3_bundle(omit={"Location"})), "r", FHIR, 400),
    "two rank-1 contacts": (
        lambda: body(a4t3_bundle(contacts=[(1, "A", "07700 900001"), (1, "B", "07700 900002")])),
        "r",
        FHIR,
        400,
    ),
    "no phone": (lambda: body(a4t3_bundle(contacts=[(1, "Crew", None)])), "r", FHIR, 400),
    "not JSON": (lambda: b"{not json", "r", FHIR, 400),
    # and at the door
    "no request id": (lambda: body(a4t3_bundle()), None, FHIR, 400),
    "not FHIR JSON": (lambda: body(a4t3_bundle()), "r", "text/plain", 415),
    "10 MB": (lambda: b"x" * (10 * 1024 * 1024), "r", FHIR, 413),
    "old version": (lambda: body(a4t3_bundle(version_id="0.1")), "r", FHIR, 422),
}
CODES = {
    400: "REC_BAD_REQUEST",
    413: "REC_BAD_REQUEST",
    415: "REC_BAD_REQUEST",
    422: "REC_UNPROCESSABLE_ENTITY",
}


def test_each_refusal_over_http_is_an_operation_outcome_and_stores_nothing(
    serve: Callable[..., Served], database: str
) -> None:
    served = serve(database)
    for case, (build, request_id, content_type, status) in REFUSALS.items():
        answer = post(served.url, build(), request_id=request_id, content_type=content_type)
        assert answer.status == status, case
        assert answer.body["resourceType"] == "OperationOutcome", case
        assert answer.body["issue"][0]["details"]["coding"][0]["code"] == CODES[status], case
        assert answer.body["issue"][0]["diagnostics"], case
        assert counts(database) == (0, 0, 0, 0), case
    assert served.log_text().count("refused a request") == len(REFUSALS)
    assert "Traceback" not in served.log_text()


# replies -----------------------------------------------------------------------------------


@dataclass
class Receiver:
    """A 999 service's endpoint on loopback, taking the desk's replies."""

    port: int
    taken: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        taken = self.taken

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                taken.append((dict(self.headers), json.loads(self.rfile.read(length))))
                self.send_response(200)
                self.send_header("Content-Type", "application/fhir+json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def test_replies_are_kept_through_a_kill_and_delivered_after_the_restart_with_their_request_ids(
    serve: Callable[..., Served], database: str
) -> None:
    receiver = Receiver(free_port())
    reply_url = f"http://127.0.0.1:{receiver.port}"
    served = serve(database, "--reply-url", reply_url)
    desk = desk_on(database)
    references = []
    for n in range(3):
        bundle = a4t3_bundle(journey_id=f"J-{n}", service_request_id=f"S-{n}")
        answer = post(served.url, body(bundle), request_id=f"req-{n}")
        references.append(answer.body["entry"][-1]["resource"]["identifier"][0]["value"])
    accepted, returned, cancelled = references
    desk.bars_accept(accepted, by="handler", clinician="Nurse Jo Bloggs")
    desk.bars_reject(returned, by="handler", reason=RejectReason.FAILED_CONTACT)
    desk.move(cancelled, Status.CANCELLED, by="handler", reason="Daughter took her to her GP")

    def tried_each() -> bool:
        with Session(desk.engine) as session:
            rows = session.exec(select(BarsReply)).all()
        return len(rows) == 3 and all(row.attempts >= 1 for row in rows)

    wait_for("each reply tried while the receiver is down", tried_each, served.log)
    with Session(desk.engine) as session:
        queued = {row.kind: row.request_id for row in session.exec(select(BarsReply))}
    served.process.send_signal(signal.SIGKILL)  # the power cut: nothing said on the way out
    served.process.wait()

    receiver.start()
    try:
        restarted = serve(database, "--reply-url", reply_url)
        wait_for("the three replies delivered", lambda: len(receiver.taken) >= 3, restarted.log)
        time.sleep(0.3)  # anything more would be a duplicate
    finally:
        receiver.stop()
    assert len(receiver.taken) == 3
    by_kind: dict[str, dict[str, Any]] = {}
    for headers, reply in receiver.taken:
        Bundle.model_validate(reply)
        assert headers["Content-Type"] == "application/fhir+json"
        assert (
            headers["NHSD-Target-Identifier"] == "https://fhir.nhs.uk/Id/dos-service-id|2222222222"
        )
        status = [
            e["resource"]["status"]
            for e in reply["entry"]
            if e["resource"]["resourceType"] == "Encounter"
        ][-1]
        kind = {"in-progress": "accept", "cancelled": "reject", "finished": "final"}[status]
        assert headers["X-Request-ID"] == queued[kind]  # the same id as before the kill
        by_kind[kind] = reply
    reject_reason = by_kind["reject"]["entry"][-1]["resource"]["reasonCode"][-1]
    assert reject_reason["coding"][0]["code"] == "FC"
    with Session(desk.engine) as session:
        assert {row.state for row in session.exec(select(BarsReply))} == {"sent"}
    assert [r.state for r in desk.detail(accepted).bars.replies] == ["sent"]  # type: ignore[union-attr]
    desk.engine.dispose()


# bad input by the hundred ------------------------------------------------------------------

GOOD = a4t3_bundle()
SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
JSON_VALUES = (
    SCALARS
    | st.lists(SCALARS, max_size=3)
    | st.dictionaries(st.text(max_size=6), SCALARS | st.lists(SCALARS, max_size=2), max_size=3)
)
NASTY = st.sampled_from(["\x00", "\x1b]0;pwned\x07", "x" * 20_000, "\u202e", "", -1, None])


def _mutated(draw: Any) -> bytes:
    bundle = json.loads(json.dumps(GOOD))
    for _ in range(draw(st.integers(1, 3))):
        entries = bundle.get("entry")
        if not isinstance(entries, list) or not entries:
            break
        entry = entries[draw(st.integers(0, len(entries) - 1))]
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not resource:
            continue
        key = draw(st.sampled_from(sorted(resource)))
        action = draw(st.sampled_from(["delete", "replace", "nasty", "nest"]))
        if action == "delete":
            del resource[key]
        elif action == "replace":
            resource[key] = draw(JSON_VALUES)
        elif action == "nasty":
            resource[key] = draw(NASTY)
        else:
            nested: Any = resource[key]
            for _ in range(draw(st.integers(10, 60))):
                nested = [nested]
            resource[key] = nested
    bundle["id"] = draw(st.uuids()).hex
    journey = draw(st.integers(0, 10**9))
    text = json.dumps(bundle).replace("J-4512-0001", f"J-{journey}")
    if draw(st.booleans()):
        return text.encode("utf-8")
    cut = draw(st.integers(0, len(text)))
    return text[:cut].encode("utf-8")  # a body cut short


@st.composite
def bodies(draw: Any) -> bytes:
    return _mutated(draw)


FUZZ_EXAMPLES = 500


def test_five_hundred_bad_bundles_never_crash_never_leave_a_partial_referral(
    serve: Callable[..., Served], database: str
) -> None:
    served = serve(database)
    answers: list[Answer] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=bodies())
    def post_one(data: bytes) -> None:
        answer = post(served.url, data, request_id=f"fuzz-{len(answers)}")
        answers.append(answer)
        assert answer.status in (200, 400, 413, 422), answer.body
        kind = answer.body["resourceType"]
        assert kind == ("Bundle" if answer.status == 200 else "OperationOutcome")

    post_one()
    assert len(answers) >= FUZZ_EXAMPLES
    assert served.process.poll() is None  # still serving
    engine = make_engine(database)
    with Session(engine) as session:
        referrals = session.exec(select(Referral.id)).all()
        sides = session.exec(select(BarsReferral.referral_id)).all()
        messages = session.exec(select(BarsMessage.referral_id)).all()
    engine.dispose()
    taken = sum(1 for answer in answers if answer.status == 200)
    assert len(referrals) == len(set(sides)) == len(messages) == taken  # each whole, or nothing
    assert set(sides) == set(referrals) == set(messages)
    log = served.log_text()
    assert "Traceback" not in log and "could not take a request" not in log


def test_the_file_import_takes_a_request_once_and_refuses_a_bad_one_exit_2(
    database: str, tmp_path: Path
) -> None:
    good = tmp_path / "request.json"
    good.write_bytes(body(a4t3_bundle(message_id="file-1")))
    taken = subprocess.run(
        [SPR_DESK, "bars", "import", str(good), "--db", database], capture_output=True, text=True
    )
    assert taken.returncode == 0, taken.stderr
    assert "Taken as SPR-2026-000001" in taken.stdout
    again = subprocess.run(
        [SPR_DESK, "bars", "import", str(good), "--db", database], capture_output=True, text=True
    )
    assert (again.returncode, again.stdout.strip()) == (
        0,
        "Already taken as SPR-2026-000001: nothing changed.",
    )
    marked = tmp_path / "marked.json"
    marked.write_bytes(
        body(a4t3_bundle(journey_id="J-2", service_request_id="S-2", scene_safety=None))
    )
    taken = subprocess.run(
        [SPR_DESK, "bars", "import", str(marked), "--db", database], capture_output=True, text=True
    )
    assert taken.returncode == 0 and "marked: scene safety: not provided" in taken.stdout
    bad = tmp_path / "bad.json"
    bad.write_bytes(
        body(changed(a4t3_bundle(journey_id="J-3"), "ServiceRequest", occurrencePeriod=None))
    )
    refused = subprocess.run(
        [SPR_DESK, "bars", "import", str(bad), "--db", database], capture_output=True, text=True
    )
    assert refused.returncode == 2
    assert (
        refused.stderr.count("\n") == 1
        and "occurrencePeriod.end (the breach time)" in refused.stderr
    )
    assert "Traceback" not in refused.stderr
    assert counts(database)[0] == 2
    assert os.stat(database.removeprefix("sqlite:///")).st_mode & 0o077 == 0
