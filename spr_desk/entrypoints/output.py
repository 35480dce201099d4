"""How every `spr-desk` command reads its input and refuses: one line on standard error, named,
and an exit code; never a traceback, never a raw control character from what was read."""

from __future__ import annotations

import errno
import sys
from pathlib import Path

# The commands' own name for them (a command imports what it prints with from here)
from spr_desk.printable import printable as printable
from spr_desk.printable import printable_lines as printable_lines


class CommandRefused(Exception):
    """A command refuses what it was given; `main()` prints the message in one line, exit 2."""


def fail(message: str, code: int = 1) -> int:
    sys.stderr.write(f"spr-desk: {printable(message)}\n")
    return code


def read_limited(path: str, limit: int) -> bytes:
    """The bytes of `path` ('-' is standard input), refused once past `limit` bytes, so a device
    such as /dev/zero or a huge file cannot fill the memory.

    Raises:
        CommandRefused: the file cannot be read, or is larger than `limit`.
    """
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(path).open("rb") as handle:
                data = handle.read(limit + 1)
    except OSError as error:
        raise CommandRefused(f"cannot read {named(path)}: {error.strerror or error}") from None
    if len(data) > limit:
        raise CommandRefused(f"{named(path)}: larger than {_size(limit)}; nothing was read")
    return data


def named(path: str) -> str:
    """How a command's input file is named in its messages ('-' is standard input)."""
    return "standard input" if path == "-" else path


def _size(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{limit} bytes"


def cannot_write(path: str, error: OSError) -> str:
    """Why an export or a pack could not be written, and that no partial file was left."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: the disk is full; nothing was written. Free some space and run it again."
    return f"cannot write {path}: {error.strerror or error}; nothing was written"
