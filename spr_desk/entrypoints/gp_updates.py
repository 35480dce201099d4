"""`spr-desk gp-updates ...`: GP updates sent over MESH and tracked (issue 19)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from spr_desk.entrypoints.registry import OpenDesk


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    """Add `gp-updates` and its subcommands to the top level (`commands`)."""
