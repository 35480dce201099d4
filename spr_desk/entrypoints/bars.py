"""`spr-desk bars`: 999 referrals over BaRS. `serve` is the desk's BaRS endpoint (a Validation
Request posted to `$process-message` is answered at once with the desk's reference, or with an
OperationOutcome naming what is wrong) and delivers the desk's replies from its outbox; `import`
takes one request from a file (exit 0 taken, 2 refused)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from spr_desk.entrypoints.output import fail, named, read_limited
from spr_desk.entrypoints.registry import OpenDesk, register

if TYPE_CHECKING:
    from db.bars_desk import BarsAnswer
    from db.desk import DeskService

DEFAULT_PORT = 8410


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    bars = commands.add_parser(
        "bars",
        help="999 referrals over BaRS (the Booking and Referral Standard, use case a4t3)",
        description="Take 999 ambulance services' referrals over BaRS, and answer them.",
    )
    actions = bars.add_subparsers(dest="bars_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="the desk's BaRS endpoint: take Validation Requests, deliver the desk's replies",
        description=(
            "Listen for BaRS Validation Requests (FHIR R4 JSON Bundles) POSTed to "
            "/$process-message, answer each at once with the desk's reference or an "
            "OperationOutcome, and deliver the replies queued at the desk (accept, send back, "
            "final outcome) to --reply-url, retrying until each is delivered."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    serve.add_argument(
        "--reply-url",
        metavar="URL",
        default=None,
        help=(
            "where replies are POSTed (the BaRS proxy's base URL, or the sender's); each goes "
            "to URL/$process-message with the sender's endpoint as NHSD-Target-Identifier. "
            "Without it, replies wait in the outbox"
        ),
    )
    add_db(serve)
    register(
        serve, lambda url, args: run_serve(open_desk(url), args.host, args.port, args.reply_url)
    )
    take = actions.add_parser(
        "import",
        help="take one Validation Request from a file (exit 0 taken, 2 refused)",
        description=(
            "Take a BaRS Validation Request saved as a FHIR R4 JSON file, as if it were posted: "
            "exit 0 with the desk's reference when it is taken (or was already), 2 with the "
            "reason when it is refused (nothing is stored)."
        ),
    )
    take.add_argument("file", metavar="FILE", help="the request's Bundle, JSON ('-' reads stdin)")
    add_db(take)
    register(take, lambda url, args: run_import(open_desk(url), args.file))
    add_db(bars)


def run_import(desk: DeskService, path: str) -> int:
    from spr_desk.bars.outcome import BarsRefusal
    from spr_desk.bars.reading import MAX_BODY_BYTES, read_request

    data = read_limited(path, MAX_BODY_BYTES)
    request_id = file_request_id(data)
    try:
        request = read_request(data, request_id=request_id, correlation_id=request_id)
        answer = desk.receive_bars(request, json.loads(data))
    except BarsRefusal as refused:
        return fail(f"{named(path)}: refused ({refused.status}): {refused.diagnostics}", 2)
    sys.stdout.write(import_words(answer) + "\n")
    for mark in request.marks:
        sys.stdout.write(f"  marked: {mark}\n")
    return 0


def file_request_id(data: bytes) -> str:
    """A file's request id: its Bundle's id, so importing it twice is seen as a repeat; the
    bytes' hash when it has none."""
    try:
        found = json.loads(data).get("id")
    except (ValueError, AttributeError, RecursionError):
        found = None
    if isinstance(found, str) and found.strip():
        return f"file:{found.strip()[:190]}"
    return "file:" + hashlib.sha256(data).hexdigest()[:40]


def import_words(answer: BarsAnswer) -> str:
    if answer.status == 409:
        return f"Already taken as {answer.reference}: nothing changed."
    if answer.created:
        return f"Taken as {answer.reference}: on the queue, due by the sender's breach time."
    return f"Taken: {answer.reference} changed (an update or a cancel from the sender)."


def run_serve(desk: DeskService, host: str, port: int, reply_url: str | None) -> int:
    from spr_desk.entrypoints.bars_server import serve_forever

    return serve_forever(desk, host=host, port=port, reply_url=reply_url)
