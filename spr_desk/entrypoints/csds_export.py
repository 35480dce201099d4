"""`spr-desk export csds --month YYYY-MM [-o DIR]`: the national return (issue 19)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from spr_desk.entrypoints.registry import OpenDesk


def add_csds_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    """Add `csds` to the `export` command's subcommands (`commands`)."""
