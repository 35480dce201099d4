"""The CLI's one registry of commands: each command's parser holds what runs it, so `cli.main`
calls `args.run(url, args)` and no list of command names is kept anywhere else. A module that
adds a command (`backup`, `serve`, `users`, `watch`) registers its own run function beside its
options."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from db.desk import DeskService
    from db.opening import Purpose

Run = Callable[[str | None, argparse.Namespace], int]
"""What a command runs: the database URL given (--db, or None) and what was typed; the exit code."""


class OpenDesk(Protocol):
    """Opens the desk a command works on (`cli.open_desk`): handed to the modules that add
    commands, which cannot import the CLI that imports them."""

    def __call__(self, url: str | None, *, purpose: Purpose = "desk") -> DeskService: ...


def register(parser: argparse.ArgumentParser, run: Run) -> None:
    """`parser`'s command is `run` (a sub-command's parser overrides its parent's)."""
    parser.set_defaults(run=run)


def run_of(args: argparse.Namespace) -> Run:
    """The run function the parsed command registered."""
    run: Run = args.run
    return run
