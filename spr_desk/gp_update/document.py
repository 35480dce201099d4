"""The GP update as the document the practice receives: one self-contained HTML page.

GP Connect Send Document carries a PDF or an HTML file; HTML keeps the handler's edited words
exactly and opens in any practice system's viewer. The page has inline style only, no script and
nothing to fetch (its Content-Security-Policy forbids it), and every string in it is escaped, so a
name or a note can never become markup. Pure: it returns the bytes, the caller sends them.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from spr_desk.printable import printable
from spr_desk.uktime import as_utc, long_local

CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""Nothing may load or run: only the inline style."""

DRAFTED_AT_META = "spr-desk-drafted-at"
"""The `<meta name=...>` whose content is the ISO (UTC) time the update was drafted."""

# Black on white, printable on A4: a practice may print it for the notes.
_STYLE = """
@page { size: A4; margin: 18mm; }
html { font-family: system-ui, sans-serif; font-size: 11pt; color: #000; background: #fff; }
body { margin: 1.5rem auto; max-width: 44rem; line-height: 1.45; }
h1 { font-size: 1.3rem; margin: 0 0 0.4rem; }
.meta { margin: 0 0 1.2rem; padding-bottom: 0.5rem; border-bottom: 2px solid #000; }
p { margin: 0 0 0.8rem; }
"""


def html_document(title: str, body: str, *, practice: str, drafted_at: datetime) -> bytes:
    """The update as a UTF-8 HTML5 page: the title, who it is for and when it was drafted, then
    one paragraph for each blank-line-separated block of `body` (a single line break inside a
    block is kept as a line break).

    Args:
        title: the update's title (`prose.update_title`).
        body: the update's text as drafted or edited (`prose.draft_update`).
        practice: the patient's GP practice, as the desk holds it (may be empty).
        drafted_at: when the text was drafted (aware, or naive UK local time).
    """
    drafted = long_local(drafted_at)
    to = f"For {_text(practice)}. " if practice.strip() else ""
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        f'<meta name="{DRAFTED_AT_META}" content="{_text(as_utc(drafted_at).isoformat())}">',
        f"<title>{_text(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(title)}</h1>",
        f'<p class="meta">{to}Drafted {_text(drafted)} (UK time).</p>',
        *(f"<p>{paragraph}</p>" for paragraph in _paragraphs(body)),
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def _paragraphs(body: str) -> list[str]:
    """Each block between blank lines, escaped, its own line breaks as `<br>`."""
    blocks = re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n").strip())
    return [
        "<br>\n".join(_text(line.strip()) for line in block.split("\n") if line.strip())
        for block in blocks
        if block.strip()
    ]


def _text(value: str) -> str:
    """Typed text as text: control characters shown (`\\x1b`), then HTML-escaped."""
    return html.escape(printable(value), quote=True)
