"""How every `spr-desk` command refuses: one line on standard error, named, and an exit code."""

from __future__ import annotations

import sys


def fail(message: str, code: int = 1) -> int:
    sys.stderr.write(f"spr-desk: {message}\n")
    return code
