"""`spr-desk gp-updates ...`: GP updates sent over MESH and tracked (issue 19).

`send` hands the queued updates to MESH with NHS England's `mesh-client` (workflow
GPFED_CONSULT_REPORT, each a GP Connect Send Document-shaped ITK3 Bundle carrying the HTML
document, with its title as the subject and the update's own id as MESH's local id), then asks
MESH where the sent ones are: acknowledged by the practice, or undeliverable (expired). A MESH
that cannot be reached leaves every update queued and says so in one line. `list` prints the
updates owed."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import fail, printable
from spr_desk.entrypoints.registry import OpenDesk, register

if TYPE_CHECKING:
    from mesh_client import MeshClient

    from db.desk import DeskService
    from spr_desk.gp_update.mesh_config import MeshConfig
    from spr_desk.gp_update.views import OutgoingGpUpdate

WORKFLOW_ID = "GPFED_CONSULT_REPORT"
CONTENT_TYPE = "application/fhir+json"
DEFAULT_EVERY = 60.0
UNDELIVERED = frozenset({"undeliverable", "error"})
"""MESH's tracking states for a message it gave up on (not collected in its 5 days)."""

log = logging.getLogger("spr_desk.gp_updates")


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    """Add `gp-updates` and its subcommands to the top level (`commands`)."""
    updates = commands.add_parser(
        "gp-updates",
        help="GP updates: send them over MESH and track them to acknowledged, or list those owed",
        description="The end-of-episode updates to patients' GP practices, over MESH.",
    )
    actions = updates.add_subparsers(dest="gp_updates_command", metavar="ACTION", required=True)
    send = actions.add_parser(
        "send",
        help="send the queued GP updates over MESH, then track the sent ones",
        description=(
            "Send the GP updates waiting in the desk's outbox to each practice's MESH mailbox "
            "and track the sent ones to acknowledged (or expired). The MESH settings and the "
            "practices' mailboxes are read from the TOML file named by SPR_DESK_MESH_CONFIG."
        ),
    )
    send.add_argument("--once", action="store_true", help="one pass, then exit 0")
    send.add_argument(
        "--every",
        type=float,
        default=DEFAULT_EVERY,
        metavar="SECONDS",
        help=f"seconds between passes (default {DEFAULT_EVERY:g})",
    )
    add_db(send)
    register(
        send, lambda url, args: run_send(lambda: open_desk(url), once=args.once, every=args.every)
    )
    owed = actions.add_parser(
        "list",
        help="print the GP updates owed (reference, practice, state, due, OVERDUE)",
        description="Print every closed referral whose GP is not yet told, oldest due first.",
    )
    add_db(owed)
    register(owed, lambda url, _args: run_list(open_desk(url)))
    add_db(updates)


def run_list(desk: DeskService) -> int:
    from spr_desk.uktime import short_local
    from spr_desk.vocabulary import label

    owed = desk.gp_updates_owed()
    for update in owed:
        state = label(update.state) if update.state else "none drafted"
        practice = update.practice or "no practice on the record"
        columns = [update.reference, printable(practice)[:40], state, short_local(update.due_at)]
        if update.overdue:
            columns.append("OVERDUE")
        sys.stdout.write("  ".join(columns) + "\n")
    sys.stdout.write(f"{len(owed)} GP update{'' if len(owed) == 1 else 's'} owed\n")
    return 0


def run_send(open_desk: Callable[[], DeskService], *, once: bool, every: float) -> int:
    """The configuration is checked before the database is opened: a bad file is said first."""
    from spr_desk.gp_update.mesh_config import config_path, read_mesh_config
    from spr_desk.refusal import Refused

    if every <= 0:
        return fail("--every must be more than 0 seconds", 2)
    try:
        config = read_mesh_config(config_path(os.environ))
    except Refused as refused:
        return fail(str(refused), 2)
    desk = open_desk()
    while True:
        one_pass(desk, config)
        if once:
            return 0
        try:
            time.sleep(every)
        except KeyboardInterrupt:
            return 0


def one_pass(desk: DeskService, config: MeshConfig) -> None:
    """Send what is due, then track what is sent; MESH out of reach ends the pass."""
    with _client(config) as client:
        if _send_all(desk, config, client):
            _track_all(desk, client)


def _client(config: MeshConfig) -> MeshClient:
    from mesh_client import MeshClient

    cert: tuple[str] | tuple[str, str] | None = None
    if config.cert and config.key:
        cert = (config.cert, config.key)
    elif config.cert:
        cert = (config.cert,)
    return MeshClient(
        config.url,
        config.mailbox,
        config.password,
        shared_key=config.shared_key.encode("utf-8"),
        cert=cert,
        verify=config.ca,
        # One quick retry: a MESH that is down is tried again on the next pass, not held here.
        max_retries=1,
        retry_backoff_factor=0.1,
        timeout=30,
        application_name="spr-desk",
    )


PER_PASS = 20
"""Updates sent in one pass at most (each leased just before it is sent)."""


def _send_all(desk: DeskService, config: MeshConfig, client: MeshClient) -> bool:
    """Send the due updates; False when MESH could not be reached (all stay queued).

    The desk's login is checked first: a wrong password or an expired certificate is said once
    and leaves every update queued (a refusal of the login is not a refusal of the letters).
    """
    try:
        client.handshake()  # type: ignore[no-untyped-call]
    except Exception as error:  # noqa: BLE001 - said in one line; the next pass tries again
        kind, words = _sorted(error)
        why = "could not be reached" if kind == "unreachable" else "did not accept the desk"
        _say(f"MESH at {config.url} {why} ({words}): the GP updates stay queued for the "
             "next pass")  # fmt: skip
        return False
    for _ in range(PER_PASS):
        handed = desk.gp_updates_to_send(limit=1)
        if not handed:
            break
        [update] = handed
        try:
            message_id = client.send_message(
                update.mailbox,
                _payload(update, config),
                workflow_id=WORKFLOW_ID,
                subject=update.title[:500],
                local_id=update.local_id,
                content_type=CONTENT_TYPE,
            )
        except Exception as error:  # noqa: BLE001 - every failure is sorted, none escapes
            kind, words = _sorted(error)
            if kind == "unreachable":
                desk.gp_update_not_tried(update.id, words)
                _say(f"MESH at {config.url} could not be reached ({words}): the GP updates "
                     "stay queued for the next pass")  # fmt: skip
                return False
            if kind == "maybe sent":  # never sent again by itself: a person checks first
                words = f"no answer after sending ({words}): MESH may have it. {CHECK_FIRST}"
            desk.gp_update_not_sent(update.id, words, for_good=kind != "later")
            _say(f"{update.reference}: GP update not sent ({words})")
            continue
        desk.gp_update_sent(update.id, message_id)
        sys.stdout.write(f"{update.reference}: GP update sent to {update.mailbox} ({message_id})\n")
    return True


def _track_all(desk: DeskService, client: MeshClient) -> None:
    for update in desk.gp_updates_to_track():
        try:
            status = str(client.track_message(update.mesh_message_id).get("status", ""))
        except Exception as error:  # noqa: BLE001 - asked again on the next pass
            kind, words = _sorted(error)
            if kind == "unreachable":
                _say(f"MESH could not be reached to track the sent GP updates: {words}")
                return
            continue
        if status == "acknowledged":
            desk.gp_update_acknowledged(update.id, desk.now())
            sys.stdout.write(f"{update.reference}: GP update acknowledged by the practice\n")
        elif status in UNDELIVERED:
            desk.gp_update_expired(update.id)
            _say(f"{update.reference}: GP update expired (MESH: {status})")


def _payload(update: OutgoingGpUpdate, config: MeshConfig) -> bytes:
    from spr_desk.gp_update.document import html_document
    from spr_desk.gp_update.message import DocumentMessage, send_document_bundle

    document = html_document(
        update.title, update.body, practice=update.practice, drafted_at=update.drafted_at
    )
    return send_document_bundle(
        DocumentMessage(
            message_id=update.local_id,
            sender_mailbox=config.mailbox,
            practice_mailbox=update.mailbox,
            practice=update.practice,
            title=update.title,
            document=document,
            patient_name=update.patient_name,
            nhs_number=update.nhs_number,
            date_of_birth=update.date_of_birth,
            sent_at=update.drafted_at,
        )
    )


CHECK_FIRST = "Check with the practice before sending it again (g drafts it again)."


def _sorted(error: Exception) -> tuple[str, str]:
    """("unreachable" | "maybe sent" | "refused" | "later", words): no connection made; the
    request went but no answer came back (a read timeout, a dropped connection), so MESH may
    hold it; MESH said no (a 4xx, or its own error); anything else, tried again later. Never
    the message's contents."""
    import requests.exceptions
    import urllib3.exceptions
    from mesh_client import MeshError

    from spr_desk.bars.outbox import REFUSED_FOR_GOOD

    if isinstance(error, MeshError):
        return "refused", f"MESH refused it: {str(error)[:200]}"
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(status, int):
        if status in REFUSED_FOR_GOOD:
            return "refused", f"MESH refused it (HTTP {status})"
        return "later", f"MESH answered HTTP {status}"
    name = type(error).__name__
    if isinstance(
        error, requests.exceptions.ConnectTimeout | urllib3.exceptions.NewConnectionError
    ):
        return "unreachable", name
    if _answer_lost(error):
        return "maybe sent", name
    # No connection at all: requests' connection errors (OSErrors), or urllib3's own
    # (mesh-client's retry lets a refused connection through unwrapped).
    if isinstance(error, OSError | urllib3.exceptions.HTTPError):
        return "unreachable", name
    return "later", name


def _answer_lost(error: BaseException) -> bool:
    """The request was sent and its answer never came: a read timeout or a connection dropped
    mid-answer, however requests, urllib3 or mesh-client's retry wrapped it."""
    import requests.exceptions
    import urllib3.exceptions

    lost = (
        requests.exceptions.ReadTimeout,
        requests.exceptions.ChunkedEncodingError,
        urllib3.exceptions.ReadTimeoutError,
        urllib3.exceptions.ProtocolError,
    )
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, lost):
            return True
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
    return False


def _say(line: str) -> None:
    sys.stderr.write(f"spr-desk: {printable(line)}\n")
