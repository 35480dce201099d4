"""The BaRS endpoint itself (aiohttp, which the desk already carries for `spr-desk serve`), and
the sender that delivers the outbox. Imported only by `spr-desk bars serve` and its tests.

Every request is answered: 200 with the acknowledgement Bundle, or an OperationOutcome with a
4xx (what is wrong) or a 500 (the desk could not store it: send it again). The log holds one
line per request with its reference or refusal, never a patient's details.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from spr_desk.bars.outbox import REFUSED_FOR_GOOD, delivered
from spr_desk.bars.outcome import (
    BAD_REQUEST,
    BarsRefusal,
    bad_request,
    operation_outcome,
    too_large,
)
from spr_desk.bars.reading import MAX_BODY_BYTES, read_request

if TYPE_CHECKING:
    from db.bars_desk import OutgoingReply
    from db.desk import DeskService

log = logging.getLogger("spr_desk.bars")

FHIR_JSON = "application/fhir+json"
ACCEPTED_TYPES = frozenset({FHIR_JSON, "application/json"})
PATHS = ("/$process-message", "/FHIR/R4/$process-message")
"""The BaRS message operation, at the root and under the FHIR base the guide's examples use."""
SEND_EVERY = 1.0
"""Seconds between looks at the outbox (a reply queued at a desk goes within about this)."""
SEND_TIMEOUT = 10.0
DESK_KEY = web.AppKey("desk", object)


def make_app(
    desk: DeskService, *, reply_url: str | None = None, max_bytes: int = MAX_BODY_BYTES
) -> web.Application:
    """The endpoint's application; with `reply_url`, it also delivers the outbox there."""
    _warm_up()
    app = web.Application(client_max_size=max_bytes)

    async def process_message(request: web.Request) -> web.Response:
        return await _process(desk, request, max_bytes)

    for path in PATHS:
        app.router.add_post(path, process_message)
    app.router.add_get("/metadata", _metadata)
    if reply_url:
        app.cleanup_ctx.append(_sender(desk, reply_url.rstrip("/")))
    return app


def _warm_up() -> None:
    """Load fhir.resources and build its models now: the first 999 referral must not wait
    for them (the first validation costs about 0.1 s, the next about 1 ms)."""
    from spr_desk.bars.example import a4t3_bundle
    from spr_desk.bars.structure import check_structure

    check_structure(a4t3_bundle())


async def _process(desk: DeskService, request: web.Request, max_bytes: int) -> web.Response:
    request_id = request.headers.get("X-Request-ID", "").strip()
    correlation_id = request.headers.get("X-Correlation-ID", "").strip() or request_id
    echo = {"X-Request-ID": request_id[:200], "X-Correlation-ID": correlation_id[:200]}
    try:
        content_type = request.content_type
        if content_type not in ACCEPTED_TYPES:
            raise BarsRefusal(
                status=415,
                code=BAD_REQUEST,
                issue="not-supported",
                diagnostics=f"Send the Bundle as {FHIR_JSON}.",
                expression="Content-Type",
            )
        if not request_id:
            raise bad_request(
                "The X-Request-ID header is missing: every request needs its own id.",
                "X-Request-ID",
                "required",
            )
        if request.content_length is not None and request.content_length > max_bytes:
            raise too_large(max_bytes)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise too_large(max_bytes) from None
        answer = await asyncio.to_thread(_take, desk, body, request_id, correlation_id)
    except BarsRefusal as refused:
        log.info("refused a request (%d %s): %s", refused.status, refused.code, refused.expression)
        return _fhir(refused.outcome(), refused.status, echo)
    except Exception as error:  # noqa: BLE001 - answered and logged, never a crash
        log.warning("could not take a request: %s", type(error).__name__)
        return _fhir(_server_error(), 500, echo)
    return _fhir(answer.body, answer.status, echo)


def _take(desk: DeskService, body: bytes, request_id: str, correlation_id: str) -> Any:
    request = read_request(body, request_id=request_id, correlation_id=correlation_id)
    return desk.receive_bars(request, json.loads(body))


def _server_error() -> dict[str, Any]:
    return operation_outcome(
        code="REC_SERVER_ERROR",
        issue="exception",
        diagnostics="The desk could not store the request; nothing was kept. Send it again.",
        expression="Bundle",
    )


def _fhir(body: dict[str, Any], status: int, headers: dict[str, str]) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, ensure_ascii=False),
        content_type=FHIR_JSON,
        headers=headers,
    )


async def _metadata(_request: web.Request) -> web.Response:
    """A CapabilityStatement of the one operation the desk serves."""
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-03",
        "kind": "instance",
        "fhirVersion": "4.0.1",
        "format": [FHIR_JSON],
        "software": {"name": "SPR Desk"},
        "rest": [
            {
                "mode": "server",
                "operation": [
                    {
                        "name": "process-message",
                        "definition": "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message",
                    }
                ],
            }
        ],
    }
    return _fhir(statement, 200, {})


# the outbox ---------------------------------------------------------------------------------


def _sender(desk: DeskService, reply_url: str) -> Any:
    async def run(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(_send_forever(desk, reply_url))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return run


async def _send_forever(desk: DeskService, reply_url: str) -> None:
    timeout = aiohttp.ClientTimeout(total=SEND_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        while True:
            try:
                for reply in await asyncio.to_thread(desk.replies_to_send):
                    await deliver(desk, http, reply_url, reply)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - the database away: try again soon
                log.warning("the outbox could not be read: %s", type(error).__name__)
            await asyncio.sleep(SEND_EVERY)


async def deliver(
    desk: DeskService, http: aiohttp.ClientSession, reply_url: str, reply: OutgoingReply
) -> None:
    """POST one reply; record it delivered, to try again, or refused for good."""
    headers = {
        "Content-Type": FHIR_JSON,
        "X-Request-ID": reply.request_id,
        "X-Correlation-ID": reply.correlation_id or reply.request_id,
        "NHSD-Target-Identifier": reply.target,
    }
    try:
        async with http.post(
            reply_url + "/$process-message", data=json.dumps(reply.body), headers=headers
        ) as answer:
            status = answer.status
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        words = f"{type(error).__name__}: could not reach {reply_url}"
        await asyncio.to_thread(desk.reply_not_delivered, reply.id, error=words, for_good=False)
        log.info("reply for %s not delivered (%s); will try again", reply.reference, words)
        return
    if delivered(status):
        await asyncio.to_thread(desk.reply_delivered, reply.id, status=status)
        log.info("reply (%s) for %s delivered: HTTP %d", reply.kind.value, reply.reference, status)
        return
    for_good = status in REFUSED_FOR_GOOD
    await asyncio.to_thread(
        desk.reply_not_delivered, reply.id, error=f"HTTP {status}", for_good=for_good
    )
    log.info(
        "reply for %s answered HTTP %d: %s",
        reply.reference,
        status,
        "refused, kept as failed" if for_good else "will try again",
    )


def serve_forever(desk: DeskService, *, host: str, port: int, reply_url: str | None) -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s spr-desk bars: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    where = f"http://{host}:{port}{PATHS[0]}"
    replies = (
        f"replies to {reply_url}" if reply_url else "replies kept in the outbox (no --reply-url)"
    )
    web.run_app(
        make_app(desk, reply_url=reply_url),
        host=host,
        port=port,
        print=lambda _line: _say(f"Taking BaRS referrals at {where}; {replies} (Ctrl+C stops)"),
        access_log=None,
    )
    return 0


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
