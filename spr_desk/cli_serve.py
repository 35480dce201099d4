"""`spr-desk serve`: the same desk in a browser, for desks without a terminal (textual-serve)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path


def add_command(
    commands: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]
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
    add_db(serve)


def serve_command(url: str | None) -> str:
    """The shell command textual-serve runs for each browser that connects: this desk, this DB."""
    # textual-serve hands the command to a shell, so every word is quoted.
    import shlex  # here, not at the top: every `spr-desk` command imports this module

    return shlex.join([sys.executable, "-m", "spr_desk", *(["--db", url] if url else [])])


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


def run_serve(url: str | None, host: str, port: int) -> int:
    """Serve until Ctrl+C or SIGTERM; each browser tab gets its own desk process."""
    import textual_serve
    from aiohttp import web
    from textual_serve.server import Server

    class DeskServer(Server):
        async def on_startup(self, app: web.Application) -> None:
            # textual-serve's own banner prints the command, and with it any password in the URL.
            sys.stdout.write(f"Serving SPR Desk on {self.public_url} (Ctrl+C stops)\n")
            sys.stdout.flush()

    if not is_loopback(host):
        sys.stderr.write(
            f"spr-desk: warning: serving on {host} without TLS: patient data and passwords "
            "cross the network unencrypted\n"
        )
    packaged = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="spr-desk-serve-") as templates:
        (Path(templates) / "app_index.html").write_text(
            local_page(packaged.read_text(encoding="utf-8")), encoding="utf-8"
        )
        # The title is shown in the page: the default (the command) would show the database URL.
        server = DeskServer(
            serve_command(url),
            host=host,
            port=port,
            title="SPR Desk",
            public_url=public_url(host, port),
            templates_path=templates,
        )
        server.serve()
    return 0
