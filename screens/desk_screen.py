"""What the desk's full screens share: the context they are handed, the header over their body
and the keys under it, and one way to read the desk in a thread worker.

A screen yields its body from `compose_body`; the header and footer come from here. Most take
the defaults; a screen whose header needs an id, or whose footer is Textual's own, says so in
`make_header` / `make_footer`, so every screen's widgets keep their ids and order.

`load` runs a read (or a plain write) in a thread worker and hands the result to `then`, or the
failure to `failed`, on the UI thread through `call_from_thread`: the worker ends only once the
callback has run, so a test that waits for the workers sees the screen already filled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker

from screens.context import DeskContext
from screens.widgets.desk_footer import DeskFooter
from screens.widgets.desk_header import DeskHeader

if TYPE_CHECKING:
    from spr_desk.desk_api import Desk

T = TypeVar("T")


class DeskScreen(Screen[None]):
    """One of the desk's full screens, handed the signed-in person's `DeskContext`."""

    def __init__(self, ctx: DeskContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.desk: Desk = ctx.desk

    def compose(self) -> ComposeResult:
        yield self.make_header()
        yield from self.compose_body()
        yield self.make_footer()

    def compose_body(self) -> ComposeResult:
        """The widgets between the header and the footer."""
        yield from ()

    def make_header(self) -> DeskHeader:
        return DeskHeader()

    def make_footer(self) -> Footer:
        return DeskFooter()

    def load(
        self,
        read: Callable[[], T],
        *,
        group: str,
        then: Callable[[T], object],
        failed: Callable[[Exception], object] | None = None,
        exclusive: bool = False,
        description: str = "",
    ) -> Worker[None]:
        """Run `read` in a thread worker of `group`, then `then(result)` on the UI thread.

        With `failed`, an exception `read` raises is handed to it (on the UI thread) instead;
        without, the worker ends in error, unseen (`exit_on_error=False`: the app runs on).
        `exclusive` cancels the group's earlier workers (a thread runs on to its end, though).
        """

        def run() -> None:
            if failed is None:
                result = read()
            else:
                try:
                    result = read()
                except Exception as error:  # noqa: BLE001 - handed to `failed` to say
                    self.app.call_from_thread(failed, error)
                    return
            self.app.call_from_thread(then, result)

        return self.run_worker(
            run,
            name=group,
            group=group,
            description=description or group,
            exit_on_error=False,
            exclusive=exclusive,
            thread=True,
        )
