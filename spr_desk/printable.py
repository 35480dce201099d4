"""Text shown as it is, every control character made visible: `\\x1b`, `\\u202e`.

A name, a note or a key read from a file or a database may hold a terminal escape sequence (ESC,
BEL), which Rich and Textual pass to the terminal as they are: it could recolour, clear or
retitle the handler's terminal, or make a line read backwards. The command line prints every
such string through `printable`; the screens show stored text through it too (the queue board,
the referral view). Nothing is dropped: the escape is shown, so the odd character can be seen.
"""

from __future__ import annotations

import re

# C0 and C1 controls (ESC starts a terminal's colour, cursor and title sequences) and the
# bidirectional overrides that can make text read backwards.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (`\\x1b`, `\\u202e`), so a name or
    a key read from a file can neither recolour nor clear the terminal, nor break the line."""
    return _UNPRINTABLE.sub(_escaped, text)


def printable_lines(text: str) -> str:
    """`printable` for text of many lines (a pack on standard output): its line breaks and tabs
    kept, every other control character escaped."""
    return "\n".join(
        "\t".join(printable(cell) for cell in line.removesuffix("\r").split("\t"))
        + ("\r" if line.endswith("\r") else "")
        for line in text.split("\n")
    )


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
