"""The GP update delivered end to end over a real MESH: NHS England's `mesh-sandbox` on loopback
(uvicorn, STORE_MODE=file), `spr-desk gp-updates send --once` as the desk's sender, and a
`MeshClient` on the practice's mailbox as the practice, which downloads and acknowledges it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from mesh_client import MeshClient
from tests_support import crew_call

from db.desk import DeskService
from db.engine import make_engine
from spr_desk.gp_update.mesh_config import MeshConfigRefused, read_mesh_config
from spr_desk.gp_update.message import document_of
from spr_desk.vocabulary import CloseOutcome, GpUpdateState, Status

SPR_DESK = str(Path(sys.executable).with_name("spr-desk"))
OUR_MAILBOX, PRACTICE_MAILBOX, PASSWORD = "X26ABC1", "X26ABC2", "password"
PRACTICE = "Vale Surgery"
WAIT = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sandbox:
    """The MESH sandbox as a process: stopped and started again on the same port and store."""

    port: int
    store: Path
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = os.environ | {
            "STORE_MODE": "file",
            "MAILBOXES_DATA_DIR": str(self.store),
            "AUTH_MODE": "none",
            "PYTHONWARNINGS": "ignore",
        }
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "mesh_sandbox.api:app",
                 "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + WAIT
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mesh-sandbox did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=WAIT)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    store = tmp_path / "mesh-store"
    store.mkdir()
    running = Sandbox(free_port(), store, tmp_path / "mesh-sandbox.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    subprocess.run([SPR_DESK, "db", "upgrade", "--db", url], check=True, capture_output=True)
    return url


def mesh_config(path: Path, sandbox_url: str) -> Path:
    path.write_text(
        "[mesh]\n"
        f'url = "{sandbox_url}"\n'
        f'mailbox = "{OUR_MAILBOX}"\n'
        f'password = "{PASSWORD}"\n'
        'shared_key = "TestKey"\n'
        "\n[practices]\n"
        f'"{PRACTICE}" = "{PRACTICE_MAILBOX}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def configured(tmp_path: Path, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = mesh_config(tmp_path / "mesh.toml", sandbox.url)
    monkeypatch.setenv("SPR_DESK_MESH_CONFIG", str(path))
    yield path


def closed_and_queued(database: str) -> tuple[DeskService, str, int]:
    """A referral closed without the GP told (its update drafted), the update queued."""
    desk = DeskService(make_engine(database))
    desk.ensure_reference_data()
    call = crew_call(desk, "Marnie", "Tolland", minutes_ago=50)
    call = replace(call, patient=replace(call.patient, gp_practice=PRACTICE))
    reference = desk.record_referral(call, by="handler").reference
    desk.move(reference, Status.ALLOCATED, by="handler", team="ACHT Aylesbury")
    desk.move(reference, Status.RESPONDED, by="nurse")
    desk.move(reference, Status.CLOSED, by="nurse", outcome=CloseOutcome.NO_FURTHER_SERVICES)
    drafted = desk.gp_update(reference)
    assert drafted is not None and drafted.state is GpUpdateState.DRAFTED
    queued = desk.send_gp_update(drafted.id, by="nurse")
    assert queued.state is GpUpdateState.QUEUED and queued.mailbox == PRACTICE_MAILBOX
    return desk, reference, drafted.id


def send_once(database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SPR_DESK, "gp-updates", "send", "--once", "--db", database],
        capture_output=True,
        text=True,
        timeout=60,
    )


def state_of(desk: DeskService, reference: str) -> GpUpdateState:
    update = desk.gp_update(reference)
    assert update is not None
    return update.state


def practice(sandbox: Sandbox) -> MeshClient:
    return MeshClient(sandbox.url, PRACTICE_MAILBOX, PASSWORD, shared_key=b"TestKey")


def test_an_update_is_sent_downloaded_acknowledged_and_the_desk_sees_it(
    database: str, sandbox: Sandbox, configured: Path
) -> None:
    desk, reference, update_id = closed_and_queued(database)

    first = send_once(database)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert f"{reference}: GP update sent to {PRACTICE_MAILBOX}" in first.stdout
    sent = desk.gp_update(reference)
    assert sent is not None and sent.state is GpUpdateState.SENT and sent.mesh_message_id

    listed = subprocess.run(
        [SPR_DESK, "gp-updates", "list", "--db", database], capture_output=True, text=True
    )
    assert listed.returncode == 0 and f"{reference}  {PRACTICE}  sent" in listed.stdout

    with practice(sandbox) as surgery:
        assert surgery.list_messages() == [sent.mesh_message_id]
        with surgery.retrieve_message(sent.mesh_message_id) as message:
            payload = message.read()
            headers = dict(message.mex_headers())
            message.acknowledge()
    assert headers["workflowid"] == "GPFED_CONSULT_REPORT"
    assert headers["subject"] == sent.title
    bundle = json.loads(payload)
    assert bundle["type"] == "message"
    assert bundle["entry"][0]["resource"]["eventCoding"]["code"] == "ITK007C"
    assert headers["localid"] == bundle["entry"][0]["resource"]["id"]
    html = document_of(payload).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Marnie" in html and "Tolland" in html.title()

    second = send_once(database)
    assert second.returncode == 0, second.stderr
    assert f"{reference}: GP update acknowledged by the practice" in second.stdout
    done = desk.gp_update(reference)
    assert done is not None and done.id == update_id
    assert done.state is GpUpdateState.ACKNOWLEDGED and done.acknowledged_at is not None
    assert desk.summary(reference).gp_updated is True
    assert desk.gp_updates_owed() == []


def test_a_mesh_stopped_mid_send_leaves_the_update_queued_then_delivers_it(
    database: str, sandbox: Sandbox, configured: Path
) -> None:
    desk, reference, _ = closed_and_queued(database)
    sandbox.stop()

    offline = send_once(database)
    assert offline.returncode == 0
    assert "Traceback" not in offline.stderr
    [said] = offline.stderr.splitlines()
    assert said == (
        f"spr-desk: MESH at {sandbox.url} could not be reached (ConnectionError): the GP "
        "updates stay queued for the next pass"
    )
    assert state_of(desk, reference) is GpUpdateState.QUEUED

    sandbox.start()
    back = send_once(database)
    assert back.returncode == 0, back.stderr
    assert f"{reference}: GP update sent to {PRACTICE_MAILBOX}" in back.stdout
    assert state_of(desk, reference) is GpUpdateState.SENT
    with practice(sandbox) as surgery:
        assert len(surgery.list_messages()) == 1


def test_a_bad_configuration_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "mesh.toml"
    path.write_text("[mesh\n", encoding="utf-8")
    ran = subprocess.run(
        [SPR_DESK, "gp-updates", "send", "--once", "--db", f"sqlite:///{tmp_path / 'none.db'}"],
        capture_output=True,
        text=True,
        env=os.environ | {"SPR_DESK_MESH_CONFIG": str(path)},
    )
    assert ran.returncode == 2
    [line] = ran.stderr.splitlines()
    assert line.startswith(f"spr-desk: {path} is not valid TOML")
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('[mesh]\nurl = "https://mesh.example"\n', "[mesh] needs mailbox"),
        ('[mesh]\nurl = "ftp://m"\n', "[mesh] url must start with https://"),
        (
            '[mesh]\nurl = "https://m"\nmailbox = "X26ABC1"\npassword = "p"\nshared_key = "k"\n'
            '[practices]\n"Vale Surgery" = "not a mailbox!"\n',
            "[practices] 'Vale Surgery': 'not a mailbox!' is not a MESH mailbox id",
        ),
        (
            '[mesh]\nurl = "https://m"\nmailbox = "X26ABC1"\npassword = "p"\nshared_key = "k"\n'
            'cert = "/no/such/cert.pem"\n',
            "[mesh] cert: no file /no/such/cert.pem",
        ),
    ],
)
def test_a_bad_configuration_is_refused_in_a_sentence(
    tmp_path: Path, content: str, said: str
) -> None:
    path = tmp_path / "mesh.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MeshConfigRefused) as refused:
        read_mesh_config(str(path))
    assert str(refused.value).startswith(str(path)) and said in str(refused.value)


def test_a_practice_is_found_ignoring_case_and_spaces(tmp_path: Path) -> None:
    config = read_mesh_config(str(mesh_config(tmp_path / "mesh.toml", "http://127.0.0.1:1")))
    assert config.mailbox_for("  vale   SURGERY ") == PRACTICE_MAILBOX
    assert config.mailbox_for("Hill Surgery") is None


def test_no_answer_after_sending_is_kept_apart_from_no_connection() -> None:
    """A timeout after the request went (MESH may hold the letter) is never retried by itself;
    a connection refused before anything was sent is simply tried on the next pass."""
    import requests.exceptions
    import urllib3.exceptions

    from spr_desk.entrypoints.gp_updates import _sorted

    pool = urllib3.HTTPConnectionPool("127.0.0.1", 1)
    refused = requests.exceptions.ConnectionError(
        urllib3.exceptions.MaxRetryError(
            pool, "/", urllib3.exceptions.NewConnectionError(pool, "refused")
        )
    )
    dropped = requests.exceptions.ConnectionError(
        urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError())
    )
    assert _sorted(refused)[0] == "unreachable"
    assert _sorted(requests.exceptions.ConnectTimeout())[0] == "unreachable"
    assert _sorted(requests.exceptions.ReadTimeout())[0] == "maybe sent"
    assert _sorted(dropped)[0] == "maybe sent"
    assert _sorted(urllib3.exceptions.ReadTimeoutError(pool, "/", "read timed out"))[0] == (
        "maybe sent"
    )
