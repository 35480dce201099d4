"""`spr-desk rota check`: is the desk staffed for its calls (Erlang C by hour, issue 19)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from spr_desk.entrypoints.registry import OpenDesk


def add_check_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_db: Callable[[argparse.ArgumentParser], None],
    open_desk: OpenDesk,
) -> None:
    """Add `check` to the `rota` command's subcommands (`commands`)."""
