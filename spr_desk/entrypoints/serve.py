"""`spr-desk serve`: the same desk in a browser, for desks without a terminal (textual-serve).

Safe to put behind a reverse proxy: at most `--max-desks` desk processes at once (each is a
process of about 80 MB; a connection past the pool is told so and starts nothing), a websocket
only from a page of this server (`Origin` checked), one log line per event and never a
traceback, and the database URL handed to the desks in their environment (which only their
owner can read), never on their command line (which every user of the machine can).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from spr_desk.entrypoints.registry import register

if TYPE_CHECKING:
    from textual_serve.server import Server

DEFAULT_MAX_DESKS = 20
"""Desks one server runs at once: 20 desks are about 1.6 GB (80 MB each at the sign-in)."""
STOP_SECONDS = 10.0
"""A desk told to quit (its tab closed) that is still running after this is killed: a hung desk
must not hold its place in the pool for ever."""
DEFAULT_PORTS = {"http": 80, "https": 443}
ORIGIN_SHOWN = 120
"""Characters of a refused Origin written to the log: it is the requester's text."""


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the desk to a web browser (127.0.0.1 by default)",
        description="Serve the desk to web browsers with textual-serve.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--max-desks",
        type=desk_count,
        default=DEFAULT_MAX_DESKS,
        metavar="N",
        help=(
            "most desks served at once, each a process of about 80 MB; the next browser is "
            f"told they are all in use (default {DEFAULT_MAX_DESKS})"
        ),
    )
    serve.add_argument(
        "--public-url",
        type=web_address,
        metavar="URL",
        help=(
            "the address browsers open the desk at, when it is not --host and --port: a reverse "
            "proxy's, e.g. https://desk.example.nhs.uk"
        ),
    )
    serve.add_argument(
        "--allow-origin",
        type=web_address,
        action="append",
        default=[],
        metavar="URL",
        help=(
            "another address whose pages may open a desk, e.g. a second name of the reverse "
            "proxy (repeatable; the served address is always allowed)"
        ),
    )
    add_db(serve)
    register(serve, serve_from_args)


def desk_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of desks from 1 to 1000")
    return count


def web_address(text: str) -> str:
    """An http(s) address without a query, given as an option; its trailing slash dropped."""
    if origin_of(text) is None or urlsplit(text).query or urlsplit(text).fragment:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a web address such as https://desk.example.nhs.uk"
        )
    return text.rstrip("/")


def serve_from_args(url: str | None, args: argparse.Namespace) -> int:
    """`spr-desk serve` with the options its parser gave: the one call the command makes."""
    return run_serve(
        url,
        args.host,
        args.port,
        max_desks=args.max_desks,
        public=args.public_url,
        allowed_origins=args.allow_origin,
    )


def serve_command() -> str:
    """The shell command textual-serve runs for each browser that connects: this desk.

    It names no database: the URL, password and all, reaches the desk in its environment (see
    `run_serve`), since any user of the machine can read a process's command line. `exec` makes
    the desk the server's own child, not a shell's, so stopping it stops the desk.
    """
    # textual-serve hands the command to a shell, so every word is quoted.
    import shlex  # here, not at the top: every `spr-desk` command imports this module

    return "exec " + shlex.join([sys.executable, "-m", "spr_desk"])


def origin_of(url: str) -> str | None:
    """`scheme://host:port` of a web address, the form browsers send as `Origin`, with the
    default port written out and the name in lower case; None if it is no http(s) address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # a port that is no number, or an unclosed IPv6 bracket
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    name = f"[{host}]" if ":" in host else host
    return f"{scheme}://{name}:{port or DEFAULT_PORTS[scheme]}"


def _names_one_machine(host: str) -> bool:
    """An IP address or `localhost`: a name no DNS answer can point somewhere else."""
    if host == "localhost":
        return True
    try:
        import ipaddress

        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def served_origins(public: str, also: Iterable[str] = ()) -> frozenset[str]:
    """The origins whose pages may open a desk: the served address, and on loopback its other
    loopback names (the page at http://localhost:8000 is this server's too), and `also`."""
    origins = {origin for origin in map(origin_of, [public, *also]) if origin}
    served = origin_of(public)
    if served is not None:
        parts = urlsplit(served)
        if parts.hostname and is_loopback(parts.hostname):
            aliases = ("localhost", "127.0.0.1", "[::1]")
            origins.update(f"{parts.scheme}://{alias}:{parts.port}" for alias in aliases)
    return frozenset(origins)


def origin_allowed(origin: str | None, host: str | None, allowed: frozenset[str]) -> bool:
    """May a page from `origin` open a desk? Only a page of this server may: a web page the desk
    user opens elsewhere could otherwise drive a desk from their browser. A request without an
    Origin is refused too: every browser sends one on a websocket, and nothing else needs one.

    The request's own `Host` counts as this server only when it is an IP address or localhost:
    a page on a domain name can have that name point at this server (DNS rebinding), and would
    then send matching Origin and Host."""
    seen = origin_of(origin) if origin else None
    if seen is None:
        return False
    if seen in allowed:
        return True
    scheme = seen.split(":", 1)[0]
    requested = origin_of(f"{scheme}://{host}") if host else None
    return requested == seen and _names_one_machine(urlsplit(seen).hostname or "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        import ipaddress

        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(host: str, port: int) -> str:
    """The address the page tells the browser to fetch its script and open its websocket on."""
    name = host
    if name in ("", "0.0.0.0", "::"):
        # Listening everywhere: "0.0.0.0" is no address for a browser; this machine's name is.
        import socket

        name = socket.gethostname()
    if ":" in name:
        name = f"[{name}]"  # an IPv6 literal
    return f"http://{name}:{port}"


_GOOGLE_FONTS = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*/?>", re.DOTALL)
_LOCAL_FONT = (
    "<style>@font-face { font-family: 'Roboto Mono'; "
    "src: url('{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf'); }</style>"
)


def local_page(template: str) -> str:
    """textual-serve's page without its Google Fonts link: a desk's browser must not call out
    to Google on every visit (and, on a closed NHS network, wait for it). The same font ships
    with textual-serve, so the page takes it from the desk's own server instead."""
    page, found = _GOOGLE_FONTS.subn("", template)
    if found:
        page = page.replace("<head>", "<head>\n    " + _LOCAL_FONT, 1)
    return page


def run_serve(
    url: str | None,
    host: str,
    port: int,
    *,
    max_desks: int = DEFAULT_MAX_DESKS,
    public: str | None = None,
    allowed_origins: Sequence[str] = (),
) -> int:
    """Serve until Ctrl+C or SIGTERM; each browser tab gets its own desk process, up to
    `max_desks` at once."""
    import os
    import tempfile

    import textual_serve

    from db.engine import ENV_VAR

    if url:
        # Inherited by every desk textual-serve starts; /proc/PID/environ is the owner's alone.
        os.environ[ENV_VAR] = url
    if not is_loopback(host):
        sys.stderr.write(
            f"spr-desk: warning: serving on {host} without TLS: patient data and passwords "
            "cross the network unencrypted\n"
        )
    served = public or public_url(host, port)
    packaged = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    with tempfile.TemporaryDirectory(prefix="spr-desk-serve-") as templates:
        (Path(templates) / "app_index.html").write_text(
            local_page(packaged.read_text(encoding="utf-8")), encoding="utf-8"
        )
        server = desk_server(
            max_desks=max_desks,
            allowed_origins=served_origins(served, allowed_origins),
            command=serve_command(),
            host=host,
            port=port,
            # Shown in the page: the default (the command) is no name for a desk.
            title="SPR Desk",
            public_url=served,
            templates_path=templates,
        )
        server.serve()
    return 0


def full_sentence(max_desks: int) -> str:
    """What a browser past the pool is told, on the page or in its terminal."""
    in_use = (
        "The one desk on this server is in use."
        if max_desks == 1
        else f"All {max_desks} desks on this server are in use."
    )
    return f"{in_use} Close a desk you no longer need, or reload this page in a few minutes."


def desk_server(*, max_desks: int, allowed_origins: frozenset[str], **options: Any) -> Server:
    """textual-serve's Server (given `options`) with a pool of at most `max_desks` desks, the
    Origin checked against `allowed_origins`, and one log line per event. The class is made on
    call: aiohttp and textual-serve are imported only by `serve`."""
    import asyncio
    import logging

    import aiohttp
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, to_int

    log = logging.getLogger("spr-desk.serve")

    class DeskServer(Server):
        max_desks = DEFAULT_MAX_DESKS
        allowed_origins: frozenset[str] = frozenset()
        desks_in_use = 0
        """Desk processes running, or starting: changed only on the event loop's thread."""
        open_websockets: set[web.WebSocketResponse]

        def initialize_logging(self) -> None:
            # One plain line per record: textual-serve's Rich log wraps a line over several,
            # and shows every local variable of a traceback.
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(
                logging.Formatter("%(asctime)s spr-desk serve: %(message)s", "%Y-%m-%d %H:%M:%S")
            )
            logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
            # aiohttp's line per request (each script and font) would bury the ones that
            # matter: desks started, ended and refused.
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_shutdown(self, app: web.Application) -> None:  # noqa: ARG002 - aiohttp's signature
            # Close the tabs' websockets, so each desk is told to quit now: aiohttp would
            # otherwise wait for them (20 s and more) before stopping.
            for websocket in list(self.open_websockets):
                await websocket.close(code=aiohttp.WSCloseCode.GOING_AWAY)

        async def on_startup(self, app: web.Application) -> None:  # noqa: ARG002 - aiohttp's signature
            # textual-serve's own banner prints the command.
            sys.stdout.write(
                f"Serving SPR Desk on {self.public_url}, up to {self.max_desks} desks at once "
                "(Ctrl+C stops)\n"
            )
            sys.stdout.flush()

        async def handle_index(self, request: web.Request) -> Any:
            if self.desks_in_use >= self.max_desks:
                # 503 and a page of its own: the desk's page would open a websocket to be refused.
                page = f"<!DOCTYPE html><title>SPR Desk</title><p>{full_sentence(self.max_desks)}"
                return web.Response(status=503, text=page, content_type="text/html")
            return await super().handle_index(request)

        # textual-serve declares a WebSocketResponse; aiohttp's route takes any StreamResponse,
        # and the refusals below are plain HTTP responses.
        async def handle_websocket(  # type: ignore[override]
            self, request: web.Request
        ) -> web.StreamResponse:
            """textual-serve's handler, with three refusals before any desk process starts."""
            peer = request.remote or "an unknown address"
            websocket = web.WebSocketResponse(heartbeat=15)
            if not websocket.can_prepare(request).ok:
                log.info("refused %s /ws from %s: not a websocket (400)", request.method, peer)
                return web.Response(
                    status=400,
                    text=f"This address is the desk's connection, not a page: open the desk at "
                    f"{self.public_url}/\n",
                )
            origin = request.headers.get("Origin")
            if not origin_allowed(origin, request.headers.get("Host"), self.allowed_origins):
                shown = repr(origin[:ORIGIN_SHOWN]) if origin is not None else "none"
                log.info("refused a desk to %s: Origin %s is not this server's (403)", peer, shown)
                return web.Response(
                    status=403,
                    text=f"Only a page of {self.public_url} may open a desk: open the desk "
                    "there.\n",
                )
            if self.desks_in_use >= self.max_desks:
                log.info("refused a desk to %s: all %d desks in use", peer, self.max_desks)
                return await self._say_all_in_use(request, websocket)
            self.desks_in_use += 1  # no await since the check: no other handler ran between
            try:
                return await self._run_desk(request, websocket, peer)
            finally:
                self.desks_in_use -= 1
                log.info(
                    "desk ended for %s (%d of %d in use)", peer, self.desks_in_use, self.max_desks
                )

        async def _say_all_in_use(
            self, request: web.Request, websocket: web.WebSocketResponse
        ) -> web.WebSocketResponse:
            """Write the sentence in the page's terminal and keep it there until the tab goes
            (closing would cover it with the page's "Session ended")."""
            await websocket.prepare(request)
            self.open_websockets.add(websocket)
            try:
                await websocket.send_bytes(f"\r\n  {full_sentence(self.max_desks)}\r\n".encode())
                async for _ignored in websocket:
                    pass
            finally:
                self.open_websockets.discard(websocket)
            return websocket

        async def _run_desk(
            self, request: web.Request, websocket: web.WebSocketResponse, peer: str
        ) -> web.WebSocketResponse:
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            app_service: AppService | None = None
            try:
                await websocket.prepare(request)
                self.open_websockets.add(websocket)

                async def close() -> None:  # AppService awaits it; the close's bool is unused
                    await websocket.close()

                app_service = AppService(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await app_service.start(width, height)
                log.info(
                    "desk started for %s (%d of %d in use)", peer, self.desks_in_use, self.max_desks
                )
                await self._process_messages(websocket, app_service)
            except asyncio.CancelledError:  # the server is stopping
                await websocket.close()
            except Exception as error:  # noqa: BLE001 - one line in the log, never a traceback
                log.warning("desk for %s failed: %s: %s", peer, type(error).__name__, error)
            finally:
                self.open_websockets.discard(websocket)
                if app_service is not None:
                    await self._stop_desk(app_service)
            return websocket

        async def _stop_desk(self, app_service: AppService) -> None:
            """Ask the desk to quit and wait until its process has ended (its place in the pool
            is free only then); kill it if it has not within STOP_SECONDS."""
            process = app_service._process  # private: textual-serve keeps no other handle

            async def quit_and_end() -> None:
                await app_service.stop()
                if process is not None:
                    await process.wait()

            try:
                await asyncio.wait_for(quit_and_end(), STOP_SECONDS)
            except TimeoutError:
                if process is not None and process.returncode is None:
                    log.warning("desk process %d did not quit; killed", process.pid)
                    process.kill()
                    await process.wait()

    server = DeskServer(**options)
    server.open_websockets = set()
    server.max_desks = max_desks
    server.allowed_origins = allowed_origins
    return server
